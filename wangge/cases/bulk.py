"""Cases by the thousand, for imports such as the 12345 hotline's work orders.

The rules are ``case_submit``'s (a sub-class, a known channel, a description, a point inside a
grid, fields that fit), applied to each report; a report that breaks one is refused on its own
and the others are written. Each case gets its case number from the day's counter, taken a block
at a time, and its "report" event, in the same transaction: an import changes cases only through
here, as everything else changes them through ``cases.services``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

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
from wangge.core.bulk import bulk_insert
from wangge.grids.locator import NOT_FOUND, grid_index

_IDS_AT_ONCE = 5000
# Fields of a report that full_clean would hold to their length in case_submit.
_LIMITED = tuple(
    limited
    for name in ("address", "reporter_name", "reporter_phone")
    if isinstance(limited := Case._meta.get_field(name), models.CharField)
)


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


@transaction.atomic
def cases_import(*, channel: str, reports: Sequence[NewCase]) -> CasesImported:
    """A case for each report that keeps the rules, placed in the deepest grid under its point,
    numbered by the day it was reported (in order of reporting) and with its "report" event;
    the others are refused, each with the reason, and leave no trace."""
    require_channel(channel)
    result = CasesImported(numbers=[None] * len(reports), ids=[None] * len(reports))
    kept: list[int] = []
    for index, report in enumerate(reports):
        try:
            _require_fit(report)
        except ValidationError as exc:
            result.refused[index] = exc
        else:
            kept.append(index)
    grid_ids = grid_index().locate_ids(
        [reports[i].lng for i in kept], [reports[i].lat for i in kept]
    )
    located: list[tuple[int, int]] = []
    for index, grid_id in zip(kept, grid_ids.tolist(), strict=True):
        if grid_id == NOT_FOUND:
            result.refused[index] = outside_every_grid()
        else:
            located.append((index, grid_id))
    if not located:
        return result

    # Numbers follow the order of reporting within each day, as case_submit's do.
    zone = timezone.get_current_timezone()
    by_day: dict[datetime.date, list[int]] = defaultdict(list)
    for index, _grid in sorted(located, key=lambda pair: reports[pair[0]].reported_at):
        by_day[reports[index].reported_at.astimezone(zone).date()].append(index)
    for day, indexes in by_day.items():
        numbers = case_numbers(day, number_block(day, len(indexes)), len(indexes))
        for index, number in zip(indexes, numbers, strict=True):
            result.numbers[index] = number

    written = [reports[index] for index, _grid in located]
    times = [report.reported_at for report in written]
    rows = bulk_insert(
        Case,
        {
            "number": [result.numbers[index] for index, _grid in located],
            "category": [report.category.pk for report in written],
            "grid": [grid_id for _index, grid_id in located],
            "lng": [report.lng for report in written],
            "lat": [report.lat for report in written],
            "address": [report.address for report in written],
            "description": [report.description.strip() for report in written],
            "reporter_name": [report.reporter_name for report in written],
            "reporter_phone": [report.reporter_phone for report in written],
            "urgent": [report.category.urgent for report in written],
            "reported_at": times,
        },
        constants={"channel": channel, "proactive": channel in Channel.grid_forces()},
        returning=("number", "id"),
    )
    id_of = dict(rows)
    for index, _grid in located:
        result.ids[index] = id_of[result.numbers[index]]
    _report_events([result.ids[index] for index, _grid in located])
    return result


def _report_events(case_ids: list[int | None]) -> None:
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
    for limited in _LIMITED:
        value = getattr(report, limited.name)
        if len(value) > (limited.max_length or 0):
            try:
                limited.run_validators(value)
            except ValidationError as exc:
                raise ValidationError({limited.name: exc.error_list}) from exc
