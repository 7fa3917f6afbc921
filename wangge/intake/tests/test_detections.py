"""Smart-scene detections from cameras, as Yingpu seed 003_7ab3c9b0f83cb58d.txt has them: found by
algorithms on the video (运用智能化场景发现), dispatched automatically (逐步实现智能化自动派单)
where the district has switched the scene on, and otherwise waiting for a dispatcher."""

from __future__ import annotations

import json
from typing import Any

from PIL import Image

from wangge.cases.choices import Channel
from wangge.cases.models import Case, CasePhoto
from wangge.cases.workflow import Status
from wangge.core.testing import GPS_IFD
from wangge.intake.detections import detection_system_create
from wangge.intake.models import Intake
from wangge.intake.tests.conftest import Scene, Send, detection
from wangge.people.testing import Cast


def made(response: Any, status: int = 201) -> tuple[Case, dict[str, Any]]:
    assert response.status_code == status, response.content
    body = json.loads(response.content)
    return Case.objects.get(number=body["case"]), body


def test_a_find_on_a_street_is_registered_and_dispatched_by_the_system(
    cast: Cast, scene: Scene, send: Send
) -> None:
    """003_7ab3c9b0f83cb58d.txt: 将智能化发现的问题自动派单到网格内人员移动终端处置."""
    case, body = made(send(detection(camera="CAM-B")))
    assert case.status == Status.DISPATCHED and case.holder == cast.chengguan
    assert case.grid == cast.block_b and case.channel == Channel.AI and case.proactive
    assert body["status"] == "dispatched" and body["holder"] == cast.chengguan.name
    assert body["automatic"] == {"done": ["register", "dispatch"], "stopped": None}
    steps = list(case.events.order_by("sequence").values_list("action", "actor", "organisation"))
    assert steps == [("report", None, None), ("register", None, None), ("dispatch", None, None)]
    assert case.dispatched_at is not None and case.due_by is not None


def test_the_snapshot_is_kept_without_its_metadata(cast: Cast, scene: Scene, send: Send) -> None:
    case, _body = made(send())
    with Image.open(CasePhoto.objects.get(case=case).image) as image:
        assert image.format == "JPEG"
        assert not image.getexif().get_ifd(GPS_IFD) and 0x010F not in image.getexif()


def test_a_find_in_a_residential_grid_goes_to_self_governance_first(
    cast: Cast, scene: Scene, send: Send
) -> None:
    """003_7ab3c9b0f83cb58d.txt puts residential units under their 居村 workstation, and Minhang
    000_5ac562c39a6533b0.txt has them govern themselves first: the system registers, no more."""
    case, body = made(send(detection(camera="CAM-A")))
    assert case.status == Status.SELF_GOVERNANCE and case.holder == cast.workstation_a
    assert body["automatic"] == {"done": ["register"], "stopped": None}
    assert not case.events.filter(action="dispatch").exists()


def test_a_scene_the_district_has_not_switched_on_waits_for_a_dispatcher(
    cast: Cast, scene: Scene, send: Send
) -> None:
    """003_7ab3c9b0f83cb58d.txt: 逐步实现 — automatic dispatch scene by scene."""
    case, body = made(send(detection(category="event-0501")))
    assert case.status == Status.REPORTED and case.holder is None
    assert body["automatic"]["stopped"]["code"] == "not_automatic"
    assert list(case.events.values_list("action", flat=True)) == ["report"]


def test_a_resend_finds_the_case_the_first_send_made(cast: Cast, scene: Scene, send: Send) -> None:
    first, _body = made(send())
    again, body = made(send(detection(confidence=0.99, description="again")), status=200)
    assert again == first and body["status"] == "dispatched"
    assert Case.objects.count() == 1 and Intake.objects.count() == 1
    assert first.events.count() == 3


def test_an_unsure_detection_waits_for_a_dispatcher(cast: Cast, scene: Scene, send: Send) -> None:
    case, body = made(send(detection(confidence=0.5)))
    assert case.status == Status.REPORTED
    assert body["automatic"]["stopped"]["code"] == "low_confidence"
    case, body = made(send(detection(id="det-0002", confidence=None)))
    assert case.status == Status.REPORTED


def test_a_repeat_of_an_open_case_waits_to_be_merged(cast: Cast, scene: Scene, send: Send) -> None:
    first, _body = made(send())
    repeat, body = made(send(detection(id="det-0002")))
    assert repeat.status == Status.REPORTED and first.status == Status.DISPATCHED
    stopped = body["automatic"]["stopped"]
    assert stopped["code"] == "likely_duplicate" and first.number in stopped["detail"]


def test_without_a_responsible_department_the_case_waits_registered(
    cast: Cast, scene: Scene, send: Send
) -> None:
    scene.rubbish.responsibilities.all().delete()
    case, body = made(send())
    assert case.status == Status.REGISTERED and case.holder == cast.town_b_centre
    assert body["automatic"]["done"] == ["register"]
    assert body["automatic"]["stopped"]["code"] == "no_route"
    assert Intake.objects.get(case=case).details["automatic"] == body["automatic"]


def test_a_video_patrol_platform_reports_but_never_dispatches(
    cast: Cast, scene: Scene, send: Send
) -> None:
    platform, secret = detection_system_create(code="video-patrol", channel=Channel.VIDEO)
    scene.system.cameras.update(system=platform)
    case, body = made(send(system=platform.code, secret=secret))
    assert case.channel == Channel.VIDEO and case.proactive
    assert case.status == Status.REPORTED
    assert body["automatic"]["stopped"]["code"] == "not_automatic"
