"""What one case adds to the rollups, from its events alone. No database here: the caller gives
the events (in order) and the few facts of the case that never change after the report, and gets
counters on rollup keys. The incremental rollups add ``delta(before, after)`` whenever an event is
written; ``wangge kpi rebuild`` adds the contribution of every case's whole history. Both go
through :func:`contribution`, which is why they agree. ``docs/kpis.md`` says what each counter
means and why it is placed on the day it is.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils import timezone

# Events that register a case: the only ones whose delta depends on ``CaseInfo.in_task_list``.
REGISTERING_ACTIONS = frozenset({"register", "fix_on_spot"})
# Events that never change what a case contributes: the report (no case counts before it is
# registered, rejected or merged) and the remarks that only press or record. Their writers skip
# the rollups altogether; the tests check on random histories that the skip loses nothing.
NEUTRAL_ACTIONS = frozenset({"report", "escalate", "supervise", "consult"})

CLOSED_STATUSES = frozenset({"closed", "evaluated"})
# A callback of 3 or more says the problem is solved (实际解决); 4 or more, satisfied (满意).
RESOLVED_FROM = 3
SATISFIED_FROM = 4


@dataclass(frozen=True)
class Event:
    """What the fold reads of one ``CaseEvent``."""

    action: str
    to_status: str
    at: datetime.datetime
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseInfo:
    """What a case's counters are keyed by, fixed at its report: its grid, sub-class, channel
    and reporter (0 when none); whether grid forces found it (先行发现) and whether, if not, its
    sub-class is on its unit's task list."""

    grid_id: int
    category_id: int
    channel: str
    reporter_id: int
    proactive: bool
    in_task_list: bool


class Key(NamedTuple):
    """A rollup key: the day, where, what, how found, which department, whose find."""

    day: datetime.date
    grid_id: int
    category_id: int
    channel: str
    department_id: int
    person_id: int


@dataclass
class Call:
    """A department summoned by a whistle, as the events tell it."""

    whistle: int | None
    department: int
    blown_at: datetime.datetime
    responded_at: datetime.datetime | None = None
    late: bool = False
    rating: int | None = None


@dataclass
class History:
    """A case's events, folded: what the counters need."""

    status: str = ""
    reported_at: datetime.datetime | None = None
    registered_at: datetime.datetime | None = None
    rejected_at: datetime.datetime | None = None
    merged_at: datetime.datetime | None = None
    closed_at: datetime.datetime | None = None
    first_red_at: datetime.datetime | None = None
    department: int = 0
    due_by: datetime.datetime | None = None
    last_handling: str = ""
    reworks: list[tuple[datetime.datetime, int]] = field(default_factory=list)
    returns: list[tuple[datetime.datetime, int]] = field(default_factory=list)
    off_clock_since: datetime.datetime | None = None
    off_clock_seconds: float = 0.0
    callback: int | None = None
    reporter_rating: int | None = None
    calls: list[Call] = field(default_factory=list)


def _when(value: Any) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _call(history: History, data: Mapping[str, Any], *, open_for: str) -> Call | None:
    """The summoned department's call an answer, a lateness or a rating is about: the named
    whistle's, else the department's earliest call still waiting for it."""
    department = data.get("department")
    for call in history.calls:
        if call.department != department:
            continue
        if data.get("whistle") is not None and call.whistle != data["whistle"]:
            continue
        waiting = {
            "respond": call.responded_at is None,
            "late": call.responded_at is None and not call.late,
            "rate": call.rating is None,
        }[open_for]
        if waiting:
            return call
    return None


def _off_clock(history: History, at: datetime.datetime) -> None:
    if history.off_clock_since is not None:
        history.off_clock_seconds += (at - history.off_clock_since).total_seconds()
        history.off_clock_since = None


def fold(events: Iterable[Event]) -> History:
    """The history of a case from its events, in order."""
    history = History()
    for event in events:
        apply(history, event)
    return history


def apply(history: History, event: Event) -> None:
    """Fold one more event into ``history``."""
    action, at, data = event.action, event.at, event.data
    history.status = event.to_status
    if action == "report":
        history.reported_at = at
    elif action in ("register", "fix_on_spot") and history.registered_at is None:
        history.registered_at = at
    elif action == "reject":
        history.rejected_at = at
    elif action == "merge":
        history.merged_at = at
    elif action == "dispatch":
        history.department = int(data["department"])
    elif action == "return":
        history.returns.append((at, history.department))
    elif action == "rework":
        # Back to the department that handled it, or back to the grid's self-governance.
        history.reworks.append((at, history.department if event.to_status == "accepted" else 0))
    elif action == "verify":
        history.closed_at = at
    elif action == "evaluate":
        history.callback = int(data["rating"])
    elif action == "reporter_rating":
        history.reporter_rating = int(data["rating"])
    elif action in ("suspend", "track_chronic"):
        history.off_clock_since = at
    elif action in ("resume", "untrack_chronic"):
        _off_clock(history, at)
    elif action == "red_light" and history.first_red_at is None:
        history.first_red_at = at
    elif action == "whistle":
        history.calls.extend(
            Call(data.get("whistle"), int(department), at) for department in data["departments"]
        )
    elif action == "respond" and (call := _call(history, data, open_for="respond")):
        call.responded_at = at
        call.late = call.late or bool(data.get("late"))
    elif action == "whistle_late" and (call := _call(history, data, open_for="late")):
        call.late = True
    elif action == "rate" and (call := _call(history, data, open_for="rate")):
        call.rating = int(data["rating"])
    if action in ("fix_on_spot", "resolve_front_end", "handle"):
        history.last_handling = action
    if data.get("due_by") and history.closed_at is None:
        history.due_by = _when(data["due_by"])


def _seconds(start: datetime.datetime, end: datetime.datetime) -> int:
    return int((end - start).total_seconds())


def contribution(info: CaseInfo, history: History) -> dict[Key, Counter[str]]:
    """The counters this case adds, on the keys they are added to."""
    added: dict[Key, Counter[str]] = defaultdict(Counter)
    # The deployment's days, whatever zone a request has activated (docs/kpis.md: "Days").
    zone = timezone.get_default_timezone()

    def add(at: datetime.datetime, department: int, **counters: int) -> None:
        key = Key(
            at.astimezone(zone).date(),
            info.grid_id,
            info.category_id,
            info.channel,
            department,
            info.reporter_id,
        )
        added[key].update(counters)

    # Discovery is the grid's business, not a department's: those counters have no department,
    # and so stay on one key from registration on (only the registering event reads the task
    # list, see ``rollups``).
    if history.rejected_at is not None:
        add(history.rejected_at, 0, rejected=1)
    if history.merged_at is not None:
        add(history.merged_at, 0, merged=1)
    department = history.department
    registered = history.registered_at
    if registered is not None and history.reported_at is not None:
        if info.proactive:
            add(history.reported_at, 0, found_proactive=1)
        elif info.in_task_list:
            add(history.reported_at, 0, found_complaint=1)
        closed = history.closed_at
        add(
            registered,
            department,
            registered=1,
            chronic=int(history.status == "chronic"),
            registered_closed=int(history.status in CLOSED_STATUSES),
            acceptance_seconds=_seconds(history.reported_at, registered),
        )
        if closed is not None:
            rating = (
                history.reporter_rating if history.reporter_rating is not None else history.callback
            )
            add(
                closed,
                department,
                closed=1,
                closed_on_time=int(history.due_by is None or closed <= history.due_by),
                closed_front_end=int(history.last_handling in ("fix_on_spot", "resolve_front_end")),
                closed_reworked=int(bool(history.reworks)),
                handling_seconds=_seconds(registered, closed) - int(history.off_clock_seconds),
                callbacks=int(history.callback is not None),
                callbacks_resolved=int((history.callback or 0) >= RESOLVED_FROM),
                ratings=int(rating is not None),
                ratings_satisfied=int((rating or 0) >= SATISFIED_FROM),
            )
    if history.first_red_at is not None:
        add(history.first_red_at, department, overdue=1)
    for at, held_by in history.reworks:
        add(at, held_by, reworks=1)
    for at, held_by in history.returns:
        add(at, held_by, returns=1)
    for call in history.calls:
        add(
            call.blown_at,
            call.department,
            whistle_calls=1,
            whistle_responses=int(call.responded_at is not None),
            whistle_response_seconds=(
                _seconds(call.blown_at, call.responded_at) if call.responded_at else 0
            ),
            whistle_late=int(call.late),
            whistle_ratings=int(call.rating is not None),
            whistle_rating_sum=call.rating or 0,
        )
    return {key: counters for key, counters in added.items()}


def delta(
    before: Mapping[Key, Counter[str]], after: Mapping[Key, Counter[str]]
) -> dict[Key, dict[str, int]]:
    """after − before, without the keys and counters that do not change."""
    changes: dict[Key, dict[str, int]] = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key, Counter()), after.get(key, Counter())
        diff = {name: new[name] - old[name] for name in old.keys() | new.keys()}
        diff = {name: value for name, value in diff.items() if value}
        if diff:
            changes[key] = diff
    return changes


def event_delta(info: CaseInfo, events: Sequence[Event]) -> dict[Key, dict[str, int]]:
    """What the last of ``events`` changes in the case's contribution."""
    before = contribution(info, fold(events[:-1]))
    return delta(before, contribution(info, fold(events)))
