"""Cases written by the thousand keep case_submit's rules: numbered by the day they were
reported, in order of reporting, after the cases already numbered that day; a report that breaks
a rule is refused on its own."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from shapely.geometry import shape

from wangge.cases.bulk import NewCase, cases_import
from wangge.cases.choices import Channel
from wangge.cases.models import Case, CaseEvent
from wangge.cases.services import case_draft, case_submit
from wangge.catalog.models import Category
from wangge.people.testing import Cast, error_codes

pytestmark = pytest.mark.django_db
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def report(cast: Cast, category: Category, hour: int, day: int = 20, **changes: object) -> NewCase:
    spot = shape(cast.block_a.geometry).representative_point()
    new = NewCase(
        category=category,
        lng=spot.x,
        lat=spot.y,
        description="占道经营",
        reported_at=datetime.datetime(2026, 11, day, hour, tzinfo=BEIJING),
    )
    for name, value in changes.items():
        setattr(new, name, value)
    return new


def test_numbers_follow_the_day_and_the_order_of_reporting(
    cast: Cast, ordinary_category: Category
) -> None:
    earlier = case_submit(
        draft=case_draft(
            channel=Channel.PATROL,
            category=ordinary_category,
            lng=shape(cast.block_a.geometry).representative_point().x,
            lat=shape(cast.block_a.geometry).representative_point().y,
            description="先报的",
            reporter=cast.ivan,
            at=datetime.datetime(2026, 11, 20, 7, tzinfo=BEIJING),
        )
    )
    reports = [
        report(cast, ordinary_category, 15),
        report(cast, ordinary_category, 9),
        # Half past midnight in Beijing is still the evening before in UTC: the day is Beijing's.
        report(cast, ordinary_category, 0, day=21),
        report(cast, ordinary_category, 12),
    ]
    done = cases_import(channel=Channel.HOTLINE_12345, reports=reports)

    assert earlier.number == "2026112000001"
    assert done.numbers == ["2026112000004", "2026112000002", "2026112100001", "2026112000003"]
    assert done.refused == {}
    for number, case_id, new in zip(done.numbers, done.ids, reports, strict=True):
        case = Case.objects.get(number=number)
        assert case.pk == case_id
        assert (case.number, case.reported_at, case.grid) == (number, new.reported_at, cast.block_a)
        assert case.channel == Channel.HOTLINE_12345 and not case.proactive
    assert CaseEvent.objects.filter(action="report").count() == 5


def test_a_report_that_breaks_a_rule_is_refused_alone(
    cast: Cast, ordinary_category: Category
) -> None:
    main_class = ordinary_category.parent
    assert main_class is not None
    reports = [
        report(cast, main_class, 8),
        report(cast, ordinary_category, 9, lng=100.0),
        report(cast, ordinary_category, 10, description=" "),
        report(cast, ordinary_category, 11, reporter_phone="1" * 31),
        report(cast, ordinary_category, 12),
    ]
    done = cases_import(channel=Channel.PATROL, reports=reports)

    assert {i: error_codes(e) for i, e in done.refused.items()} == {
        0: {"category": {None}},
        1: {"lng": {None}},
        2: {"description": {None}},
        3: {"reporter_phone": {"max_length"}},
    }
    assert done.numbers == [None, None, None, None, "2026112000001"]
    case = Case.objects.get()
    # Patrol finds are proactively discovered, whichever way they are written.
    assert case.pk == done.ids[4] and case.proactive
    with pytest.raises(ValidationError):
        cases_import(channel="fax", reports=reports[4:])
