"""Delivering notifications: once each, through real transports."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from wangge.cases.models import Notification
from wangge.cases.outbox import deliver
from wangge.cases.remarks import whistle_blow
from wangge.cases.services import actor_for
from wangge.cases.sweep import sweep
from wangge.cases.testing import in_enforcement
from wangge.catalog.models import Category
from wangge.core.testing import beijing
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db
START = beijing(2025, 6, 2, 9)


@pytest.fixture
def overdue(cast: Cast, ordinary_category: Category) -> Notification:
    with time_machine.travel(START, tick=False):
        case = in_enforcement(cast, ordinary_category, cast.chengguan_a)
    assert case.due_by is not None
    sweep(now=case.due_by + timedelta(minutes=1))
    return Notification.objects.get(case=case)


@pytest.fixture
def webhook(settings: Any) -> Iterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WANGGE_NOTIFY_TRANSPORTS = ["webhook"]
    settings.WANGGE_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    yield received
    server.shutdown()


def test_an_overdue_case_reaches_the_holding_department_once(
    overdue: Notification, cast: Cast, webhook: list[dict[str, Any]]
) -> None:
    assert deliver(worker="w1") == 1
    assert deliver(worker="w2") == 0
    assert len(webhook) == 1
    assert webhook[0]["case"] == overdue.case.number
    assert webhook[0]["kind"] == "red_light"
    handlers = {p.pk for p in cast.chengguan_a.members.all()}
    assert handlers and set(webhook[0]["recipients"]) == handlers
    overdue.refresh_from_db()
    assert overdue.sent_at is not None and overdue.attempts == 1


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_its_lease(
    overdue: Notification, webhook: list[dict[str, Any]]
) -> None:
    Notification.objects.filter(pk=overdue.pk).update(
        claimed_by="dead", claimed_at=timezone.now() - timedelta(minutes=1)
    )
    assert deliver(worker="w1") == 0  # still within the dead worker's lease
    Notification.objects.filter(pk=overdue.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=10)
    )
    assert deliver(worker="w1") == 1
    assert [m["id"] for m in webhook] == [overdue.pk]


def test_a_failing_transport_leaves_the_notification_to_try_again(
    overdue: Notification, settings: Any
) -> None:
    settings.WANGGE_NOTIFY_TRANSPORTS = ["webhook"]
    settings.WANGGE_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens-here"
    assert deliver(worker="w1") == 0
    overdue.refresh_from_db()
    assert overdue.sent_at is None and overdue.last_error


def test_a_whistle_reaches_the_summoned_department_and_silence_reaches_the_grid(
    cast: Cast, ordinary_category: Category, webhook: list[dict[str, Any]]
) -> None:
    with time_machine.travel(START, tick=False):
        case = in_enforcement(cast, ordinary_category)
        whistle_blow(
            case=case,
            actor=actor_for(cast.alice),
            version=case.version,
            departments=[cast.market_a],
            note="联合检查",
        )
    deliver(worker="w1", now=START + timedelta(minutes=1))
    summoned = {p.pk for p in cast.market_a.members.all()}
    assert webhook[-1]["kind"] == "whistle" and set(webhook[-1]["recipients"]) == summoned
    sweep(now=START + timedelta(minutes=31))
    deliver(worker="w1", now=START + timedelta(minutes=32))
    blowers = {p.pk for p in cast.town_a_centre.members.all()}
    assert webhook[-1]["kind"] == "whistle_late"
    assert blowers and set(webhook[-1]["recipients"]) == blowers
    assert webhook[-1]["subject"] == f"案件 {case.number} 的吹哨未按时响应"
