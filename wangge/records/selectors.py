"""Reads of grid records that several callers share."""

from __future__ import annotations

from django.db.models import QuerySet

from wangge.grids.models import Grid
from wangge.people.scope import AccessScope
from wangge.records.choices import RecordKind
from wangge.records.models import Building, Company, Facility, GridRecord, Shop

MODELS: dict[RecordKind, type[GridRecord]] = {
    RecordKind.SHOP: Shop,
    RecordKind.BUILDING: Building,
    RecordKind.FACILITY: Facility,
    RecordKind.COMPANY: Company,
}


def records_in_grid(kind: RecordKind, grid: Grid) -> QuerySet[GridRecord]:
    """The records of ``kind`` in ``grid`` and the grids under it: a town's are its units'."""
    if kind == RecordKind.FACILITY:
        facilities = Facility.objects.select_related("category")
        return facilities.filter(grid__path__startswith=grid.path)
    return MODELS[kind]._default_manager.filter(grid__path__startswith=grid.path)


def records_visible(kind: RecordKind, grid: Grid, scope: AccessScope) -> QuerySet[GridRecord]:
    """The records of ``kind`` in ``grid`` and under it that ``scope`` may see, with their grids
    (without the boundaries). The caller has checked that ``scope`` sees ``grid``; the scope
    still cuts the records, so that no answer hangs on that reasoning alone."""
    records = records_in_grid(kind, grid).filter(scope.grid_q("grid"))
    return records.select_related("grid").defer("grid__geometry")


def shop_by_code(code: str) -> Shop | None:
    """The shop whose QR code carries ``code``, with its grid (without the boundary)."""
    return Shop.objects.select_related("grid").defer("grid__geometry").filter(code=code).first()
