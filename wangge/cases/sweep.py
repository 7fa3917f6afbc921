"""The sweep: what time does to open cases. Lights turn yellow, then red; an overdue case climbs
the escalation ladder (unit grid → area chief → town chief → district centre) every
``WANGGE_ESCALATION_HOURS`` while it stays overdue; each red light and escalation writes an
event and an outbox row in the same transaction.

Every step claims its rows with a conditional UPDATE … RETURNING, in batches, each batch in its
own transaction: several workers never process a row twice, and a worker killed mid-sweep
leaves every batch either done or untouched, to be finished by the next sweep.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from wangge.cases.choices import Light
from wangge.cases.models import Case, CaseEvent, Notification
from wangge.cases.workflow import Action, Status

TOP_ESCALATION = 3  # the district centre
BATCH = 5000


@dataclass
class SweepResult:
    turned_yellow: int = 0
    turned_red: int = 0
    escalated: int = 0
    notifications: int = 0
    handed_to_enforcement: int = 0


def sweep(*, now: datetime.datetime | None = None, batch: int = BATCH) -> SweepResult:
    """One pass over the clocks; safe to run in several workers at once and to interrupt."""
    now = now or timezone.now()
    result = SweepResult()
    interval = datetime.timedelta(hours=settings.WANGGE_ESCALATION_HOURS)
    while ids := list(
        Case.objects.filter(light=Light.GREEN, yellow_at__lte=now).values_list("id", flat=True)[
            :batch
        ]
    ):
        # A light is a reading of the clock, not a change of the case: the deadline it reads
        # came with an event; turning yellow writes none.
        result.turned_yellow += Case.objects.filter(id__in=ids, light=Light.GREEN).update(
            light=Light.YELLOW
        )
    while ids := list(
        Case.objects.filter(light__in=[Light.GREEN, Light.YELLOW], due_by__lte=now).values_list(
            "id", flat=True
        )[:batch]
    ):
        with transaction.atomic():
            claimed = _claim(
                ids,
                set_sql="light = 'red', escalation_level = 1, escalate_at = %s",
                set_params=[now + interval],
                where_sql="light IN ('green', 'yellow') AND due_by <= %s",
                where_params=[now],
            )
            _record(claimed, now, action="red_light", kind=Notification.Kind.RED_LIGHT)
            result.handed_to_enforcement += _hand_over_self_governance(claimed)
        result.turned_red += len(claimed)
        result.notifications += len(claimed)
    while ids := list(
        Case.objects.filter(
            light=Light.RED, escalate_at__lte=now, escalation_level__lt=TOP_ESCALATION
        ).values_list("id", flat=True)[:batch]
    ):
        with transaction.atomic():
            claimed = _claim(
                ids,
                set_sql="escalation_level = escalation_level + 1, escalate_at = %s",
                set_params=[now + interval],
                where_sql="light = 'red' AND escalate_at <= %s AND escalation_level < %s",
                where_params=[now, TOP_ESCALATION],
            )
            _record(claimed, now, action="escalate", kind=Notification.Kind.ESCALATION)
        result.escalated += len(claimed)
        result.notifications += len(claimed)
    return result


@dataclass(frozen=True)
class _Claimed:
    id: int
    version: int
    status: str
    escalation_level: int


def _claim(
    ids: list[int],
    *,
    set_sql: str,
    set_params: list[Any],
    where_sql: str,
    where_params: list[Any],
) -> list[_Claimed]:
    """Update the rows that still match and say exactly which: another worker's rows, or rows a
    person changed meanwhile, no longer match and are left alone."""
    table = connection.ops.quote_name(Case._meta.db_table)
    placeholders = ", ".join(["%s"] * len(ids))
    sql = (
        f"UPDATE {table} SET {set_sql}, version = version + 1 "
        f"WHERE id IN ({placeholders}) AND {where_sql} "
        "RETURNING id, version, status, escalation_level"
    )
    params = [_adapt(value) for value in (*set_params, *ids, *where_params)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_Claimed(*row) for row in cursor.fetchall()]


def _adapt(value: Any) -> Any:
    # Raw SQL gets no help from the ORM: datetimes must be written as the backend stores them
    # (on SQLite, naive UTC text), or comparisons with ORM-written values go wrong.
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _record(claimed: list[_Claimed], now: datetime.datetime, *, action: str, kind: str) -> None:
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                case_id=row.id,
                sequence=row.version,
                action=action,
                from_status=row.status,
                to_status=row.status,
                at=now,
                data={"escalation_level": row.escalation_level},
            )
            for row in claimed
        ],
        batch_size=1000,
    )
    Notification.objects.bulk_create(
        [
            Notification(
                case_id=row.id, kind=kind, escalation_level=row.escalation_level, created_at=now
            )
            for row in claimed
        ],
        batch_size=1000,
    )


def _hand_over_self_governance(claimed: list[_Claimed]) -> int:
    """Minhang seed 000: when self-governance runs out, back-end enforcement takes over."""
    from wangge.cases.services import SYSTEM_ACTOR, case_act

    handed = 0
    for row in claimed:
        if row.status != Status.SELF_GOVERNANCE:
            continue
        case = Case.objects.select_related("grid", "category", "holder").get(pk=row.id)
        case_act(
            case=case,
            action=Action.HAND_TO_ENFORCEMENT,
            actor=SYSTEM_ACTOR,
            version=case.version,
            reason="前端自治期限已到，转后端共治",
        )
        handed += 1
    return handed
