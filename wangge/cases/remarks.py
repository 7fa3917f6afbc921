"""Steps that leave a case's status as it is but still change it: escalation on request,
supervision orders (督办), consultations (会商研判), and the whistle (吹哨 → 响应 → 评价).
Each goes through the same versioned write and event as the workflow's steps."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.cases.models import Case, Notification, Whistle, WhistleCall
from wangge.cases.services import (
    DEPARTMENT_KINDS,
    SYSTEM_ACTOR,
    Actor,
    _commit,
    case_visible_to,
)
from wangge.cases.sweep import TOP_ESCALATION
from wangge.cases.workflow import Remark, Status, TransitionRefused, plan_remark
from wangge.people.models import Organisation

DEFAULT_WHISTLE_RESPONSE = datetime.timedelta(minutes=30)


def _check(case: Case, actor: Actor, remark: Remark) -> None:
    if not case_visible_to(case, actor):
        raise TransitionRefused(_("This case is outside your responsibility."), "out_of_scope")
    plan_remark(remark, case.workflow_status, actor.roles)


def _notify(
    case: Case, kind: str, level: int = 0, organisation: Organisation | None = None
) -> None:
    Notification.objects.create(
        case=case,
        kind=kind,
        escalation_level=level,
        organisation=organisation,
        created_at=timezone.now(),
    )


def _written_remark(
    case: Case,
    *,
    remark: Remark,
    actor: Actor,
    version: int,
    note: str,
    missing_note: str,
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> Case:
    """A remark that must say something in writing: checked, then written with its event."""
    if not note.strip():
        raise TransitionRefused(missing_note, "missing_reason")
    return _commit(
        case,
        version=version,
        changes=changes or {},
        action=remark,
        actor=actor,
        at=timezone.now(),
        note=note,
        data=data,
    )


@transaction.atomic
def case_escalate(*, case: Case, actor: Actor, version: int, reason: str) -> Case:
    """One level up the ladder on request (unit → area chief → town chief → district)."""
    _check(case, actor, Remark.ESCALATE)
    # A missing reason is refused first (by _written_remark), then the top of the ladder.
    if case.escalation_level >= TOP_ESCALATION and reason.strip():
        raise TransitionRefused(_("The case is already with the district."), "top_level")
    level = case.escalation_level + 1
    case = _written_remark(
        case,
        remark=Remark.ESCALATE,
        actor=actor,
        version=version,
        note=reason,
        missing_note=_("Say why the case is escalated."),
        changes={"escalation_level": level},
        data={"escalation_level": level},
    )
    _notify(case, Notification.Kind.ESCALATION, level)
    return case


@transaction.atomic
def case_supervise(
    *, case: Case, actor: Actor, version: int, note: str, respond_by: datetime.datetime | None
) -> Case:
    """督办: a centre presses the holder, in writing, optionally with a date."""
    _check(case, actor, Remark.SUPERVISE)
    case = _written_remark(
        case,
        remark=Remark.SUPERVISE,
        actor=actor,
        version=version,
        note=note,
        missing_note=_("Write what the supervision order asks."),
        data={"respond_by": respond_by.isoformat() if respond_by else None},
    )
    _notify(case, Notification.Kind.SUPERVISION)
    return case


@transaction.atomic
def case_consult(
    *, case: Case, actor: Actor, version: int, note: str, participants: Sequence[Organisation]
) -> Case:
    """会商研判: the record of a consultation on a hard case and who took part."""
    _check(case, actor, Remark.CONSULT)
    return _written_remark(
        case,
        remark=Remark.CONSULT,
        actor=actor,
        version=version,
        note=note,
        missing_note=_("Record what the consultation decided."),
        data={"participants": [o.pk for o in participants]},
    )


@transaction.atomic
def whistle_blow(
    *,
    case: Case,
    actor: Actor,
    version: int,
    departments: Sequence[Organisation],
    note: str,
    response: datetime.timedelta = DEFAULT_WHISTLE_RESPONSE,
) -> Whistle:
    """一键吹哨: summon departments to the case; each answers within ``response``."""
    _check(case, actor, Remark.WHISTLE)
    if not departments:
        raise TransitionRefused(_("Summon at least one department."), "missing_department")
    if any(d.kind not in DEPARTMENT_KINDS for d in departments):
        raise TransitionRefused(_("Only departments are summoned."), "not_a_department")
    if any(not case.grid.path.startswith(d.jurisdiction.path) for d in departments):
        raise TransitionRefused(
            _("Summon departments that serve this grid."), "outside_jurisdiction"
        )
    now = timezone.now()
    whistle = Whistle.objects.create(
        case=case,
        organisation=actor.organisation,
        blown_at=now,
        respond_by=now + response,
        note=note,
    )
    departments = list(dict.fromkeys(departments))
    WhistleCall.objects.bulk_create(WhistleCall(whistle=whistle, department=d) for d in departments)
    _commit(
        case,
        version=version,
        changes={},
        action=Remark.WHISTLE,
        actor=actor,
        at=now,
        note=note,
        data={
            "whistle": whistle.pk,
            "departments": [d.pk for d in departments],
            "respond_by": whistle.respond_by.isoformat(),
        },
    )
    for department in departments:
        _notify(case, Notification.Kind.WHISTLE, organisation=department)
    return whistle


@transaction.atomic
def whistle_respond(
    *, call: WhistleCall, actor: Actor, version: int, arrive_by: datetime.datetime
) -> WhistleCall:
    """一键响应: the department names who comes and by when."""
    case = call.whistle.case
    plan_remark(Remark.RESPOND, case.workflow_status, actor.roles)
    if call.department_id not in actor.organisation_ids:
        raise TransitionRefused(_("Only the summoned department responds."), "not_summoned")
    if call.responded_at is not None:
        raise TransitionRefused(_("The department has already responded."), "already_done")
    now = timezone.now()
    person = getattr(actor.user, "person", None)
    WhistleCall.objects.filter(pk=call.pk).update(
        responded_at=now, responder=person, arrive_by=arrive_by
    )
    _commit(
        case,
        version=version,
        changes={},
        action=Remark.RESPOND,
        actor=actor,
        at=now,
        data={
            "department": call.department_id,
            "whistle": call.whistle_id,
            "arrive_by": arrive_by.isoformat(),
            "late": now > call.whistle.respond_by or None,
        },
    )
    call.refresh_from_db()
    return call


@transaction.atomic
def whistle_rate(*, call: WhistleCall, actor: Actor, version: int, rating: int) -> WhistleCall:
    """一键评价: after closure the grid rates each summoned department, 1 to 5. The event keeps
    no actor, so the department never learns who rated."""
    case = call.whistle.case
    _check(case, actor, Remark.RATE)
    if not 1 <= rating <= 5:
        raise TransitionRefused(_("A rating is from 1 to 5."), "bad_rating")
    if call.rating is not None:
        raise TransitionRefused(_("This department has already been rated."), "already_done")
    now = timezone.now()
    WhistleCall.objects.filter(pk=call.pk).update(rating=rating, rated_at=now)
    _commit(
        case,
        version=version,
        changes={},
        action=Remark.RATE,
        actor=actor,
        at=now,
        data={"department": call.department_id, "whistle": call.whistle_id, "rating": rating},
        anonymous=True,
    )
    call.refresh_from_db()
    return call


def reporter_rating_refused(case: Case) -> TransitionRefused | None:
    """Why the citizen who reported may not rate ``case`` now; None once it is theirs to rate."""
    if case.status not in (Status.CLOSED, Status.EVALUATED):
        return TransitionRefused(_("A case is rated after it is closed."), "not_closed")
    if case.reporter_rating is not None:
        return TransitionRefused(_("This case has been rated already."), "rated")
    return None


@transaction.atomic
def case_rate_by_reporter(*, case: Case, rating: int) -> Case:
    """The citizen who reported rates the result on their tracking page (群众满意率), once, after
    the case is closed; the rating carries no name."""
    if (refused := reporter_rating_refused(case)) is not None:
        raise refused
    if not 1 <= rating <= 5:
        raise TransitionRefused(_("A rating is from 1 to 5."), "bad_rating")
    return _commit(
        case,
        version=case.version,
        changes={"reporter_rating": rating},
        action="reporter_rating",
        actor=SYSTEM_ACTOR,
        at=timezone.now(),
        data={"rating": rating},
        anonymous=True,
    )


def case_remark(
    *,
    case: Case,
    remark: Remark | str,
    actor: Actor,
    version: int,
    note: str = "",
    departments: Sequence[Organisation] = (),
    respond_by: datetime.datetime | None = None,
    response: datetime.timedelta = DEFAULT_WHISTLE_RESPONSE,
    call: WhistleCall | None = None,
    arrive_by: datetime.datetime | None = None,
    rating: int | None = None,
) -> object:
    """Take ``remark`` on ``case`` with the inputs it uses, the others ignored: the one door the
    API and the console share. Raises TransitionRefused or CaseConflict as each remark does."""
    remark = Remark(remark)
    common: dict[str, Any] = {"actor": actor, "version": version}
    if remark == Remark.ESCALATE:
        return case_escalate(case=case, reason=note, **common)
    if remark == Remark.SUPERVISE:
        return case_supervise(case=case, note=note, respond_by=respond_by, **common)
    if remark == Remark.CONSULT:
        return case_consult(case=case, note=note, participants=departments, **common)
    if remark == Remark.WHISTLE:
        return whistle_blow(
            case=case, departments=departments, note=note, response=response, **common
        )
    if call is None or call.whistle.case_id != case.pk:
        raise TransitionRefused(_("Choose a summoned department."), "missing_call")
    if remark == Remark.RESPOND:
        if arrive_by is None:
            raise TransitionRefused(_("Say when you will be on site."), "missing_arrive_by")
        return whistle_respond(call=call, arrive_by=arrive_by, **common)
    return whistle_rate(call=call, rating=rating if rating is not None else 0, **common)
