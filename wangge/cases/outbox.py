"""Delivering the outbox: each notification is claimed by one worker with a conditional update,
sent through the configured transports, then marked sent. A worker that dies after claiming
leaves the row to be taken again when its lease runs out; webhook receivers get the
notification's id to recognise a repeat. The claim is renewed just before each send, so a slow
batch never sends a row whose lease ran out and another worker took. A failed attempt is tried
again after a wait that doubles each time, and given up after ``WANGGE_NOTIFY_MAX_ATTEMPTS``."""

from __future__ import annotations

import datetime
import json
import logging
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from wangge.cases.models import Case, Notification
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Person, RoleAssignment
from wangge.people.scope import current_roles_q

logger = logging.getLogger(__name__)
LEASE = datetime.timedelta(minutes=5)
# The wait after a failed attempt: 1, 2, 4 … 64 minutes with the default eight attempts, two hours
# for a receiver to come back; at most about 17 hours whatever the number of attempts.
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY_DOUBLINGS = 10
# Who hears of an escalation, by level: the ladder of the seeds (unit → area → town → district).
LADDER = {1: Role.AREA_CHIEF, 2: Role.TOWN_CHIEF, 3: Role.DUTY_CHIEF}


@dataclass(frozen=True)
class Message:
    notification_id: int
    case_number: str
    kind: str
    escalation_level: int
    subject: str
    body: str
    recipients: tuple[Person, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.notification_id,
            "case": self.case_number,
            "kind": self.kind,
            "escalation_level": self.escalation_level,
            "subject": self.subject,
            "recipients": [person.pk for person in self.recipients],
        }


def _console(message: Message) -> None:
    logger.info("notify %s → %s", message.subject, ", ".join(p.name for p in message.recipients))


def _email(message: Message) -> None:
    addresses = [p.user.email for p in message.recipients if p.user and p.user.email]
    if addresses:
        send_mail(message.subject, message.body, None, addresses)


def _webhook(message: Message) -> None:
    request = urllib.request.Request(
        settings.WANGGE_WEBHOOK_URL,
        data=json.dumps(message.as_json(), ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=settings.WANGGE_WEBHOOK_TIMEOUT) as response:
        if response.status >= 300:
            raise OSError(f"webhook answered {response.status}")


TRANSPORTS: dict[str, Callable[[Message], None]] = {
    "console": _console,
    "email": _email,
    "webhook": _webhook,
}


def deliver(*, worker: str, now: datetime.datetime | None = None, batch: int = 200) -> int:
    """Send what is waiting; return how many were sent. ``now`` is when the round starts (tests
    move it); the clock runs on from there while the round sends."""
    skew = now - timezone.now() if now is not None else datetime.timedelta(0)

    def clock() -> datetime.datetime:
        return timezone.now() + skew

    start = clock()
    _give_up_unfinished(start)
    sent = 0
    for notification in _claim(worker, start, batch):
        message = _message(notification)
        if not _renew(notification, worker, clock()):
            continue  # its lease ran out while earlier rows were sent, and another worker has it
        try:
            for name in settings.WANGGE_NOTIFY_TRANSPORTS:
                TRANSPORTS[name](message)
        except Exception as exc:  # a transport's failure must not stop the others' deliveries
            _failed(notification, worker, clock(), exc)
            continue
        Notification.objects.filter(pk=notification.pk, claimed_by=worker).update(sent_at=clock())
        sent += 1
    return sent


def _claim(worker: str, now: datetime.datetime, batch: int) -> list[Notification]:
    table = connection.ops.quote_name(Notification._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    waiting = (
        "sent_at IS NULL AND failed_at IS NULL AND attempts < %s "
        "AND (claimed_at IS NULL OR claimed_at < %s) "
        "AND (next_attempt_at IS NULL OR next_attempt_at <= %s)"
    )
    values = [settings.WANGGE_NOTIFY_MAX_ATTEMPTS, adapt(now - LEASE), adapt(now)]
    sql = (
        f"UPDATE {table} SET claimed_by = %s, claimed_at = %s, attempts = attempts + 1 "
        f"WHERE id IN (SELECT id FROM {table} WHERE {waiting} ORDER BY id LIMIT %s) "
        f"AND {waiting} RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [worker, adapt(now), *values, batch, *values])
        ids = [row[0] for row in cursor.fetchall()]
    return list(Notification.objects.filter(pk__in=ids).select_related("case__grid").order_by("pk"))


def _renew(notification: Notification, worker: str, now: datetime.datetime) -> bool:
    """Start the lease again if the claim is still this worker's: the claim was made for the
    whole batch, and the sends before this one may have used up its lease."""
    renewed = Notification.objects.filter(pk=notification.pk, claimed_by=worker)
    return renewed.update(claimed_at=now) == 1


def _failed(
    notification: Notification, worker: str, now: datetime.datetime, error: Exception
) -> None:
    """Give the row up after its last allowed attempt; otherwise let it wait before the next.
    The claim is released, so the wait, not the lease, says when it is taken again."""
    attempts = notification.attempts
    given_up = attempts >= settings.WANGGE_NOTIFY_MAX_ATTEMPTS
    wait = FIRST_RETRY * 2 ** min(attempts - 1, LONGEST_RETRY_DOUBLINGS)
    logger.warning(
        "notification %s not delivered at attempt %d%s: %s",
        notification.pk,
        attempts,
        ", given up" if given_up else "",
        error,
    )
    Notification.objects.filter(pk=notification.pk, claimed_by=worker).update(
        claimed_by="",
        claimed_at=None,
        last_error=str(error)[:1000],
        failed_at=now if given_up else None,
        next_attempt_at=None if given_up else now + wait,
    )


def _give_up_unfinished(now: datetime.datetime) -> None:
    """Give up the rows that have had all their attempts yet are not marked: the last one never
    finished (a worker died sending, perhaps because of the row itself, and would die on it again
    and again), or fewer attempts are allowed than when it failed."""
    unheld = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
    spent = Notification.objects.filter(
        unheld,
        sent_at__isnull=True,
        failed_at__isnull=True,
        attempts__gte=settings.WANGGE_NOTIFY_MAX_ATTEMPTS,
    )
    if count := spent.update(claimed_by="", claimed_at=None, failed_at=now):
        logger.warning("%d notifications given up: all their attempts are used", count)


SUBJECTS = {
    Notification.Kind.RED_LIGHT: "案件 {number} 已超期（红灯）",
    Notification.Kind.ESCALATION: "案件 {number} 超期升级至第 {level} 级",
    Notification.Kind.SUPERVISION: "案件 {number} 收到督办",
    Notification.Kind.WHISTLE: "网格吹哨：请响应案件 {number}",
    Notification.Kind.WHISTLE_LATE: "案件 {number} 的吹哨未按时响应",
}


def _message(notification: Notification) -> Message:
    case: Case = notification.case
    recipients = tuple(_recipients(notification))
    subject = SUBJECTS[Notification.Kind(notification.kind)].format(
        number=case.number, level=notification.escalation_level
    )
    body = f"{subject}\n{case.description}\n{case.address}"
    return Message(
        notification.pk,
        case.number,
        notification.kind,
        notification.escalation_level,
        subject,
        body,
        recipients,
    )


def _recipients(notification: Notification) -> list[Person]:
    """Who hears of it: the organisation it names, the ladder's rung for an escalation, or
    the organisation holding the case."""
    case = notification.case
    level = notification.escalation_level
    if notification.kind == Notification.Kind.ESCALATION and level in LADDER:
        codes = [*case.grid.ancestor_codes, case.grid.code]
        people = Person.objects.filter(
            is_active=True, roles__in=_current_roles(LADDER[level], codes)
        )
        if level == 3:
            people = people.filter(organisation__kind=OrganisationKind.DISTRICT_CENTRE)
        return list(people.distinct())
    organisation_id = notification.organisation_id or case.holder_id
    if organisation_id is None:
        return []
    return list(Person.objects.filter(organisation_id=organisation_id, is_active=True))


def _current_roles(role: str, codes: list[str]) -> Any:
    return RoleAssignment.objects.filter(current_roles_q(), role=role, grid__code__in=codes)
