"""Delivering notifications: once each, through real transports."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from wangge.cases.models import Notification
from wangge.cases.outbox import LEASE, TRANSPORTS, Message, deliver
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
def answers() -> list[int]:
    """The statuses the webhook receiver answers, in turn, before it answers 204 again."""
    return []


@pytest.fixture
def webhook(settings: Any, answers: list[int]) -> Iterator[list[dict[str, Any]]]:
    """Every request the receiver got, answered or not."""
    received: list[dict[str, Any]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(answers.pop(0) if answers else 204)
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


def test_a_notification_that_keeps_failing_is_given_up_after_its_last_attempt(
    overdue: Notification, webhook: list[dict[str, Any]], answers: list[int], settings: Any
) -> None:
    allowed = settings.WANGGE_NOTIFY_MAX_ATTEMPTS
    answers.extend([500] * (allowed + 5))
    at = timezone.now()
    for _ in range(allowed - 1):
        assert deliver(worker="w1", now=at) == 0
        at += timedelta(days=1)
    overdue.refresh_from_db()
    assert overdue.failed_at is None and overdue.next_attempt_at is not None
    assert deliver(worker="w1", now=at) == 0
    overdue.refresh_from_db()
    assert overdue.failed_at is not None and overdue.sent_at is None
    assert overdue.attempts == allowed and "500" in overdue.last_error
    for later in (timedelta(days=1), timedelta(days=365)):
        assert deliver(worker="w2", now=at + later) == 0
    overdue.refresh_from_db()
    assert overdue.attempts == allowed and overdue.claimed_by == ""
    assert len(webhook) == allowed


def test_a_failed_attempt_waits_longer_each_time_before_the_next(
    overdue: Notification, webhook: list[dict[str, Any]], answers: list[int]
) -> None:
    answers.extend([500, 500])
    first = timezone.now()
    assert deliver(worker="w1", now=first) == 0
    assert deliver(worker="w1", now=first + timedelta(seconds=50)) == 0
    assert len(webhook) == 1
    second = first + timedelta(seconds=70)
    assert deliver(worker="w1", now=second) == 0
    assert len(webhook) == 2
    assert deliver(worker="w1", now=second + timedelta(seconds=110)) == 0
    assert len(webhook) == 2
    assert deliver(worker="w1", now=second + timedelta(seconds=130)) == 1
    assert [m["id"] for m in webhook] == [overdue.pk] * 3
    overdue.refresh_from_db()
    assert overdue.sent_at is not None and overdue.failed_at is None and overdue.attempts == 3


def test_a_row_whose_lease_ran_out_during_a_slow_batch_is_sent_by_one_worker_only(
    cast: Cast,
    ordinary_category: Category,
    webhook: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with time_machine.travel(START, tick=False) as clock:
        case = in_enforcement(cast, ordinary_category)
        first, second, third = Notification.objects.bulk_create(
            Notification(case=case, kind=kind, created_at=START)
            for kind in (
                Notification.Kind.RED_LIGHT,
                Notification.Kind.SUPERVISION,
                Notification.Kind.WHISTLE_LATE,
            )
        )
        post = TRANSPORTS["webhook"]
        sends = 0

        def slow_post(message: Message) -> None:
            nonlocal sends
            sends += 1
            clock.shift(LEASE * 0.6)
            if sends == 2:
                # Six minutes into w1's batch: the third row's lease, taken at the start, has run
                # out, the second's, renewed three minutes ago, has not.
                assert deliver(worker="w2") == 1
            post(message)

        monkeypatch.setitem(TRANSPORTS, "webhook", slow_post)
        assert deliver(worker="w1") == 2
    assert sorted(m["id"] for m in webhook) == [first.pk, second.pk, third.pk]
    sent_by = dict(Notification.objects.values_list("pk", "claimed_by"))
    assert sent_by == {first.pk: "w1", second.pk: "w1", third.pk: "w2"}
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_a_notification_whose_last_attempt_never_finished_is_given_up(
    overdue: Notification, webhook: list[dict[str, Any]], settings: Any
) -> None:
    Notification.objects.filter(pk=overdue.pk).update(
        attempts=settings.WANGGE_NOTIFY_MAX_ATTEMPTS, claimed_by="dead", claimed_at=timezone.now()
    )
    assert deliver(worker="w1") == 0
    overdue.refresh_from_db()
    assert overdue.failed_at is None  # the dead worker's lease still holds
    assert deliver(worker="w1", now=timezone.now() + LEASE + timedelta(minutes=1)) == 0
    overdue.refresh_from_db()
    assert overdue.failed_at is not None and overdue.claimed_by == ""
    assert overdue.attempts == settings.WANGGE_NOTIFY_MAX_ATTEMPTS and webhook == []


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that lets clients connect and never says a word."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


@pytest.mark.parametrize("transport", ["email", "webhook"])
def test_a_silent_server_holds_the_worker_no_longer_than_its_timeout(
    overdue: Notification, cast: Cast, settings: Any, silent_port: int, transport: str
) -> None:
    cast.dora.email = "dora@example.org"
    cast.dora.save(update_fields=["email"])
    settings.WANGGE_NOTIFY_TRANSPORTS = [transport]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent_port
    settings.WANGGE_WEBHOOK_URL = f"http://127.0.0.1:{silent_port}/hook"
    settings.EMAIL_TIMEOUT = settings.WANGGE_WEBHOOK_TIMEOUT = 0.5
    started = time.monotonic()
    assert deliver(worker="w1") == 0
    assert time.monotonic() - started < 5
    overdue.refresh_from_db()
    assert "timed out" in overdue.last_error and overdue.next_attempt_at is not None


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
