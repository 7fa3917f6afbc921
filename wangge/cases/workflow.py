"""The case workflow as a table: which action moves a case from which status to which, who may
take it, and what must hold. No database here: the services give it the facts of a case and an
actor, it answers the step to take or why not, and only then does anything get written.

The steps follow the seeds: Jing'an's six-step process (002: 巡查发现, 受理登记, 分办协调,
督办推进, 结案复核, 评价考核), Minhang's "前端自治+后端共治" for residential grids (000: 1–3 days
of self-governance, then enforcement within 4 days), returns of wrong dispatches (退单), rework
(返工), on-the-spot fixes by patrols, chronic problems under district tracking (顽症), and
smart-scene detections registered and dispatched by the system (Yingpu 003: 智能化自动派单).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.people.choices import Role


class Status(enum.StrEnum):
    REPORTED = "reported"  # 上报: waits for registration
    SELF_GOVERNANCE = "self_governance"  # 前端自治: the residential grid handles it first
    REGISTERED = "registered"  # 立案: waits for dispatch
    DISPATCHED = "dispatched"  # 派遣: waits for the department to accept
    ACCEPTED = "accepted"  # 接单: the department is on it
    ON_SITE = "on_site"  # 到场
    HANDLED = "handled"  # 处置完毕: waits for verification by someone else
    RETURNED = "returned"  # 退单: back with the dispatcher, with a reason
    CLOSED = "closed"  # 结案: verified
    EVALUATED = "evaluated"  # 回访评价: rated by the citizen or the centre
    REJECTED = "rejected"  # 不予立案
    MERGED = "merged"  # duplicate of another case
    CHRONIC = "chronic"  # 顽症: under long-term district tracking, off the ordinary clock
    SUSPENDED = "suspended"  # 挂起: on hold, with a reason

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def is_open(self) -> bool:
        """Open cases are on a clock; Open311 maps the rest to "closed"."""
        return self in OPEN


STATUS_LABELS = {
    Status.REPORTED: _("Reported"),
    Status.SELF_GOVERNANCE: _("Self-governance"),
    Status.REGISTERED: _("Registered"),
    Status.DISPATCHED: _("Dispatched"),
    Status.ACCEPTED: _("Accepted"),
    Status.ON_SITE: _("On site"),
    Status.HANDLED: _("Handled"),
    Status.RETURNED: _("Returned"),
    Status.CLOSED: _("Closed"),
    Status.EVALUATED: _("Evaluated"),
    Status.REJECTED: _("Rejected"),
    Status.MERGED: _("Merged"),
    Status.CHRONIC: _("Chronic problem"),
    Status.SUSPENDED: _("Suspended"),
}
TERMINAL = frozenset({Status.EVALUATED, Status.REJECTED, Status.MERGED})
OPEN = frozenset(set(Status) - TERMINAL - {Status.CLOSED, Status.CHRONIC, Status.SUSPENDED})
SUSPENDABLE = frozenset(
    {
        Status.SELF_GOVERNANCE,
        Status.REGISTERED,
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.ON_SITE,
        Status.RETURNED,
    }
)


class Action(enum.StrEnum):
    REGISTER = "register"
    REJECT = "reject"
    MERGE = "merge"
    FIX_ON_SPOT = "fix_on_spot"
    RESOLVE_FRONT_END = "resolve_front_end"
    HAND_TO_ENFORCEMENT = "hand_to_enforcement"
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    RETURN = "return"
    ARRIVE = "arrive"
    HANDLE = "handle"
    VERIFY = "verify"
    REWORK = "rework"
    EVALUATE = "evaluate"
    TRACK_CHRONIC = "track_chronic"
    UNTRACK_CHRONIC = "untrack_chronic"
    SUSPEND = "suspend"
    RESUME = "resume"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])


ACTION_LABELS = {
    Action.REGISTER: _("Register"),
    Action.REJECT: _("Reject"),
    Action.MERGE: _("Merge as duplicate"),
    Action.FIX_ON_SPOT: _("Fixed on the spot"),
    Action.RESOLVE_FRONT_END: _("Resolved by self-governance"),
    Action.HAND_TO_ENFORCEMENT: _("Hand to enforcement"),
    Action.DISPATCH: _("Dispatch"),
    Action.ACCEPT: _("Accept"),
    Action.RETURN: _("Return as wrongly dispatched"),
    Action.ARRIVE: _("Arrived on site"),
    Action.HANDLE: _("Report the result"),
    Action.VERIFY: _("Verify and close"),
    Action.REWORK: _("Send back for rework"),
    Action.EVALUATE: _("Record the callback"),
    Action.TRACK_CHRONIC: _("Track as a chronic problem"),
    Action.UNTRACK_CHRONIC: _("End chronic tracking"),
    Action.SUSPEND: _("Suspend"),
    Action.RESUME: _("Resume"),
}

# Who acts, by role (the values of people.choices.Role). SYSTEM is the worker's own hand.
SYSTEM = "system"
CENTRE = frozenset({"dispatcher", "duty_chief", "administrator"})
GRID_FORCES = frozenset(
    {"grid_chief", "deputy_chief", "station_chief", "block_chief", "inspector", "assistant"}
)
GRID_CHIEFS = frozenset({"grid_chief", "deputy_chief", "station_chief", "area_chief", "town_chief"})
HANDLERS = frozenset({"handler", "enforcement_officer"})
VERIFIERS = CENTRE | frozenset({"supervisor", "inspector", "grid_chief", "station_chief"})
DISTRICT_LEADS = CENTRE | frozenset({"leader"})


class Need(enum.StrEnum):
    """What an action must carry besides the actor."""

    REASON = "reason"
    DEPARTMENT = "department"
    DUPLICATE_OF = "duplicate_of"
    EVIDENCE = "evidence"
    RATING = "rating"


NEED_LABELS = {
    Need.REASON: _("reason"),
    Need.DEPARTMENT: _("department"),
    Need.DUPLICATE_OF: _("original case"),
    Need.EVIDENCE: _("photo or note"),
    Need.RATING: _("rating"),
}
# Between names in a list: "、" in Chinese.
SEPARATOR = _(", ")


@dataclass(frozen=True)
class Facts:
    """What the table needs to know of a case, an actor and what the actor brings."""

    status: Status
    roles: frozenset[str]
    actor_id: int | None = None
    actor_in_holder: bool = False  # the actor belongs to the organisation holding the case
    actor_is_district: bool = False  # the actor's role sits at district level
    front_end_eligible: bool = False  # a residential or village unit's non-urgent case
    dispatched: bool = False  # a department holds the case
    handler_id: int | None = None  # who reported the result
    reporter_id: int | None = None
    status_before_suspension: Status | None = None
    # A smart-scene detection of a sub-class the district dispatches automatically.
    auto_dispatch: bool = False
    brings: frozenset[Need] = frozenset()


Guard = Callable[[Facts], str | None]


def _front_end(facts: Facts) -> str | None:
    return None if facts.front_end_eligible else "only residential and village grids self-govern"


def _back_end(facts: Facts) -> str | None:
    return (
        None if not facts.front_end_eligible else gettext("A residential grid self-governs first.")
    )


def _automatic(facts: Facts) -> str | None:
    # People register and dispatch as the other guards allow; the system only what a detection
    # system found in a sub-class the district switched on.
    if SYSTEM not in facts.roles or facts.auto_dispatch:
        return None
    return gettext(
        "The system registers and dispatches only smart-scene detections of chosen sub-classes."
    )


def _holder(facts: Facts) -> str | None:
    if SYSTEM in facts.roles or facts.actor_in_holder:
        return None
    return gettext("Only the organisation holding the case acts on it.")


def _not_handler(facts: Facts) -> str | None:
    # Minhang 001 and Jing'an 002: closure is verified by a person other than the one who
    # handled; never by the system.
    if facts.actor_id is None:
        return gettext("A case is verified by a person.")
    if facts.actor_id == facts.handler_id:
        return gettext("The one who handled a case cannot verify it.")
    return None


def _the_reporter(facts: Facts) -> str | None:
    if facts.actor_id is not None and facts.actor_id == facts.reporter_id:
        return None
    return gettext("Only the patrol that found the problem fixes it on the spot.")


def _district(facts: Facts) -> str | None:
    if facts.actor_is_district or SYSTEM in facts.roles:
        return None
    return gettext("Chronic problems are tracked by the district.")


def _with_department(facts: Facts) -> str | None:
    return None if facts.dispatched else gettext("The case was never dispatched to a department.")


def _without_department(facts: Facts) -> str | None:
    return None if not facts.dispatched else gettext("A department holds the case.")


def _was(status: Status) -> Guard:
    def guard(facts: Facts) -> str | None:
        if facts.status_before_suspension == status:
            return None
        return gettext("The case was not %(status)s before it was suspended.") % {
            "status": STATUS_LABELS[status]
        }

    return guard


@dataclass(frozen=True)
class Transition:
    action: Action
    source: Status
    target: Status
    roles: frozenset[str]
    needs: frozenset[Need] = frozenset()
    guards: tuple[Guard, ...] = ()


def _t(
    action: Action,
    sources: Status | frozenset[Status] | set[Status],
    target: Status,
    roles: frozenset[str],
    needs: tuple[Need, ...] = (),
    guards: tuple[Guard, ...] = (),
) -> list[Transition]:
    sources = {sources} if isinstance(sources, Status) else sources
    return [
        Transition(action, source, target, roles, frozenset(needs), guards)
        for source in sorted(sources)
    ]


S = Status
A = Action
# Yingpu seed 003 (逐步实现智能化自动派单): a smart-scene detection of a sub-class the district
# switched on is registered and dispatched by the system, through the same rows as a dispatcher's
# and so with the same guards: a residential grid's case still goes to self-governance first. A
# case a department returned waits for a person.
TABLE: tuple[Transition, ...] = tuple(
    _t(
        A.REGISTER,
        S.REPORTED,
        S.SELF_GOVERNANCE,
        CENTRE | GRID_CHIEFS | {SYSTEM},
        guards=(_front_end, _automatic),
    )
    + _t(A.REGISTER, S.REPORTED, S.REGISTERED, CENTRE | {SYSTEM}, guards=(_back_end, _automatic))
    + _t(A.REJECT, S.REPORTED, S.REJECTED, CENTRE, (Need.REASON,))
    + _t(A.MERGE, S.REPORTED, S.MERGED, CENTRE, (Need.DUPLICATE_OF,))
    # Registered and handled in one step; someone else still verifies before it closes.
    + _t(A.FIX_ON_SPOT, S.REPORTED, S.HANDLED, GRID_FORCES, (Need.EVIDENCE,), (_the_reporter,))
    + _t(
        A.RESOLVE_FRONT_END,
        S.SELF_GOVERNANCE,
        S.HANDLED,
        GRID_FORCES | GRID_CHIEFS,
        (Need.EVIDENCE,),
    )
    + _t(
        # The worker hands over self-governance that ran out (Minhang seed 000).
        A.HAND_TO_ENFORCEMENT,
        S.SELF_GOVERNANCE,
        S.REGISTERED,
        GRID_CHIEFS | CENTRE | {SYSTEM},
        (Need.REASON,),
    )
    + _t(
        A.DISPATCH,
        S.REGISTERED,
        S.DISPATCHED,
        CENTRE | {SYSTEM},
        (Need.DEPARTMENT,),
        (_automatic,),
    )
    + _t(A.DISPATCH, S.RETURNED, S.DISPATCHED, CENTRE, (Need.DEPARTMENT,))
    + _t(A.ACCEPT, S.DISPATCHED, S.ACCEPTED, HANDLERS, guards=(_holder,))
    + _t(A.RETURN, {S.DISPATCHED, S.ACCEPTED}, S.RETURNED, HANDLERS, (Need.REASON,), (_holder,))
    + _t(A.ARRIVE, S.ACCEPTED, S.ON_SITE, HANDLERS, guards=(_holder,))
    + _t(A.HANDLE, {S.ACCEPTED, S.ON_SITE}, S.HANDLED, HANDLERS, (Need.EVIDENCE,), (_holder,))
    + _t(A.VERIFY, S.HANDLED, S.CLOSED, VERIFIERS, guards=(_not_handler,))
    + _t(A.REWORK, S.HANDLED, S.ACCEPTED, VERIFIERS, (Need.REASON,), (_with_department,))
    + _t(A.REWORK, S.HANDLED, S.SELF_GOVERNANCE, VERIFIERS, (Need.REASON,), (_without_department,))
    + _t(A.EVALUATE, S.CLOSED, S.EVALUATED, CENTRE, (Need.RATING,))
    + _t(
        A.TRACK_CHRONIC,
        {S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.ON_SITE, S.RETURNED},
        S.CHRONIC,
        DISTRICT_LEADS,
        (Need.REASON,),
        (_district,),
    )
    + _t(A.UNTRACK_CHRONIC, S.CHRONIC, S.REGISTERED, DISTRICT_LEADS, (Need.REASON,), (_district,))
    + _t(A.SUSPEND, SUSPENDABLE, S.SUSPENDED, CENTRE, (Need.REASON,))
    + [
        row
        for status in sorted(SUSPENDABLE)
        for row in _t(A.RESUME, S.SUSPENDED, status, CENTRE, guards=(_was(status),))
    ]
)


# What each action asks to be brought (a form shows these fields; a step refuses the others).
NEEDS: dict[Action, frozenset[Need]] = {
    action: frozenset(need for row in TABLE if row.action == action for need in row.needs)
    for action in Action
}


class TransitionRefused(Exception):
    """Why an action cannot be taken now; nothing has been written."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class Step:
    transition: Transition

    @property
    def target(self) -> Status:
        return self.transition.target


_BY_ACTION_SOURCE: dict[tuple[Action, Status], list[Transition]] = {}
for _row in TABLE:
    _BY_ACTION_SOURCE.setdefault((_row.action, _row.source), []).append(_row)


def plan(action: Action, facts: Facts) -> Step:
    """The step ``action`` takes for these facts, or TransitionRefused saying why not."""
    row = _transition(action, facts)
    missing = row.needs - facts.brings
    if missing:
        raise TransitionRefused(
            gettext("%(action)s needs %(needs)s.")
            % {"action": ACTION_LABELS[action], "needs": _named(missing)},
            "missing_" + sorted(missing)[0].value,
        )
    # A department, a rating or a reason given to a step that has no use for it would be
    # silently dropped, and the caller misled about what happened; evidence fits any step.
    unused = facts.brings - row.needs - {Need.EVIDENCE}
    if unused:
        raise TransitionRefused(
            gettext("%(action)s takes no %(needs)s.")
            % {"action": ACTION_LABELS[action], "needs": _named(unused)},
            "unexpected_" + sorted(unused)[0].value,
        )
    return Step(row)


def _named(needs: frozenset[Need]) -> str:
    return str(SEPARATOR).join(str(NEED_LABELS[need]) for need in sorted(needs))


def _roles_refusal(step: Promise, roles: frozenset[str]) -> str:
    named = str(SEPARATOR).join(str(Role(role).label) for role in sorted(roles - {SYSTEM}))
    return gettext("%(step)s is for: %(roles)s.") % {"step": step, "roles": named}


def _status_refusal(step: Promise, status: Status) -> str:
    return gettext("%(step)s is not possible while the case is %(status)s.") % {
        "step": step,
        # Mid-sentence in English; Chinese has no case to lower.
        "status": str(STATUS_LABELS[status]).lower(),
    }


def _transition(action: Action, facts: Facts) -> Transition:
    """The row of the table for this action, status, role and guards, whatever is brought."""
    rows = _BY_ACTION_SOURCE.get((action, facts.status))
    if not rows:
        raise TransitionRefused(
            _status_refusal(ACTION_LABELS[action], facts.status), "illegal_transition"
        )
    refusals: list[str] = []
    guarded = False
    for row in rows:
        if not (row.roles & facts.roles):
            refusals.append(_roles_refusal(ACTION_LABELS[action], row.roles))
            continue
        failed = next((reason for guard in row.guards if (reason := guard(facts))), None)
        if failed:
            refusals.append(str(failed))
            guarded = True
            continue
        return row
    raise TransitionRefused(
        " ".join(dict.fromkeys(refusals)), "guard" if guarded else "forbidden_role"
    )


class Remark(enum.StrEnum):
    """Steps that leave the status where it is but still change the case and write an event."""

    ESCALATE = "escalate"  # on request, one level up the ladder
    SUPERVISE = "supervise"  # 督办: a centre presses the holder
    CONSULT = "consult"  # 会商研判: a record of a consultation on a hard case
    WHISTLE = "whistle"  # 吹哨: the grid summons departments
    RESPOND = "respond"  # 响应: a summoned department answers
    RATE = "rate"  # 评价: the grid rates a summoned department, after closure

    @property
    def label(self) -> str:
        return str(REMARK_LABELS[self])


REMARK_LABELS = {
    Remark.ESCALATE: _("Escalate"),
    Remark.SUPERVISE: _("Supervision order"),
    Remark.CONSULT: _("Consultation"),
    Remark.WHISTLE: _("Blow the whistle"),
    Remark.RESPOND: _("Respond to the whistle"),
    Remark.RATE: _("Rate a department"),
}
ON_THE_CLOCK = frozenset(OPEN - {Status.REPORTED})


@dataclass(frozen=True)
class RemarkRule:
    roles: frozenset[str]
    statuses: frozenset[Status]


# Seeds: escalation unit → area → town → district (004); 督办 by the centres (002);
# 会商研判 on hard cases (002, 003); 一键吹哨 / 一键响应 / 一键评价 (004).
REMARKS: dict[Remark, RemarkRule] = {
    Remark.ESCALATE: RemarkRule(GRID_CHIEFS | CENTRE | {SYSTEM}, ON_THE_CLOCK),
    Remark.SUPERVISE: RemarkRule(DISTRICT_LEADS | {"supervisor"}, ON_THE_CLOCK | {Status.CHRONIC}),
    Remark.CONSULT: RemarkRule(
        DISTRICT_LEADS | GRID_CHIEFS, ON_THE_CLOCK | {Status.CHRONIC, Status.SUSPENDED}
    ),
    Remark.WHISTLE: RemarkRule(GRID_CHIEFS | CENTRE, ON_THE_CLOCK),
    Remark.RESPOND: RemarkRule(HANDLERS | {SYSTEM}, ON_THE_CLOCK | {Status.HANDLED}),
    Remark.RATE: RemarkRule(GRID_CHIEFS | CENTRE, frozenset({Status.CLOSED, Status.EVALUATED})),
}


def plan_remark(remark: Remark, status: Status, roles: frozenset[str]) -> None:
    """Nothing, or TransitionRefused saying why ``remark`` is not possible now."""
    rule = REMARKS[remark]
    if status not in rule.statuses:
        raise TransitionRefused(
            _status_refusal(REMARK_LABELS[remark], status), "illegal_transition"
        )
    if not rule.roles & roles:
        raise TransitionRefused(_roles_refusal(REMARK_LABELS[remark], rule.roles), "forbidden_role")


def allowed_actions(facts: Facts) -> list[Action]:
    """The actions this actor may take on this case now, whatever they would need to bring."""
    allowed = []
    for action in Action:
        try:
            _transition(action, facts)
        except TransitionRefused:
            continue
        allowed.append(action)
    return allowed
