"""The forces in the admin: each administrator keeps the tables of their own grids, through the
same rules as the services; shifts are the district's; gaps are acknowledged by the centre."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from wangge.cases.services import actor_for, case_act
from wangge.cases.testing import submit_in_town_a
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.core.testing import beijing
from wangge.forces.models import DutyEntry, DutyGap, Shift
from wangge.forces.services import duty_entry_set, on_call_set
from wangge.people.models import Person
from wangge.people.services import person_create
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def entry_form(cast: Cast, shift: Shift, person: Person, *substitutes: Person) -> dict[str, Any]:
    data: dict[str, Any] = {
        "grid": cast.unit_a.pk,
        "organisation": cast.workstation_a.pk,
        "shift": shift.pk,
        "family": "",
        "main_class": "",
        "person": person.pk,
        "substitutes-TOTAL_FORMS": str(len(substitutes)),
        "substitutes-INITIAL_FORMS": "0",
        "substitutes-MIN_NUM_FORMS": "0",
        "substitutes-MAX_NUM_FORMS": "1000",
    }
    for i, substitute in enumerate(substitutes):
        data[f"substitutes-{i}-position"] = str(i + 1)
        data[f"substitutes-{i}-person"] = str(substitute.pk)
    return data


def test_an_administrator_keeps_the_duty_table_of_the_town(
    client: Client, cast: Cast, shifts: dict[str, Shift]
) -> None:
    first = person_create(name="值守员甲", organisation=cast.workstation_a)
    second = person_create(name="替班乙", organisation=cast.workstation_a)
    client.force_login(cast.ada)
    add = "/admin/forces/dutyentry/add/"
    english = {"Accept-Language": "en"}
    refused = client.post(add, entry_form(cast, shifts["日间"], cast.mia), headers=english)
    assert refused.status_code == 200
    assert "does not belong" in str(refused.context["adminform"].form.errors)
    refused = client.post(add, entry_form(cast, shifts["日间"], first, cast.mia))
    assert refused.status_code == 200 and not DutyEntry.objects.exists()

    saved = client.post(add, entry_form(cast, shifts["日间"], first, second))
    assert saved.status_code == 302
    entry = DutyEntry.objects.get()
    assert entry.person == first and [s.person for s in entry.substitutes.all()] == [second]


def test_an_administrator_sees_only_the_tables_of_their_grids(
    client: Client, cast: Cast, shifts: dict[str, Shift]
) -> None:
    mine = duty_entry_set(
        grid=cast.unit_a,
        organisation=cast.workstation_a,
        shift=shifts["日间"],
        person=cast.ivan.person,
    )
    b_person = person_create(name="古美值班员", organisation=cast.town_b_centre)
    theirs = duty_entry_set(
        grid=cast.town_b, organisation=cast.town_b_centre, shift=shifts["日间"], person=b_person
    )
    client.force_login(cast.ada)
    listed = client.get("/admin/forces/dutyentry/")
    assert list(listed.context["cl"].queryset) == [mine]
    assert client.get(f"/admin/forces/dutyentry/{theirs.pk}/change/").status_code == 302


def test_shifts_are_the_district_s_to_change(
    client: Client, cast: Cast, shifts: dict[str, Shift]
) -> None:
    day = shifts["日间"]
    form = {"name": "日间", "starts": "08:30", "ends": "17:00", "days": "working"}
    client.force_login(cast.ada)
    assert client.get("/admin/forces/shift/").status_code == 200
    assert client.post(f"/admin/forces/shift/{day.pk}/change/", form).status_code == 403
    client.force_login(cast.root)
    overlapping = client.post(f"/admin/forces/shift/{day.pk}/change/", {**form, "starts": "06:00"})
    assert overlapping.status_code == 200
    assert client.post(f"/admin/forces/shift/{day.pk}/change/", form).status_code == 302
    day.refresh_from_db()
    assert f"{day.ends:%H:%M}" == "17:00"


def test_the_centre_acknowledges_the_gaps_of_its_town(
    client: Client, cast: Cast, shifts: dict[str, Shift], street_vending: Category
) -> None:
    standby = person_create(name="备勤人员", organisation=cast.workstation_a)
    on_call_set(organisation=cast.workstation_a, person=standby)
    with time_machine.travel(beijing(2025, 6, 10, 23), tick=False):
        case = submit_in_town_a(cast, street_vending)
        case_act(case=case, action=Action.REGISTER, actor=actor_for(cast.alice), version=1)
    gap = DutyGap.objects.get()
    client.force_login(cast.ada)
    listed = client.get("/admin/forces/dutygap/")
    assert list(listed.context["cl"].queryset) == [gap]
    assert client.post("/admin/forces/dutygap/add/", {}).status_code == 403
    done = client.post(
        "/admin/forces/dutygap/",
        {"action": "acknowledge", "_selected_action": [gap.pk]},
    )
    assert done.status_code == 302
    gap.refresh_from_db()
    assert gap.acknowledged_by == cast.ada and gap.acknowledged_at is not None


def test_attendance_and_patrols_are_read_only(client: Client, cast: Cast) -> None:
    client.force_login(cast.root)
    for model in ("attendance", "patrol"):
        assert client.get(f"/admin/forces/{model}/").status_code == 200
        assert client.get(f"/admin/forces/{model}/add/").status_code == 403


def test_a_substitute_who_left_is_taken_off_the_entry(
    client: Client, cast: Cast, shifts: dict[str, Shift]
) -> None:
    first = person_create(name="值守员甲", organisation=cast.workstation_a)
    gone = person_create(name="离职乙", organisation=cast.workstation_a)
    entry = duty_entry_set(
        grid=cast.unit_a,
        organisation=cast.workstation_a,
        shift=shifts["日间"],
        person=first,
        substitutes=[gone],
    )
    Person.objects.filter(pk=gone.pk).update(is_active=False)
    substitute = entry.substitutes.get()
    form = {
        **entry_form(cast, shifts["日间"], first),
        "substitutes-TOTAL_FORMS": "1",
        "substitutes-INITIAL_FORMS": "1",
        "substitutes-0-id": str(substitute.pk),
        "substitutes-0-entry": str(entry.pk),
        "substitutes-0-position": "1",
        "substitutes-0-person": str(gone.pk),
    }
    client.force_login(cast.ada)
    change = f"/admin/forces/dutyentry/{entry.pk}/change/"
    assert client.post(change, form).status_code == 200
    assert client.post(change, {**form, "substitutes-0-DELETE": "on"}).status_code == 302
    assert not entry.substitutes.exists()
