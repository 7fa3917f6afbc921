"""The 12345 hotline's work orders (工单), imported from the hotline system's CSV or XLSX export.

Each good row becomes a case of the 12345 channel (a complaint, never proactively discovered)
with its "report" event and an intake that remembers the order number: a second import of the
same file, or of one that overlaps it, skips the orders already imported. A row that is wrong is
reported with its row number, order number and the reason, and leaves nothing behind; the good
rows around it are imported. A complaint close to an earlier patrol find of the same sub-class
(within the likely-duplicate radius and time) records that case's number: the patrol found it
first (先行发现).

The rows go through in batches, each batch in one transaction: an import that stops half-way
has imported whole batches, and running it again imports the rest.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.cases.bulk import NewCase, PlacedCases, cases_place, cases_write
from wangge.cases.choices import Channel
from wangge.catalog.models import Category
from wangge.core.ahead import made_ahead
from wangge.core.bulk import Adapted, bulk_insert, bulk_values
from wangge.core.coords import CRS, to_wgs84
from wangge.core.ids import uuid7_ints
from wangge.core.tables import (
    CellProblem,
    Columns,
    NumberedRow,
    Progress,
    cell_number,
    chunks,
    empty_cell,
    find_columns,
    open_table,
    refusal_reason,
)
from wangge.grids.locator import GridIndex, grid_index
from wangge.intake.duplicates import EarlierFinds
from wangge.intake.models import Intake

SOURCE = Channel.HOTLINE_12345.value
BATCH = 10_000
# The hotline records Beijing time; an export's times carry no zone.
HOTLINE_ZONE = ZoneInfo("Asia/Shanghai")
KEY_LENGTH = Intake._meta.get_field("key").max_length or 100

# The fields of a work order and the headers a 12345 export gives them, the likeliest first.
HEADERS: dict[str, tuple[str, ...]] = {
    "order": ("工单编号", "工单号"),
    "description": ("诉求内容", "问题描述", "反映内容"),
    "address": ("事发地址", "地址", "问题地址"),
    "lng": ("经度",),
    "lat": ("纬度",),
    "category": ("问题分类", "分类编码", "问题类别"),
    "reporter_name": ("来电人", "联系人"),
    "reporter_phone": ("联系电话", "来电号码"),
    "reported_at": ("受理时间", "来电时间"),
}
REQUIRED = ("order", "description", "lng", "lat", "category", "reported_at")
_SHOWN_ERRORS = 10
_MOMENT = re.compile(
    r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
    r"(?:[ T]*(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.(\d{1,6}))?)?秒?)?"
)


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that was not imported: its row number (as a spreadsheet counts, the header being
    row 1), its order number if it has one, and why."""

    row: int
    order: str
    reason: str


@dataclass
class HotlineImport:
    """What an import did: rows read, cases imported, orders skipped as already imported,
    rows refused, complaints matched with an earlier patrol find, and the first errors."""

    rows: int = 0
    imported: int = 0
    skipped: int = 0
    errors: int = 0
    matched: int = 0
    first_errors: list[RowError] = field(default_factory=list)


def hotline_import(
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    crs: CRS | str = CRS.GCJ02,
    encoding: str | None = None,
    dry_run: bool = False,
    on_error: Callable[[RowError], None] | None = None,
    progress: Callable[[Progress], None] | None = None,
    batch: int = BATCH,
    now: datetime.datetime | None = None,
) -> HotlineImport:
    """Import the work orders in the CSV (UTF-8, with or without BOM, or GB18030; or
    ``encoding``) or XLSX file at ``path``. ``mapping`` names the header of a field whose
    header is not one of ``HEADERS``; coordinates are in ``crs``. Each row that is not imported
    is passed to ``on_error``. A dry run does everything and then takes it all back.

    Raises TableFileError if the file cannot be read or lacks a column it needs: at once,
    having imported nothing, or, for a file that turns unreadable part-way, after the batches
    before the bad spot (importing the mended file again adds the rest)."""
    result = HotlineImport()
    # Each batch commits on its own, unless a dry run holds them all to take them back.
    whole = transaction.atomic() if dry_run else contextlib.nullcontext()
    with open_table(path, encoding) as table, whole:
        run = _Run(
            columns=find_columns(table.header, HEADERS, REQUIRED, mapping or {}),
            crs=CRS(crs),
            now=now or timezone.now(),
            categories=_category_lookup(),
            finds=EarlierFinds(),
            grids=grid_index(),
        )
        # The next batch is read and checked in a child process while this one writes.
        prepared = made_ahead(
            lambda: ((run.prepare(rows), fraction) for rows, fraction in chunks(table, batch))
        )
        with contextlib.closing(prepared):
            for ready, fraction in prepared:
                run.write(ready, result, on_error)
                if progress:
                    progress(Progress(result.rows, fraction))
        if dry_run:
            transaction.set_rollback(True)
    return result


@dataclass
class _Batch:
    """Rows read and checked, ready to write: the row numbers and order numbers of the good
    ones by position, their cases placed in their grids and the intakes' tokens; and the rows
    already found wrong."""

    rows: int
    numbers: list[int]
    orders: list[str]
    cases: PlacedCases
    # The intakes' tokens, in order of time batch by batch: random ones (the model's default)
    # would land all over the unique index of a table that grows by the million, costing more
    # than all the rest of the intake's row.
    tokens: Adapted
    errors: list[RowError]


@dataclass
class _Run:
    columns: Columns
    crs: CRS
    now: datetime.datetime
    categories: dict[str, Category | str]
    finds: EarlierFinds
    grids: GridIndex
    first_row: dict[str, int] = field(default_factory=dict)  # order number → its first row

    def prepare(self, rows: list[NumberedRow]) -> _Batch:
        """The rows parsed, checked as far as the file, the catalog and the grids allow,
        converted to WGS-84 and placed in their grids: all but what needs the database."""
        numbers: list[int] = []
        orders: list[str] = []
        reports: list[NewCase] = []
        errors: list[RowError] = []
        for row, cells in rows:
            try:
                order, report = self._parse(cells)
            except _RowProblems as problems:
                errors.append(RowError(row, problems.order, " ".join(problems.reasons)))
                continue
            first = self.first_row.setdefault(order, row)
            if first != row:
                reason = _("The order number repeats row %(row)d.") % {"row": first}
                errors.append(RowError(row, order, reason))
                continue
            numbers.append(row)
            orders.append(order)
            reports.append(report)
        lng, lat = to_wgs84([r.lng for r in reports], [r.lat for r in reports], self.crs)
        for report, x, y in zip(reports, lng.tolist(), lat.tolist(), strict=True):
            report.lng, report.lat = x, y
        return _Batch(
            rows=len(rows),
            numbers=numbers,
            orders=orders,
            cases=cases_place(reports, index=self.grids),
            tokens=bulk_values(Intake, "token", uuid7_ints(len(reports))),
            errors=errors,
        )

    def write(
        self,
        batch: _Batch,
        result: HotlineImport,
        on_error: Callable[[RowError], None] | None,
    ) -> None:
        """Write the batch's new orders in one transaction and account for every row."""
        result.rows += batch.rows
        errors = batch.errors
        if batch.orders:
            # A rival import of an overlapping file may write some of these orders first: the
            # batch is then taken back whole and tried again, finding them imported.
            for attempt in range(3):
                try:
                    with transaction.atomic():
                        written, skipped, refused, matched = self._write(batch)
                    break
                except IntegrityError:
                    if attempt == 2:
                        raise
            result.imported += written
            result.skipped += skipped
            result.matched += matched
            for index, exc in refused.items():
                errors.append(
                    RowError(batch.numbers[index], batch.orders[index], self._reason(exc))
                )
        for error in sorted(errors, key=lambda e: e.row):
            result.errors += 1
            if len(result.first_errors) < _SHOWN_ERRORS:
                result.first_errors.append(error)
            if on_error:
                on_error(error)

    def _write(self, batch: _Batch) -> tuple[int, int, dict[int, ValidationError], int]:
        """Write the batch's new orders: their cases, events and intakes. Returns how many were
        written, how many skipped as already imported, the refusals by position, and how many
        matched a patrol find."""
        orders = batch.orders
        placed = batch.cases
        known = _imported(orders)
        if known:
            placed = placed.only(
                [i for i, at in enumerate(placed.positions) if orders[at] not in known]
            )
        refused = {at: exc for at, exc in placed.refused.items() if orders[at] not in known}
        finds = self.finds.match(
            category_ids=placed.column("category"),
            lng=placed.column("lng"),
            lat=placed.column("lat"),
            seconds=placed.seconds,
        )
        cases = cases_write(channel=SOURCE, placed=placed)
        # Nearly all intakes have no details: those go together, with the details a constant.
        plain = [at for at, find in zip(placed.positions, finds, strict=True) if not find]
        matching = [(at, find) for at, find in zip(placed.positions, finds, strict=True) if find]
        tokens = batch.tokens.values
        constants = {"source": SOURCE, "received_at": self.now}
        bulk_insert(
            Intake,
            {
                "case": [cases.ids[at] for at in plain],
                "key": [orders[at] for at in plain],
                "token": Adapted([tokens[at] for at in plain]),
            },
            constants={**constants, "details": {}},
        )
        bulk_insert(
            Intake,
            {
                "case": [cases.ids[at] for at, _find in matching],
                "key": [orders[at] for at, _find in matching],
                "token": Adapted([tokens[at] for at, _find in matching]),
                "details": [{"matches": find} for _at, find in matching],
            },
            constants=constants,
        )
        return len(placed.positions), len(known), refused, len(matching)

    def __post_init__(self) -> None:
        where = {name: position for name, (position, _header) in self.columns.items()}
        self._width = max(where.values()) + 1
        self._needed = tuple(where[name] for name in ("order", "category", "lng", "lat"))
        self._when = where["reported_at"]
        words = ("description", "address", "reporter_name", "reporter_phone")
        if any(name not in where for name in words):
            # A field the file has no column for reads from an empty cell past the last.
            where = {name: where.get(name, self._width) for name in words}
            self._width += 1
        self._words = operator.itemgetter(*(where[name] for name in words))

    def _parse(self, cells: list[str]) -> tuple[str, NewCase]:
        """The row's order number and report, its point still in the file's system; or
        _RowProblems saying all that is wrong with it."""
        if len(cells) < self._width:
            cells = cells + [""] * (self._width - len(cells))
        at_order, at_category, at_lng, at_lat = self._needed
        order = cells[at_order].strip()
        category = self.categories.get(cells[at_category].strip())
        try:
            lng, lat = float(cells[at_lng]), float(cells[at_lat])
        except ValueError:
            lng = lat = math.nan
        moment = _moment(cells[self._when].strip())
        # The rows of an export are nearly all good: check them at a glance, and look closer
        # only at a row that fails, to say all that is wrong with it.
        if not (
            order
            and len(order) <= KEY_LENGTH
            and isinstance(category, Category)
            and math.isfinite(lng)
            and math.isfinite(lat)
            and moment is not None
            and moment <= self.now
        ):
            raise _RowProblems(order, self._problems(cells))
        description, address, name, phone = map(str.strip, self._words(cells))
        return order, NewCase(
            category=category,
            lng=lng,
            lat=lat,
            description=description,
            reported_at=moment,
            address=address,
            reporter_name=name,
            reporter_phone=phone,
        )

    def _problems(self, cells: list[str]) -> list[str]:
        columns = self.columns
        problems: list[str] = []

        def required(name: str) -> str:
            value = cells[columns[name][0]].strip()
            if not value:
                problems.append(empty_cell(columns[name][1]))
            return value

        if len(required("order")) > KEY_LENGTH:
            problems.append(
                _("%(column)s is longer than %(count)d characters.")
                % {"column": columns["order"][1], "count": KEY_LENGTH}
            )
        if named := required("category"):
            found = self.categories.get(named)
            if found is None:
                problems.append(_("Unknown category: %(value)s") % {"value": named})
            elif isinstance(found, str):
                problems.append(found)
        self._number(required("lng"), "lng", problems)
        self._number(required("lat"), "lat", problems)
        self._moment(required("reported_at"), problems)
        return problems

    def _number(self, text: str, name: str, problems: list[str]) -> None:
        if text:
            try:
                cell_number(text, self.columns[name][1])
            except CellProblem as exc:
                problems.append(str(exc))

    def _moment(self, text: str, problems: list[str]) -> None:
        moment = _moment(text)
        column = self.columns["reported_at"][1]
        if text and moment is None:
            problems.append(
                _("%(column)s is not a date and time: %(value)s")
                % {"column": column, "value": text}
            )
        elif moment is not None and moment > self.now:
            problems.append(
                _("%(column)s is in the future: %(value)s") % {"column": column, "value": text}
            )

    def _reason(self, refusal: ValidationError) -> str:
        # The point as a whole lies outside the grids, not one of its coordinates.
        return refusal_reason(refusal, self.columns, unnamed=("lng",))


def _imported(orders: list[str]) -> set[str]:
    """The orders among ``orders`` imported before. (Not through the ORM, which prepares each
    of the thousands of values one by one: half as much again as the query itself.)"""
    table = connection.ops.quote_name(Intake._meta.db_table)
    key = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        # The unique index on (source, key) leaves out empty keys; SQLite uses it only for a
        # query that says so in the index's own words, and reads the whole table otherwise.
        cursor.execute(
            f"SELECT {key} FROM {table} WHERE source = %s AND NOT ({key} = '') "
            f"AND {key} IN ({', '.join(['%s'] * len(orders))})",
            [SOURCE, *orders],
        )
        return {key for (key,) in cursor.fetchall()}


class _RowProblems(Exception):
    def __init__(self, order: str, reasons: list[str]) -> None:
        super().__init__(order)
        self.order = order
        self.reasons = reasons


def _moment(text: str) -> datetime.datetime | None:
    """The time written in ``text``, as the hotline writes it: ISO 8601, or with slashes, dots
    or 年月日, with or without seconds; Beijing time unless it says otherwise."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        match = _MOMENT.fullmatch(text)
        if match is None:
            return None
        year, month, day, hour, minute, second, fraction = match.groups()
        try:
            moment = datetime.datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
                int((fraction or "0").ljust(6, "0")),
            )
        except ValueError:
            return None
    if moment.tzinfo:
        return moment
    # combine, not replace: replace's keyword costs five times as much, once a row.
    return datetime.datetime.combine(moment, moment.time(), HOTLINE_ZONE)


def _category_lookup() -> dict[str, Category | str]:
    """Active sub-classes by name, by family and code (``event-0101``, as Open311 names them)
    and by code alone where only one family has it; for a code both families have, what to
    write instead."""
    lookup: dict[str, Category | str] = {}
    by_code: dict[str, list[Category]] = {}
    for category in Category.objects.filter(parent__isnull=False, is_active=True):
        lookup[category.name] = category
        lookup[f"{category.family}-{category.code}"] = category
        by_code.setdefault(category.code, []).append(category)
    for code, categories in by_code.items():
        if len(categories) == 1:
            lookup.setdefault(code, categories[0])
        else:
            lookup.setdefault(
                code,
                _("Category code %(code)s is used by several families; write one of %(choices)s.")
                % {"code": code, "choices": ", ".join(f"{c.family}-{code}" for c in categories)},
            )
    return lookup
