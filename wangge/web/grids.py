"""A grid's page in the console: where it sits in the tree, its board, and its records (Jiading
seed 004: the people, places, things and organisations of each grid) — shops with their
shopfront holders and QR codes, buildings, facilities with their national codes, companies —
kind by kind, searchable and a page at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wangge.grids.models import Grid
from wangge.people.scope import access_scope
from wangge.records.choices import RecordKind
from wangge.records.models import GridRecord, Shop
from wangge.records.selectors import records_visible
from wangge.web.board import BOARD_LEVELS

PAGE_SIZE = 50


@dataclass(frozen=True)
class Column:
    """A column of a kind's table: its heading and what a record shows in it."""

    heading: Promise
    value: Callable[[Any], Any]


# Each kind's columns, and the fields a search looks in (besides the name and the address).
COLUMNS: dict[RecordKind, list[Column]] = {
    RecordKind.SHOP: [
        Column(_("Name"), lambda r: r.name),
        Column(_("Address"), lambda r: r.address),
        Column(_("Business"), lambda r: r.business_type),
        Column(_("Shopfront holder"), lambda r: r.holder_name),
        Column(_("Holder's phone"), lambda r: r.holder_phone),
        Column(_("Licence"), lambda r: r.licence),
    ],
    RecordKind.BUILDING: [
        Column(_("Name"), lambda r: r.name),
        Column(_("Building code"), lambda r: r.code),
        Column(_("Address"), lambda r: r.address),
        Column(_("Floors"), lambda r: r.floors),
        Column(_("Use"), lambda r: r.get_use_display()),
    ],
    RecordKind.FACILITY: [
        Column(_("Facility code"), lambda r: r.code),
        Column(_("Class"), lambda r: r.category.name),
        Column(_("Name"), lambda r: r.name),
        Column(_("Owner"), lambda r: r.owner),
        Column(_("Maintainer"), lambda r: r.maintainer),
    ],
    RecordKind.COMPANY: [
        Column(_("Name"), lambda r: r.name),
        Column(_("Unified social credit code"), lambda r: r.credit_code),
        Column(_("Park"), lambda r: r.park),
        Column(_("Address"), lambda r: r.address),
    ],
}
SEARCHED: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.SHOP: ("code", "licence", "holder_name"),
    RecordKind.BUILDING: ("code",),
    RecordKind.FACILITY: ("code",),
    RecordKind.COMPANY: ("credit_code", "park"),
}


@dataclass(frozen=True)
class Row:
    record: GridRecord
    cells: list[Any]
    qr: str  # a shop's QR code, to print for its door; "" for other kinds


@login_required
def grid_page(request: HttpRequest, code: str) -> HttpResponse:
    """A grid the user may see, with its records of one kind (shops unless asked otherwise)."""
    scope = access_scope(request.user)
    grid = get_object_or_404(scope.grids(Grid.objects.defer("geometry")), code=code)
    kind = request.GET.get("kind", RecordKind.SHOP)
    if kind not in RecordKind.values:
        return HttpResponse(
            _("Unknown kind of record: %(kind)s. Choose one of %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(RecordKind.values)},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    kind = RecordKind(kind)
    search = request.GET.get("q", "").strip()
    counts = {k: records_visible(k, grid, scope).count() for k in RecordKind}
    records = records_visible(kind, grid, scope).order_by("name", "pk")
    if search:
        terms = Q(name__icontains=search) | Q(address__icontains=search)
        for name in SEARCHED[kind]:
            terms |= Q(**{f"{name}__icontains": search})
        records = records.filter(terms)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        Row(
            record,
            [column.value(record) for column in COLUMNS[kind]],
            reverse("web:shop-qr", args=[record.code]) if isinstance(record, Shop) else "",
        )
        for record in page
    ]
    return render(
        request,
        "web/grid.html",
        {
            "grid": grid,
            "chain": list(grid.ancestors().defer("geometry")),
            "children": list(grid.children.defer("geometry").order_by("code")),
            "has_board": grid.level in BOARD_LEVELS,
            "kinds": [(k, k.label, counts[k]) for k in RecordKind],
            "kind": kind,
            "headings": [column.heading for column in COLUMNS[kind]],
            "rows": rows,
            "page": page,
            "search": search,
        },
    )
