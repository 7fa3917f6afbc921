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

from wangge.cases.models import Case, CaseEvent, Notification, WhistleCall
from wangge.cases.signals import events_appended
from wangge.cases.workflow import ON_THE_CLOCK, Action, Status

TOP_ESCALATION = 3  # the district centre
BATCH = 5000


@dataclass
class SweepResult:
    turned_yellow: int = 0
    turned_red: int = 0
    escalated: int = 0
    notifications: int = 0
    handed_to_enforcement: int = 0
    whistles_late: int = 0


def sweep(*, now: datetime.datetime | None = None, batch: int = BATCH) -> SweepResult:
    """One pass over the clocks; safe to run in several workers at once and to interrupt."""
    now = now or timezone.now()
    result = SweepResult()
    next_step = now + datetime.timedelta(hours=settings.WANGGE_ESCALATION_HOURS)
    # A light is a reading of the clock, not a change of the case: the deadline it reads came
    # with an event, so turning yellow writes none and leaves the version alone.
    while turned := _claim(
        batch,
        set_sql="light = 'yellow'",
        set_params=[],
        where_sql="light = 'green' AND yellow_at <= %s",
        where_params=[now],
        new_version=False,
    ):
        result.turned_yellow += len(turned)
    while True:
        with transaction.atomic():
            claimed = _claim(
                batch,
                # Level 1 at least: an escalation asked for earlier is not undone.
                set_sql=(
                    "light = 'red', escalate_at = %s, escalation_level = "
                    "CASE WHEN escalation_level < 1 THEN 1 ELSE escalation_level END"
                ),
                set_params=[next_step],
                where_sql="light IN ('green', 'yellow') AND clock_due <= %s",
                where_params=[now],
            )
            _record(claimed, now, action="red_light", kind=Notification.Kind.RED_LIGHT)
            result.handed_to_enforcement += _hand_over_self_governance(claimed, now)
        if not claimed:
            break
        result.turned_red += len(claimed)
        result.notifications += len(claimed)
    while True:
        with transaction.atomic():
            claimed = _claim(
                batch,
                set_sql="escalation_level = escalation_level + 1, escalate_at = %s",
                set_params=[next_step],
                where_sql="light = 'red' AND escalate_at <= %s AND escalation_level < %s",
                where_params=[now, TOP_ESCALATION],
            )
            _record(claimed, now, action="escalate", kind=Notification.Kind.ESCALATION)
        if not claimed:
            break
        result.escalated += len(claimed)
        result.notifications += len(claimed)
    result.whistles_late = _late_whistle_calls(now, batch)
    result.notifications += result.whistles_late
    return result


def _late_whistle_calls(now: datetime.datetime, batch: int) -> int:
    """Summoned departments that did not answer in time (一键响应): marked, recorded, reported."""
    from wangge.cases.services import SYSTEM_ACTOR, CaseConflict, _commit

    late = 0
    waiting = WhistleCall.objects.filter(
        responded_at__isnull=True,
        overdue=False,
        whistle__respond_by__lte=now,
        whistle__case__status__in=[status.value for status in ON_THE_CLOCK],
    ).select_related("whistle")
    for call in waiting[:batch]:
        try:
            with transaction.atomic():
                claimed = WhistleCall.objects.filter(
                    pk=call.pk, responded_at__isnull=True, overdue=False
                ).update(overdue=True)
                if not claimed:
                    continue
                case = Case.objects.get(pk=call.whistle.case_id)
                _commit(
                    case,
                    version=case.version,
                    changes={},
                    action="whistle_late",
                    actor=SYSTEM_ACTOR,
                    at=now,
                    data={"department": call.department_id, "whistle": call.whistle_id},
                )
                # The grid that blew the whistle hears that the department did not answer.
                Notification.objects.create(
                    case=case,
                    kind=Notification.Kind.WHISTLE_LATE,
                    organisation_id=call.whistle.organisation_id,
                    created_at=now,
                )
        except CaseConflict:
            continue  # someone acted on the case at this moment: the next sweep tries again
        late += 1
    return late


@dataclass(frozen=True)
class _Claimed:
    id: int
    version: int
    status: str
    escalation_level: int


def _claim(
    batch: int,
    *,
    set_sql: str,
    set_params: list[Any],
    where_sql: str,
    where_params: list[Any],
    new_version: bool = True,
) -> list[_Claimed]:
    """Update up to ``batch`` rows that match and say exactly which. The condition is checked
    again on each row as it is updated: rows another worker or a person changed meanwhile no
    longer match and are left alone."""
    table = connection.ops.quote_name(Case._meta.db_table)
    version = ", version = version + 1" if new_version else ""
    sql = (
        f"UPDATE {table} SET {set_sql}{version} "
        f"WHERE id IN (SELECT id FROM {table} WHERE {where_sql} LIMIT %s) AND {where_sql} "
        "RETURNING id, version, status, escalation_level"
    )
    params = [_adapt(v) for v in (*set_params, *where_params, batch, *where_params)]
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
    """The event and the outbox row of each claimed case, written by the database from the rows
    just claimed (which this transaction holds locked, so they read as claimed)."""
    if not claimed:
        return
    cases = connection.ops.quote_name(Case._meta.db_table)
    events = connection.ops.quote_name(CaseEvent._meta.db_table)
    outbox = connection.ops.quote_name(Notification._meta.db_table)
    json_object = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    at = _adapt(now)
    for start in range(0, len(claimed), BATCH):
        ids = [row.id for row in claimed[start : start + BATCH]]
        placeholders = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {events} (case_id, sequence, action, from_status, to_status, at, "
                "note, data) "
                f"SELECT id, version, %s, status, status, %s, '', "
                f"{json_object}('escalation_level', escalation_level) "
                f"FROM {cases} WHERE id IN ({placeholders})",
                [action, at, *ids],
            )
            cursor.execute(
                f"INSERT INTO {outbox} (case_id, kind, escalation_level, created_at, claimed_by, "
                "attempts, last_error) "
                f"SELECT id, %s, escalation_level, %s, '', 0, '' "
                f"FROM {cases} WHERE id IN ({placeholders})",
                [kind, at, *ids],
            )
        events_appended.send(sender=Case, case_ids=ids, action=action)


def _hand_over_self_governance(claimed: list[_Claimed], now: datetime.datetime) -> int:
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
            at=now,
        )
        handed += 1
    return handed
