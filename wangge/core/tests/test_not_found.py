"""A path no door answers is told in the door's own terms: a phone app reading JSON gets JSON,
an Open311 client the specification's error body, a person the page."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SAYS = "There is nothing at this address."


def english() -> Client:
    return Client(headers={"Accept-Language": "en"})


@pytest.mark.parametrize(
    "path", ["/api/v1/cases/2026112400001/actions/", "/api/v1/nothing", "/intake/v1/nothing"]
)
def test_the_machines_doors_answer_json(path: str) -> None:
    answer = english().get(path)
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": SAYS, "code": "not_found"}


def test_open311_answers_its_error_body_in_the_format_asked_for() -> None:
    json_answer = english().get("/open311/v2/nothing.json")
    assert json_answer.status_code == 404
    assert json_answer.json() == [{"code": 404, "description": SAYS}]
    xml_answer = english().get("/open311/v2/nothing.xml")
    assert xml_answer.status_code == 404 and b"<errors>" in xml_answer.content


def test_people_get_the_page_and_every_door_speaks_their_language() -> None:
    answer = Client(headers={"Accept-Language": "en"}).get("/no-such-page/")
    assert answer.status_code == 404 and answer["Content-Type"].startswith("text/html")
    chinese = Client(headers={"Accept-Language": "zh-hans"}).get("/api/v1/nothing")
    assert chinese.json()["detail"] == "此地址没有内容。"
