"""Delivering the outbox: each notification is claimed by one worker with a conditional update,
sent through the configured transports, then marked sent. A worker that dies after claiming
leaves the row to be taken again when its lease runs out; webhook receivers get the
notification's id to recognise a repeat."""

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
from django.utils import timezone

from wangge.cases.models import Case, Notification
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Person, RoleAssignment
from wangge.people.scope import current_roles_q

logger = logging.getLogger(__name__)
LEASE = datetime.timedelta(minutes=5)
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
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status >= 300:
            raise OSError(f"webhook answered {response.status}")


TRANSPORTS: dict[str, Callable[[Message], None]] = {
    "console": _console,
    "email": _email,
    "webhook": _webhook,
}


def deliver(*, worker: str, now: datetime.datetime | None = None, batch: int = 200) -> int:
    """Send what is waiting; return how many were sent."""
    now = now or timezone.now()
    sent = 0
    for notification in _claim(worker, now, batch):
        message = _message(notification)
        try:
            for name in settings.WANGGE_NOTIFY_TRANSPORTS:
                TRANSPORTS[name](message)
        except Exception as exc:  # a transport's failure must not stop the others' deliveries
            logger.warning("notification %s not delivered: %s", notification.pk, exc)
            Notification.objects.filter(pk=notification.pk).update(last_error=str(exc)[:1000])
            continue
        Notification.objects.filter(pk=notification.pk, claimed_by=worker).update(sent_at=now)
        sent += 1
    return sent


def _claim(worker: str, now: datetime.datetime, batch: int) -> list[Notification]:
    table = connection.ops.quote_name(Notification._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    expired = adapt(now - LEASE)
    waiting = "sent_at IS NULL AND (claimed_at IS NULL OR claimed_at < %s)"
    sql = (
        f"UPDATE {table} SET claimed_by = %s, claimed_at = %s, attempts = attempts + 1 "
        f"WHERE id IN (SELECT id FROM {table} WHERE {waiting} ORDER BY id LIMIT %s) "
        f"AND {waiting} RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [worker, adapt(now), expired, batch, expired])
        ids = [row[0] for row in cursor.fetchall()]
    return list(Notification.objects.filter(pk__in=ids).select_related("case__grid").order_by("pk"))


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
