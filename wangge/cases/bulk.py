"""Cases by the thousand, for imports such as the 12345 hotline's work orders.

The rules are ``case_submit``'s (a sub-class, a known channel, a description, a point inside a
grid, fields that fit), applied to each report; a report that breaks one is refused on its own
and the others are written. Each case gets its case number from the day's counter, taken a block
at a time, and its "report" event, in the same transaction: an import changes cases only through
here, as everything else changes them through ``cases.services``.
"""

from __future__ import annotations

import datetime
import operator
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from wangge.cases.choices import Channel
from wangge.cases.models import Case, CaseEvent
from wangge.cases.services import (
    case_numbers,
    number_block,
    outside_every_grid,
    require_channel,
    require_description,
    require_sub_class,
)
from wangge.cases.signals import events_appended
from wangge.catalog.models import Category
from wangge.core.bulk import Adapted, bulk_insert, bulk_values
from wangge.grids.locator import NOT_FOUND, GridIndex, grid_index

_IDS_AT_ONCE = 5000
# Fields of a report that full_clean would hold to their length in case_submit.
_LIMITED = tuple(
    limited
    for name in ("address", "reporter_name", "reporter_phone")
    if isinstance(limited := Case._meta.get_field(name), models.CharField)
)
_limited_values = operator.attrgetter(*(limited.name for limited in _LIMITED))
_MAX_LENGTHS = tuple(limited.max_length or 0 for limited in _LIMITED)


@dataclass(slots=True)
class NewCase:
    """A report as an import brings it: a WGS-84 point, the words, and when it was reported."""

    category: Category
    lng: float
    lat: float
    description: str
    reported_at: datetime.datetime
    address: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""


@dataclass
class CasesImported:
    """What became of each report, by its position in the list given."""

    numbers: list[str | None]
    ids: list[int | None]
    refused: dict[int, ValidationError] = field(default_factory=dict)


@dataclass
class PlacedCases:
    """Reports checked against the rules and placed in their grids, not yet numbered nor
    written. Made without the database (``cases_place``), so that one process can make them
    while another writes the ones before (``cases_write``).

    The kept reports come grid by grid, by column: their positions in the list given, the
    case's fields as the database takes them, the day that numbers each (``YYYYMMDD``, in the
    current time zone) and its rank among that day's in order of reporting, and the moment of
    reporting in seconds since the epoch."""

    count: int
    positions: list[int]
    columns: dict[str, Adapted]
    days: list[str]
    ranks: list[int]
    seconds: list[float]
    refused: dict[int, ValidationError]

    def only(self, kept: Sequence[int]) -> PlacedCases:
        """The same, keeping only the cases at ``kept`` (ascending indexes into these)."""
        days = [self.days[i] for i in kept]
        # The ranks close up over the cases left out.
        ranks = [self.ranks[i] for i in kept]
        in_order = sorted(range(len(kept)), key=lambda j: (days[j], ranks[j]))
        for j, rank in zip(in_order, _ranks([days[j] for j in in_order]), strict=True):
            ranks[j] = rank
        return PlacedCases(
            count=self.count,
            positions=[self.positions[i] for i in kept],
            columns={
                name: Adapted([column.values[i] for i in kept])
                for name, column in self.columns.items()
            },
            days=days,
            ranks=ranks,
            seconds=[self.seconds[i] for i in kept],
            refused=self.refused,
        )

    def column(self, name: str) -> list[Any]:
        return self.columns[name].values


def cases_import(*, channel: str, reports: Sequence[NewCase]) -> CasesImported:
    """A case for each report that keeps the rules, placed in the deepest grid under its point,
    numbered by the day it was reported (in order of reporting) and with its "report" event;
    the others are refused, each with the reason, and leave no trace."""
    return cases_write(channel=channel, placed=cases_place(reports, index=grid_index()))


def cases_place(reports: Sequence[NewCase], *, index: GridIndex) -> PlacedCases:
    """The reports checked against the rules, the kept ones placed in the deepest grid of
    ``index`` under their points and each ranked among its day's by when it was reported."""
    refused: dict[int, ValidationError] = {}
    kept: list[int] = []
    for position, report in enumerate(reports):
        try:
            _require_fit(report)
        except ValidationError as exc:
            refused[position] = exc
        else:
            kept.append(position)
    grid_ids = index.locate_ids([reports[i].lng for i in kept], [reports[i].lat for i in kept])
    located: list[tuple[int, int]] = []
    for position, grid_id in zip(kept, grid_ids.tolist(), strict=True):
        if grid_id == NOT_FOUND:
            refused[position] = outside_every_grid()
        else:
            located.append((position, grid_id))
    # Numbers follow the order of reporting within each day, as case_submit's do: each case's
    # rank among the day's is taken in that order.
    zone = timezone.get_current_timezone()
    located.sort(key=lambda pair: reports[pair[0]].reported_at)
    dates = [reports[position].reported_at.astimezone(zone).date() for position, _ in located]
    # Each day written out once, not once a case: strftime costs as much as the rest of a
    # case's placing, and a day's cases then share one string, which crosses a pipe once.
    named = {date: f"{date:%Y%m%d}" for date in set(dates)}
    days = [named[date] for date in dates]
    ranks = _ranks(days)
    # The cases are then written grid by grid: the (grid, status) index takes them leaf by leaf
    # instead of on as many leaves as there are grids, which costs a tenth of a case's insert.
    order = sorted(range(len(located)), key=lambda i: located[i][1])
    located = [located[i] for i in order]
    written = [reports[position] for position, _grid in located]
    times = [report.reported_at for report in written]
    values: dict[str, list[Any]] = {
        "category": [report.category.pk for report in written],
        "grid": [grid_id for _position, grid_id in located],
        "lng": [report.lng for report in written],
        "lat": [report.lat for report in written],
        "address": [report.address for report in written],
        "description": [report.description.strip() for report in written],
        "reporter_name": [report.reporter_name for report in written],
        "reporter_phone": [report.reporter_phone for report in written],
        "urgent": [report.category.urgent for report in written],
        "reported_at": times,
    }
    return PlacedCases(
        count=len(reports),
        positions=[position for position, _grid in located],
        columns={name: bulk_values(Case, name, column) for name, column in values.items()},
        days=[days[i] for i in order],
        ranks=[ranks[i] for i in order],
        seconds=[moment.timestamp() for moment in times],
        refused=refused,
    )


@transaction.atomic
def cases_write(*, channel: str, placed: PlacedCases) -> CasesImported:
    """Number the placed cases and write them, each with its "report" event."""
    require_channel(channel)
    result = CasesImported(
        numbers=[None] * placed.count, ids=[None] * placed.count, refused=placed.refused
    )
    if not placed.positions:
        return result
    of_day: dict[str, list[str]] = {}
    for prefix, count in sorted(Counter(placed.days).items()):
        day = datetime.datetime.strptime(prefix, "%Y%m%d").date()
        of_day[prefix] = case_numbers(day, number_block(day, count), count)
    numbers = [of_day[day][rank] for day, rank in zip(placed.days, placed.ranks, strict=True)]
    rows = bulk_insert(
        Case,
        {"number": numbers, **placed.columns},
        constants={"channel": channel, "proactive": channel in Channel.grid_forces()},
        returning=("number", "id"),
    )
    id_of = dict(rows)
    for position, number in zip(placed.positions, numbers, strict=True):
        result.numbers[position] = number
        result.ids[position] = id_of[number]
    _report_events([id_of[number] for number in numbers])
    return result


def _ranks(days: Sequence[str]) -> list[int]:
    """For each of ``days``, how many times it came before."""
    seen: Counter[str] = Counter()
    ranks = []
    for day in days:
        ranks.append(seen[day])
        seen[day] += 1
    return ranks


def _report_events(case_ids: list[int]) -> None:
    """The "report" event of each new case, as ``case_submit`` appends it, copied by the
    database from the rows just written (as the sweep writes its events)."""
    cases = connection.ops.quote_name(Case._meta.db_table)
    events = connection.ops.quote_name(CaseEvent._meta.db_table)
    nothing = CaseEvent._meta.get_field("data").get_db_prep_save({}, connection)
    with connection.cursor() as cursor:
        for start in range(0, len(case_ids), _IDS_AT_ONCE):
            ids = case_ids[start : start + _IDS_AT_ONCE]
            cursor.execute(
                f"INSERT INTO {events} (case_id, sequence, action, from_status, to_status, at, "
                "note, data) "
                f"SELECT id, version, 'report', '', status, reported_at, '', %s FROM {cases} "
                f"WHERE id IN ({', '.join(['%s'] * len(ids))})",
                [nothing, *ids],
            )
            events_appended.send(sender=Case, case_ids=ids, action="report")


def _require_fit(report: NewCase) -> None:
    require_sub_class(report.category)
    require_description(report.description)
    values = _limited_values(report)
    # Nearly every report fits: a glance (in C) for those, a closer look for the others.
    if all(map(operator.le, map(len, values), _MAX_LENGTHS)):
        return
    for limited, value in zip(_LIMITED, values, strict=True):
        if len(value) > (limited.max_length or 0):
            try:
                limited.run_validators(value)
            except ValidationError as exc:
                raise ValidationError({limited.name: exc.error_list}) from exc
