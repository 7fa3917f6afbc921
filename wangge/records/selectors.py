"""Reads of grid records that several callers share."""

from __future__ import annotations

from django.db.models import QuerySet

from wangge.grids.models import Grid
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


def shop_by_code(code: str) -> Shop | None:
    """The shop whose QR code carries ``code``, with its grid (without the boundary)."""
    return Shop.objects.select_related("grid").defer("grid__geometry").filter(code=code).first()
