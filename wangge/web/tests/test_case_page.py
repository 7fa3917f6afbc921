"""The case page (Jing'an seed 002's six steps, one page): what the user may see of a case, only
the steps they may take now, each with its form, and refusals said beside what they typed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from wangge.cases.models import Case, WhistleCall
from wangge.cases.remarks import case_escalate, whistle_blow
from wangge.cases.services import Evidence, actor_for, case_act
from wangge.cases.testing import in_enforcement, submit_in_town_a
from wangge.cases.workflow import Action, Status
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.core.testing import photo_with_exif
from wangge.people.testing import Cast, build_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def category(cast: Cast) -> Category:
    found = Category.objects.get(family="event", code="0504")  # 店外经营, a street-order event
    return found


def as_user(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def page(client: Client, case: Case) -> str:
    response = client.get(f"/cases/{case.number}/")
    assert response.status_code == 200
    return response.content.decode()


def steps(html: str) -> set[str]:
    return set(re.findall(r'class="step" id="step-([a-z_]+)"', html))


def act(client: Client, case: Case, action: str, **fields: Any) -> Any:
    case.refresh_from_db()
    data = {f"{action}-version": case.version}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return client.post(f"/cases/{case.number}/act/{action}", data)


def test_a_case_outside_the_user_s_reach_is_not_found(cast: Cast, category: Category) -> None:
    case = submit_in_town_a(cast, category)
    assert as_user(cast.bob).get(f"/cases/{case.number}/").status_code == 404
    # A department sees a case only once it holds it or is summoned to it.
    assert as_user(cast.dora).get(f"/cases/{case.number}/").status_code == 404
    anonymous = Client().get(f"/cases/{case.number}/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    acting = as_user(cast.bob).post(
        f"/cases/{case.number}/act/register", {"register-version": case.version}
    )
    assert acting.status_code == 404
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_each_user_sees_the_case_and_only_the_steps_that_are_theirs_now(
    cast: Cast, category: Category
) -> None:
    case = submit_in_town_a(cast, category)
    alice = page(as_user(cast.alice), case)
    assert case.number in alice and "店外经营" in alice and "人行道上无证设摊" in alice
    # The category's standards and the reporter, for the centre.
    assert category.registration_standard[:10] in alice
    assert steps(alice) == {"register", "reject", "merge"}
    assert "江川巡查员" in alice  # the inspector who reported it

    case = in_enforcement(cast, category, cast.chengguan_a)
    dora = page(as_user(cast.dora), case)
    assert steps(dora) == {"accept", "return"}
    # A department sees the report without the name of who made it.
    assert "江川巡查员" not in dora and "Reporter" in dora
    assert "Department: 城管执法局江川路中队" in dora
    assert "left" in dora and "light-green" in dora  # the clock is running


def test_a_dispatcher_registers_and_dispatches_from_the_page(
    cast: Cast, category: Category
) -> None:
    case = submit_in_town_a(cast, category)
    alice = as_user(cast.alice)
    done = act(alice, case, "register")
    assert done.status_code == 302 and done["Location"] == f"/cases/{case.number}/"
    assert "Done: Register." in alice.get(done["Location"]).content.decode()
    assert act(alice, case, "hand_to_enforcement", reason="劝阻无效").status_code == 302
    html = page(alice, case)
    # The dispatch form offers the departments serving the grid, nearest first.
    offered = re.findall(r'<option value="(\d+)"', html.split('id="step-dispatch"')[1])
    assert offered[:2] == [str(cast.chengguan_a.pk), str(cast.market_a.pk)]
    assert act(alice, case, "dispatch", department=cast.chengguan_a.pk).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.holder == cast.chengguan_a
    timeline = page(alice, case).split('id="timeline"')[1]
    assert "劝阻无效" in timeline and "Department: 城管执法局江川路中队" in timeline


def test_what_the_user_typed_stays_on_the_page_with_the_reason_it_was_refused(
    cast: Cast, category: Category
) -> None:
    case = submit_in_town_a(cast, category)
    alice = as_user(cast.alice)
    refused = act(alice, case, "merge", duplicate_of="2000010100001")
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "No case you can see has this number." in html
    assert 'value="2000010100001"' in html
    assert "<details open>" in html.split('id="step-merge"')[1][:80]

    missing = act(alice, case, "reject", reason="  ")
    assert missing.status_code == 400 and "This field is required." in missing.content.decode()

    case = in_enforcement(cast, category, cast.chengguan_a)
    dora = as_user(cast.dora)
    act(dora, case, "accept")
    fake = SimpleUploadedFile("result.jpg", b"not a picture", content_type="image/jpeg")
    bad = act(dora, case, "handle", note="摊位已清除", photos=fake)
    html = bad.content.decode()
    assert bad.status_code == 400 and "摊位已清除" in html
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    nothing = act(dora, case, "handle", note="")
    assert "Say what was done, or add a photo of the result." in nothing.content.decode()


def test_someone_else_acting_first_is_said_and_the_input_kept(
    cast: Cast, category: Category
) -> None:
    case = submit_in_town_a(cast, category)
    case = case_act(case=case, action=Action.REGISTER, actor=actor_for(cast.alice), version=1)
    seen = case.version
    alice = as_user(cast.alice)
    # Carol escalates while Alice is typing: the case is still in self-governance.
    case_escalate(case=case, actor=actor_for(cast.carol), version=seen, reason="居民多次投诉")
    late = alice.post(
        f"/cases/{case.number}/act/hand_to_enforcement",
        {"hand_to_enforcement-version": seen, "hand_to_enforcement-reason": "劝阻无效"},
    )
    html = late.content.decode()
    assert late.status_code == 409 and "Someone else changed the case first" in html
    assert "劝阻无效" in html and "居民多次投诉" in html  # her text, and what happened since
    fresh = re.search(r'name="hand_to_enforcement-version" value="(\d+)"', html)
    assert fresh is not None and int(fresh.group(1)) == seen + 1
    again = alice.post(
        f"/cases/{case.number}/act/hand_to_enforcement",
        {"hand_to_enforcement-version": fresh.group(1), "hand_to_enforcement-reason": "劝阻无效"},
    )
    assert again.status_code == 302

    # A step overtaken by another is gone from the page; what she wrote is still shown.
    stale = alice.post(
        f"/cases/{case.number}/act/hand_to_enforcement",
        {"hand_to_enforcement-version": fresh.group(1), "hand_to_enforcement-reason": "第二遍"},
    )
    html = stale.content.decode()
    assert stale.status_code == 409 and 'id="refused"' in html and "第二遍" in html
    assert "hand_to_enforcement" not in steps(html)


def test_photos_come_through_the_scoped_endpoint(cast: Cast, category: Category) -> None:
    case = in_enforcement(cast, category, cast.chengguan_a)
    dora = as_user(cast.dora)
    act(dora, case, "accept")
    done = act(dora, case, "handle", note="摊位已清除", photos=photo_with_exif())
    assert done.status_code == 302
    html = page(as_user(cast.alice), case)
    addresses = set(re.findall(r'src="(/api/v1/cases/[^"]+)"', html))
    assert len(addresses) == 1
    (thumbnail,) = addresses
    assert as_user(cast.alice).get(thumbnail).status_code == 200
    assert as_user(cast.bob).get(thumbnail).status_code == 404
    assert 'alt="Photo brought with: Report the result"' in html


def test_a_step_the_department_can_no_longer_see_leads_back_to_the_inbox(
    cast: Cast, category: Category
) -> None:
    case = in_enforcement(cast, category, cast.chengguan_a)
    returned = act(as_user(cast.dora), case, "return", reason="不属于城管职责")
    assert returned.status_code == 302 and returned["Location"] == "/inbox/"
    case.refresh_from_db()
    assert case.status == Status.RETURNED and case.holder == cast.town_a_centre


def test_the_whistle_from_the_page_to_the_rating(cast: Cast, category: Category) -> None:
    """004_33b6eee281a71861.txt: 一键吹哨, 一键响应, 一键评价."""
    case = in_enforcement(cast, category)
    alice = as_user(cast.alice)
    assert {"whistle", "escalate", "dispatch"} <= steps(page(alice, case))
    nobody = alice.post(
        f"/cases/{case.number}/remark/whistle",
        {
            "whistle-version": case.version,
            "whistle-note": "联合整治",
            "whistle-response_minutes": 30,
        },
    )
    assert nobody.status_code == 400 and "联合整治" in nobody.content.decode()
    blown = alice.post(
        f"/cases/{case.number}/remark/whistle",
        {
            "whistle-version": case.version,
            "whistle-departments": [cast.chengguan_a.pk, cast.market_a.pk],
            "whistle-note": "联合整治",
            "whistle-response_minutes": 30,
        },
    )
    assert blown.status_code == 302
    call = WhistleCall.objects.get(department=cast.chengguan_a)
    dora = as_user(cast.dora)
    html = page(dora, case)
    assert f"respond-{call.pk}" in html and "联合整治" in html
    case.refresh_from_db()
    answered = dora.post(
        f"/cases/{case.number}/remark/respond",
        {
            "respond-version": case.version,
            "respond-call": call.pk,
            "respond-arrive_by": "2030-01-01T10:00",
        },
    )
    assert answered.status_code == 302
    call.refresh_from_db()
    assert call.responded_at is not None and call.arrive_by is not None

    # Closed, then rated: the form is there for each summoned department.
    case.refresh_from_db()
    for action, actor, more in (
        (Action.DISPATCH, cast.alice, {"department": cast.chengguan_a}),
        (Action.ACCEPT, cast.dora, {}),
        (Action.HANDLE, cast.dora, {"evidence": Evidence("已整改")}),
        (Action.VERIFY, cast.ivan, {}),
    ):
        case = case_act(
            case=case, action=action, actor=actor_for(actor), version=case.version, **more
        )
    html = page(alice, case)
    assert {f"rate-{c.pk}" for c in WhistleCall.objects.all()} <= steps_with_calls(html)
    rated = alice.post(
        f"/cases/{case.number}/remark/rate",
        {"rate-version": case.version, "rate-call": call.pk, "rate-rating": 4},
    )
    assert rated.status_code == 302
    call.refresh_from_db()
    assert call.rating == 4


def steps_with_calls(html: str) -> set[str]:
    return set(re.findall(r'class="step" id="step-([a-z_]+-\d+)"', html))


def test_unknown_steps_and_wrong_methods_are_refused(cast: Cast, category: Category) -> None:
    case = submit_in_town_a(cast, category)
    alice = as_user(cast.alice)
    assert alice.post(f"/cases/{case.number}/act/fly", {}).status_code == 404
    assert alice.post(f"/cases/{case.number}/remark/sing", {}).status_code == 404
    assert alice.get(f"/cases/{case.number}/act/register").status_code == 405
    tampered = alice.post(f"/cases/{case.number}/act/register", {"register-version": "x"})
    assert tampered.status_code == 400
    whistle = alice.post(f"/cases/{case.number}/remark/respond", {"respond-call": "999"})
    assert whistle.status_code == 400 and "Select a valid choice" in whistle.content.decode()


def test_the_page_shows_each_summoned_department_s_answer(cast: Cast, category: Category) -> None:
    case = submit_in_town_a(cast, category)
    case = case_act(case=case, action=Action.REGISTER, actor=actor_for(cast.alice), version=1)
    blown = whistle_blow(
        case=case,
        actor=actor_for(cast.alice),
        version=case.version,
        departments=[cast.chengguan_a],
        note="请城管协助",
    )
    assert blown.calls.count() == 1
    case.refresh_from_db()
    html = page(as_user(cast.alice), case)
    assert "请城管协助" in html and "Waiting" in html
