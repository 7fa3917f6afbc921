"""Electronic attendance (电子考勤; Minhang attachment 001: 全区统一建立执法力量进网格电子考勤制度):
people check in and out from the phone, with its GPS position, inside the grid they are assigned
to, and the lateness and absence that follow are reported per person and per department.

A check-in counts for a run of a shift: the one under way, or the next one when it begins within
the hour and the person is on its table (an officer arriving at 08:10 for the day shift). The
grids a person is assigned to are those of their duty table entries for that shift, as on duty
or as a substitute, and of their current roles on grids. A position farther than
``WANGGE_ATTENDANCE_TOLERANCE_M`` from all of them is refused, with the distance.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from wangge.forces.geo import distance_to
from wangge.forces.models import Attendance, DutyEntry, Shift
from wangge.forces.selectors import shift_at, shift_runs
from wangge.forces.shifts import Occurrence
from wangge.grids.models import Grid
from wangge.people.models import Organisation, Person, RoleAssignment
from wangge.people.scope import EVERYTHING, AccessScope, current_roles_q

EARLY = datetime.timedelta(hours=1)
"""How long before a shift begins a check-in counts for it."""


class AttendanceRefused(Exception):
    """A check-in or check-out that is not accepted; nothing is written. ``code`` is stable for
    clients, ``distance_m`` and ``grid`` say how far outside which grid the phone was."""

    def __init__(
        self,
        message: str,
        code: str,
        *,
        distance_m: float | None = None,
        grid: Grid | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.distance_m = distance_m
        self.grid = grid


def _tolerance() -> float:
    return float(settings.WANGGE_ATTENDANCE_TOLERANCE_M)


def _nearest(grids: Iterable[Grid], lng: float, lat: float) -> tuple[Grid, float]:
    measured = [(grid, distance_to(shape(grid.geometry), lng, lat)) for grid in grids]
    return min(measured, key=lambda found: found[1])


def _within(grids: list[Grid], lng: float, lat: float) -> tuple[Grid, float]:
    """The assigned grid the position is in or nearest to, and how far outside it; refused
    beyond the tolerance."""
    if not grids:
        raise AttendanceRefused(_("You are not assigned to any grid."), "no_grid")
    grid, distance = _nearest(grids, lng, lat)
    tolerance = _tolerance()
    if distance > tolerance:
        raise AttendanceRefused(
            _(
                "You are %(distance)d m outside %(grid)s; attendance is taken within "
                "%(tolerance)d m of the grid."
            )
            % {"distance": round(distance), "grid": grid.name, "tolerance": round(tolerance)},
            "outside_grid",
            distance_m=distance,
            grid=grid,
        )
    return grid, distance


def _table_grids(person: Person, shifts: Iterable[Shift]) -> dict[int, list[Grid]]:
    """The grids of the person's entries, as on duty or as a substitute, by shift."""
    entries = (
        DutyEntry.objects.filter(shift__in=list(shifts))
        .filter(Q(person=person) | Q(substitutes__person=person))
        .select_related("grid")
        .distinct()
    )
    grids: dict[int, list[Grid]] = defaultdict(list)
    for entry in entries:
        grids[entry.shift_id].append(entry.grid)
    return grids


def _role_grids(person: Person, day: datetime.date) -> list[Grid]:
    roles = RoleAssignment.objects.filter(
        current_roles_q(day), person=person, grid__isnull=False
    ).select_related("grid")
    return [role.grid for role in roles if role.grid is not None]


def _runs_for_check_in(at: datetime.datetime) -> list[Occurrence[Shift]]:
    runs: list[Occurrence[Shift]] = []
    for moment in (at, at + EARLY):
        run = shift_at(moment)
        if run is not None and all((r.shift, r.day) != (run.shift, run.day) for r in runs):
            runs.append(run)
    return runs


def attendance_check_in(
    *, person: Person, lng: float, lat: float, at: datetime.datetime | None = None
) -> tuple[Attendance, bool]:
    """Check ``person`` in at the WGS-84 position; the attendance, and whether it is new (a
    second check-in for the same run returns the first). AttendanceRefused says why not."""
    at = at or timezone.now()
    runs = _runs_for_check_in(at)
    if not runs:
        raise AttendanceRefused(_("No shift is under way or about to begin."), "no_shift")
    tables = _table_grids(person, [run.shift for run in runs])
    chosen, grids = runs[0], tables.get(runs[0].shift.pk, [])
    for run in runs:
        earlier = Attendance.objects.filter(person=person, shift=run.shift, day=run.day).first()
        if earlier is not None:
            return earlier, False
        if run.shift.pk in tables:
            chosen, grids = run, tables[run.shift.pk]
            break
    grids = grids + _role_grids(person, timezone.localdate(at, timezone.get_default_timezone()))
    grid, distance = _within(grids, lng, lat)
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                person=person,
                shift=chosen.shift,
                day=chosen.day,
                grid=grid,
                checked_in_at=at,
                check_in_lng=lng,
                check_in_lat=lat,
                check_in_distance_m=distance,
            )
    except IntegrityError:
        # The phone sent the check-in twice at once; the other one made it.
        return Attendance.objects.get(person=person, shift=chosen.shift, day=chosen.day), False
    return attendance, True


def attendance_check_out(
    *, person: Person, lng: float, lat: float, at: datetime.datetime | None = None
) -> Attendance:
    """Check ``person`` out of their open attendance at the WGS-84 position, inside its grid; a
    check-out sent again within the hour returns the one made."""
    at = at or timezone.now()
    mine = Attendance.objects.filter(person=person).select_related("grid", "shift")
    open_one = mine.filter(checked_out_at__isnull=True).order_by("-checked_in_at").first()
    if open_one is None:
        done = mine.filter(checked_out_at__gte=at - EARLY).order_by("-checked_out_at").first()
        if done is not None:
            return done
        raise AttendanceRefused(_("You have not checked in."), "not_checked_in")
    _grid, distance = _within([open_one.grid], lng, lat)
    Attendance.objects.filter(pk=open_one.pk, checked_out_at__isnull=True).update(
        checked_out_at=at, check_out_lng=lng, check_out_lat=lat, check_out_distance_m=distance
    )
    open_one.refresh_from_db()
    return open_one


# Reports


@dataclass
class Tally:
    """Runs of shifts over a period: those a person was on the table for (``due``), those they
    checked in to (``attended``, as a substitute too), checked in to after the start (``late``,
    by ``late_minutes`` in all), checked out of before the end (``left_early``), and those on
    the table they never checked in to (``absent``, once the run is over)."""

    due: int = 0
    attended: int = 0
    late: int = 0
    late_minutes: int = 0
    left_early: int = 0
    absent: int = 0

    def add(self, other: Tally) -> None:
        for name in ("due", "attended", "late", "late_minutes", "left_early", "absent"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class PersonLine:
    person: Person
    tally: Tally = field(default_factory=Tally)


@dataclass
class DepartmentLine:
    organisation: Organisation
    people: int = 0
    tally: Tally = field(default_factory=Tally)


@dataclass(frozen=True)
class AttendanceReport:
    first: datetime.date
    last: datetime.date
    people: list[PersonLine]
    departments: list[DepartmentLine]


def attendance_report(
    *,
    first: datetime.date,
    last: datetime.date,
    department: Organisation | None = None,
    scope: AccessScope = EVERYTHING,
    now: datetime.datetime | None = None,
) -> AttendanceReport:
    """Lateness and absence of the people ``scope`` sees (of ``department`` and the bodies under
    it, if given) over the runs of shifts that began from ``first`` to ``last``."""
    now = now or timezone.now()
    people = scope.persons(Person.objects.select_related("organisation"))
    if department is not None:
        people = people.filter(organisation_id__in=_subtree(department))
    people_by_id = {person.pk: person for person in people}
    due_on: dict[int, set[int]] = defaultdict(set)  # shift → people on its table
    for shift_id, person_id in DutyEntry.objects.filter(person_id__in=people_by_id).values_list(
        "shift_id", "person_id"
    ):
        due_on[shift_id].add(person_id)
    runs = [run for run in shift_runs(first, last) if run.starts_at <= now]
    run_of = {(run.shift.pk, run.day): run for run in runs}
    attended = {
        (a.person_id, a.shift_id, a.day): a
        for a in Attendance.objects.filter(
            person_id__in=people_by_id, day__gte=first, day__lte=last
        )
        if (a.shift_id, a.day) in run_of
    }
    tallies: dict[int, Tally] = defaultdict(Tally)
    for (person_id, shift_id, day), attendance in attended.items():
        _count(tallies[person_id], run_of[(shift_id, day)], attendance)
    for run in runs:
        for person_id in due_on.get(run.shift.pk, ()):
            if (person_id, run.shift.pk, run.day) in attended:
                tallies[person_id].due += 1
            elif run.ends_at <= now:
                tallies[person_id].due += 1
                tallies[person_id].absent += 1
    lines = sorted(
        (PersonLine(people_by_id[person_id], tally) for person_id, tally in tallies.items()),
        key=lambda line: (line.person.organisation.name, line.person.name, line.person.pk),
    )
    departments: dict[int, DepartmentLine] = {}
    for line in lines:
        organisation = line.person.organisation
        summary = departments.setdefault(organisation.pk, DepartmentLine(organisation))
        summary.people += 1
        summary.tally.add(line.tally)
    return AttendanceReport(first, last, lines, list(departments.values()))


def _count(tally: Tally, run: Occurrence[Shift], attendance: Attendance) -> None:
    tally.attended += 1
    if attendance.checked_in_at > run.starts_at:
        tally.late += 1
        tally.late_minutes += int((attendance.checked_in_at - run.starts_at).total_seconds() // 60)
    if attendance.checked_out_at is not None and attendance.checked_out_at < run.ends_at:
        tally.left_early += 1


def _subtree(organisation: Organisation) -> set[int]:
    """The organisation and the bodies under it (a department and its town offices)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Organisation.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found, todo = set(), [organisation.pk]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children[pk])
    return found
