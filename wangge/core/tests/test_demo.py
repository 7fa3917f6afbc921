from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from shapely.geometry import shape

from wangge.cases.models import Case
from wangge.catalog.models import Category, TaskItem
from wangge.catalog.selectors import responsible_department
from wangge.core.calendar import package_years
from wangge.core.models import CalendarYear
from wangge.core.selectors import current_calendar
from wangge.core.testing import beijing
from wangge.forces.duty import duty_answer
from wangge.forces.models import DutyEntry, DutyGap
from wangge.forces.services import duty_entry_validate
from wangge.grids.choices import GridLevel
from wangge.grids.locator import grid_index
from wangge.grids.models import Grid
from wangge.grids.selectors import tree_grids
from wangge.grids.topology import check_tree
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Organisation, Person, RoleAssignment
from wangge.people.scope import access_scope
from wangge.records.choices import RecordKind
from wangge.records.models import Company, Facility, Shop
from wangge.records.selectors import records_in_grid
from wangge.sim.demo import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo, loaded once for this module (it takes seconds), removed afterwards."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("demo", "--no-serve", "--bind", "127.0.0.1:8123", stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


def test_the_demo_district_is_minhang_at_the_size_the_brief_gives(demo: str) -> None:
    counts = {level: Grid.objects.filter(level=level).count() for level in GridLevel}
    assert counts == {
        GridLevel.DISTRICT: 1,
        GridLevel.TOWN: 12,
        GridLevel.AREA: 36,
        GridLevel.UNIT: 250,
        GridLevel.BLOCK: 2500,
    }
    assert Grid.objects.get(level=GridLevel.DISTRICT).name == "闵行区"
    assert len({g.kind for g in Grid.objects.filter(level=GridLevel.UNIT)}) >= 6
    assert check_tree(tree_grids()) == []


def test_every_block_locates_to_itself(demo: str) -> None:
    index = grid_index()
    for block in Grid.objects.filter(level=GridLevel.BLOCK)[:300]:
        spot = shape(block.geometry).representative_point()
        location = index.locate(spot.x, spot.y)
        assert location is not None and location.grid.code == block.code
        assert [g.code for g in location.chain] == [*block.ancestor_codes, block.code]


def test_the_demo_prints_the_address_and_a_login_for_each_kind_of_user(demo: str) -> None:
    assert "http://127.0.0.1:8123/" in demo
    assert DEMO_PASSWORD in demo
    for login in DEMO_LOGINS:
        assert login.username in demo
        assert authenticate(username=login.username, password=DEMO_PASSWORD) is not None


def test_each_demo_login_sees_what_its_role_gives(demo: str) -> None:
    users = {u.username: u for u in get_user_model().objects.all()}
    all_grids = Grid.objects.count()
    assert access_scope(users["district"]).grids(Grid.objects.all()).count() == all_grids
    town = access_scope(users["town"]).grids(Grid.objects.all())
    assert town.filter(level=GridLevel.TOWN).get().name == "江川路街道"
    inspector = access_scope(users["inspector"]).grids(Grid.objects.all())
    assert inspector.filter(level=GridLevel.UNIT).count() == 1
    assert inspector.count() == 11  # the unit and its ten blocks


def test_the_demo_has_people_for_every_role_and_routes_every_category(demo: str) -> None:
    assert Person.objects.count() > 1000
    assert Organisation.objects.filter(kind="department_office").count() == 36
    assert TaskItem.objects.filter(town__isnull=True).count() == 10 + 11 + 5
    unit = Grid.objects.filter(level=GridLevel.UNIT).first()
    assert unit is not None
    for category in Category.objects.filter(parent__isnull=False):
        assert responsible_department(category=category, grid=unit).department is not None


def test_loading_twice_changes_nothing(demo: str) -> None:
    before = Grid.objects.count(), Person.objects.count()
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "not loaded again" in out.getvalue()
    assert (Grid.objects.count(), Person.objects.count()) == before


def test_the_demo_seeds_the_working_calendar(demo: str) -> None:
    assert "Working calendar: holidays" in demo
    assert set(CalendarYear.objects.values_list("year", flat=True)) == set(package_years())
    assert not current_calendar().is_workday(date(2025, 10, 1))


def test_the_demo_district_has_a_week_of_cases_behind_it(demo: str) -> None:
    cases = Case.objects.all()
    assert cases.count() > 300
    oldest = cases.order_by("reported_at").first()
    assert oldest is not None
    assert timezone.now() - oldest.reported_at > datetime.timedelta(days=6)
    statuses = set(cases.values_list("status", flat=True))
    assert {"closed", "evaluated", "self_governance", "accepted"} <= statuses
    assert cases.filter(proactive=True).exists() and cases.filter(proactive=False).exists()
    for case in cases.order_by("?")[:50]:
        sequences = list(case.events.order_by("sequence").values_list("sequence", flat=True))
        assert sequences == list(range(1, case.version + 1))


def test_every_unit_grid_shows_its_records(demo: str) -> None:
    for unit in Grid.objects.filter(level=GridLevel.UNIT):
        for kind in (RecordKind.SHOP, RecordKind.BUILDING, RecordKind.FACILITY):
            assert records_in_grid(kind, unit).exists(), (unit.code, kind)
    parks = Company.objects.values_list("grid__parent__kind", flat=True).distinct()
    assert set(parks) == {"industrial_park", "office_building", "extended"}
    assert all(f.code.startswith("310112") for f in Facility.objects.all())
    shop = Shop.objects.order_by("code").first()
    assert shop is not None
    assert Client().get(f"/r/s/{shop.code}/").status_code == 200


def test_the_demo_dispatches_to_named_people_day_and_night(demo: str) -> None:
    """Yingpu, 003_7ab3c9b0f83cb58d.txt: 8 小时之内 the inspector has the unit, 8 小时之外 the
    assistants (社保队员)."""
    station = Organisation.objects.filter(kind=OrganisationKind.COMMITTEE).first()
    assert station is not None
    unit = station.jurisdiction
    block = Grid.objects.filter(parent=unit).first()
    assert block is not None
    on_unit = {
        role.role: role.person
        for role in RoleAssignment.objects.filter(grid=unit).select_related("person")
    }
    tuesday, saturday = beijing(2025, 6, 10, 10), beijing(2025, 6, 14, 10)
    night = beijing(2025, 6, 10, 23)
    assert duty_answer(organisation=station, grid=block, at=tuesday).person == on_unit["inspector"]
    assert duty_answer(organisation=station, grid=block, at=night).person == on_unit["assistant"]
    assert duty_answer(organisation=station, grid=block, at=saturday).person == on_unit["assistant"]
    # Every body over the block, from the district's departments down, names someone.
    for organisation in Organisation.objects.filter(jurisdiction__code__in=block.ancestor_codes):
        for moment in (tuesday, night, saturday):
            answer = duty_answer(organisation=organisation, grid=block, at=moment)
            assert answer.person is not None and answer.gap is None, organisation
    assert Role.INSPECTOR in on_unit


def test_the_demo_s_cases_are_held_by_named_people(demo: str) -> None:
    held = Case.objects.filter(holder__isnull=False)
    assert held.exists()
    assert held.filter(holder_person__isnull=True).count() < held.count() / 20
    assert not DutyGap.objects.exists()


def test_the_demo_s_duty_tables_keep_the_services_rules(demo: str) -> None:
    entries = DutyEntry.objects.select_related(
        "grid", "organisation__jurisdiction", "main_class", "person"
    ).prefetch_related("substitutes__person")
    for entry in entries:
        duty_entry_validate(entry, [s.person for s in entry.substitutes.all()])
    units = Grid.objects.filter(level=GridLevel.UNIT).count()
    assert entries.filter(grid__level=GridLevel.UNIT).count() == 3 * units
