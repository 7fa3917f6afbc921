"""The inbox: each user finds the work waiting for them, by what their roles have them do, and
never anyone else's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from wangge.cases.models import Case, WhistleCall
from wangge.cases.remarks import case_escalate, whistle_blow
from wangge.cases.services import Evidence, actor_for, case_act
from wangge.cases.testing import in_enforcement, submit_in_town_a
from wangge.cases.workflow import Action
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.people.choices import Role
from wangge.people.services import person_create, role_assign
from wangge.people.testing import Cast, build_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def category(cast: Cast) -> Category:
    return Category.objects.get(family="event", code="0504")


def as_user(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def inbox(user: Any) -> dict[str, list[str]]:
    """The inbox of ``user``: the case numbers in each section, by section."""
    response = as_user(user).get("/inbox/")
    assert response.status_code == 200
    html = response.content.decode()
    sections = re.split(r'<section class="card inbox-section" id="', html)[1:]
    return {
        section.split('"', 1)[0]: re.findall(r'class="row-number">(\d+)<', section)
        for section in sections
    }


def step(case: Case, action: Action, user: Any, **more: Any) -> Case:
    return case_act(case=case, action=action, actor=actor_for(user), version=case.version, **more)


def test_a_department_finds_what_was_dispatched_to_it_and_what_came_back(
    cast: Cast, category: Category
) -> None:
    ours = in_enforcement(cast, category, cast.chengguan_a)
    theirs = in_enforcement(cast, category, cast.market_a)
    assert inbox(cast.dora) == {
        "to_accept": [ours.number],
        "rework": [],
        "in_handling": [],
        "answer": [],
    }
    ours = step(ours, Action.ACCEPT, cast.dora)
    assert inbox(cast.dora)["in_handling"] == [ours.number]
    ours = step(ours, Action.HANDLE, cast.dora, evidence=Evidence("已清除"))
    ours = step(ours, Action.REWORK, cast.ivan, reason="摊位又摆出来了")
    found = inbox(cast.dora)
    assert found["rework"] == [ours.number] and found["in_handling"] == []
    assert theirs.number not in str(found)


def test_a_verifier_checks_the_work_of_others_only(cast: Cast, category: Category) -> None:
    by_department = in_enforcement(cast, category, cast.chengguan_a)
    by_department = step(by_department, Action.ACCEPT, cast.dora)
    by_department = step(by_department, Action.HANDLE, cast.dora, evidence=Evidence("已清除"))
    by_himself = step(submit_in_town_a(cast, category), Action.REGISTER, cast.alice)
    by_himself = step(by_himself, Action.RESOLVE_FRONT_END, cast.ivan, evidence=Evidence("劝离"))
    assert inbox(cast.ivan)["to_verify"] == [by_department.number]
    assert set(inbox(cast.alice)["to_verify"]) == {by_department.number, by_himself.number}
    assert inbox(cast.bob).get("to_verify") == []  # town B sees nothing of town A


def test_a_grid_chief_finds_self_governance_escalations_and_departments_to_rate(
    cast: Cast, category: Category
) -> None:
    chief = person_create(name="江川网格长", organisation=cast.workstation_a, username="chen")
    role_assign(person=chief, role=Role.GRID_CHIEF, grid=cast.unit_a)
    assert chief.user is not None
    ours = step(submit_in_town_a(cast, category), Action.REGISTER, cast.alice)
    found = inbox(chief.user)
    assert found["self_governance"] == [ours.number] and found["escalated"] == []
    ours = case_escalate(
        case=ours, actor=actor_for(chief.user), version=ours.version, reason="居民多次投诉"
    )
    assert inbox(chief.user)["escalated"] == [ours.number]
    whistle_blow(
        case=ours,
        actor=actor_for(chief.user),
        version=ours.version,
        departments=[cast.chengguan_a],
        note="联合整治",
    )
    ours.refresh_from_db()
    ours = step(ours, Action.RESOLVE_FRONT_END, chief.user, evidence=Evidence("已劝离"))
    ours = step(ours, Action.VERIFY, cast.ivan)
    html = as_user(chief.user).get("/inbox/").content.decode()
    call = WhistleCall.objects.get()
    assert f'id="step-rate-{call.pk}"' in html and cast.chengguan_a.name in html


def test_a_department_answers_a_whistle_in_one_click_from_its_inbox(
    cast: Cast, category: Category
) -> None:
    """004_33b6eee281a71861.txt: 一键响应."""
    case = step(submit_in_town_a(cast, category), Action.REGISTER, cast.alice)
    whistle_blow(
        case=case,
        actor=actor_for(cast.alice),
        version=case.version,
        departments=[cast.chengguan_a],
        note="联合整治",
    )
    call = WhistleCall.objects.get()
    dora = as_user(cast.dora)
    html = dora.get("/inbox/").content.decode()
    assert f'id="step-respond-{call.pk}"' in html and case.number in html
    arrive_by = re.search(
        rf'name="respond-arrive_by" value="([^"]+)"[^>]*id_respond-arrive_by_{call.pk}', html
    )
    assert arrive_by is not None  # offered: on site in half an hour
    case.refresh_from_db()
    answered = dora.post(
        f"/cases/{case.number}/remark/respond",
        {
            "respond-version": case.version,
            "respond-call": call.pk,
            "respond-arrive_by": arrive_by.group(1),
            "next": "/inbox/",
        },
    )
    assert answered.status_code == 302 and answered["Location"] == "/inbox/"
    assert "Done: Respond to the whistle." in dora.get("/inbox/").content.decode()
    assert inbox(cast.dora)["answer"] == []
    call.refresh_from_db()
    assert call.responded_at is not None


def test_a_centre_finds_reports_to_register_and_cases_to_dispatch(
    cast: Cast, category: Category
) -> None:
    reported = submit_in_town_a(cast, category)
    registered = in_enforcement(cast, category)
    returned = in_enforcement(cast, category, cast.chengguan_a)
    returned = step(returned, Action.RETURN, cast.dora, reason="不属于城管")
    found = inbox(cast.alice)
    assert found["to_register"] == [reported.number]
    assert found["to_dispatch"] == [registered.number]
    assert found["returned"] == [returned.number]
    assert inbox(cast.bob)["to_register"] == []


def test_someone_without_a_role_is_told_and_a_visitor_logs_in(cast: Cast) -> None:
    assert "holds no role" in as_user(cast.nobody).get("/inbox/").content.decode()
    assert "/login/" in Client().get("/inbox/")["Location"]


def test_the_inbox_asks_the_database_the_same_whatever_it_holds(
    cast: Cast, category: Category, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        in_enforcement(cast, category, cast.chengguan_a)
    dora = as_user(cast.dora)
    # One more for the navigation: whether the user may see the block ratings.
    with django_assert_max_num_queries(12):
        assert dora.get("/inbox/").status_code == 200
