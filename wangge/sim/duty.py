"""The demo district's forces around the clock: the standard shifts, day, night and rest-day duty
tables for every unit grid, town and department with the people already on them, the members of
each "1+2+N" workstation and "2+X" joint team, an on-call person for every body, and two
checkpoints in each unit.

The tables follow Yingpu's two modes (seed 003): within the eight hours the inspector has the
unit, after them the assistants (社保队员) of the residential and street grids; departments put
their handlers on by day and their enforcement officers by night (8 小时之外七大部门安排工作
人员备勤); "2+X" teams keep order by day and patrol for security by night (Minhang seed 000:
白天，以市容秩序管理为主…夜间，以治安巡逻为主).

The thousands of rows go in a few bulk inserts, built to the services' rules: the demo's tests
check every entry against ``duty_entry_validate``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from shapely.geometry import shape

from wangge.forces.choices import MemberPart
from wangge.forces.models import (
    Checkpoint,
    DutyEntry,
    DutySubstitute,
    Membership,
    OnCall,
    Shift,
)
from wangge.forces.services import shifts_standard
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.models import Grid
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Organisation, Person, RoleAssignment
from wangge.people.services import organisation_create

DAY, NIGHT, REST = "日间", "夜间", "休息日"
TEAM_KINDS = (OrganisationKind.COMMITTEE, OrganisationKind.WORKSTATION)


@dataclass(frozen=True)
class Line:
    """An entry to write: its grid, organisation, shift, and the people in order (on duty,
    then the substitutes)."""

    grid: Grid
    organisation: Organisation
    shift: Shift
    people: tuple[Person, ...]


class _Roles:
    """Who holds which role, by grid and by organisation, read once."""

    def __init__(self) -> None:
        self.on_grid: dict[tuple[int, str], Person] = {}
        self.in_body: dict[tuple[int, str], list[Person]] = defaultdict(list)
        rows = RoleAssignment.objects.select_related("person").order_by("pk")
        for role in rows:
            if role.grid_id is not None:
                self.on_grid.setdefault((role.grid_id, role.role), role.person)
            self.in_body[(role.person.organisation_id, role.role)].append(role.person)

    def first(self, organisation: Organisation, role: str) -> Person:
        return self.in_body[(organisation.pk, role)][0]


def load_duty_tables(
    *,
    centre: Organisation,
    departments: dict[str, Organisation],
    add_person: Callable[[Organisation, str], Person],
    progress: Callable[[str], None],
) -> None:
    """Write the demo's shifts, joint teams, members, duty tables, on-call people and
    checkpoints. ``add_person`` adds someone to an organisation with a role there."""
    shifts = {shift.name: shift for shift in shifts_standard()}
    # A department's single handler by day needs a colleague for the nights.
    night_staff = {
        department.pk: add_person(department, Role.HANDLER) for department in departments.values()
    }
    roles = _Roles()
    lines: list[Line] = []
    members: list[Membership] = []
    on_call: dict[int, Person] = {}

    def table(grid: Grid, body: Organisation, day: list[Person], night: list[Person]) -> None:
        for name, people in ((DAY, day), (NIGHT, night), (REST, night)):
            lines.append(Line(grid, body, shifts[name], tuple(people)))

    district = centre.jurisdiction
    duty_chief = roles.first(centre, Role.DUTY_CHIEF)
    table(district, centre, [roles.first(centre, Role.DISPATCHER), duty_chief], [duty_chief])
    on_call[centre.pk] = duty_chief
    for department in departments.values():
        handler = roles.first(department, Role.HANDLER)
        night = night_staff[department.pk]
        table(district, department, [handler, night], [night, handler])
        on_call[department.pk] = handler

    offices: dict[int, dict[str, Organisation]] = defaultdict(dict)
    office_rows = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT_OFFICE)
    for office in office_rows.select_related("parent", "jurisdiction"):
        assert office.parent is not None
        offices[office.jurisdiction_id][office.parent.short_name] = office
    town_centres = Organisation.objects.filter(kind=OrganisationKind.TOWN_CENTRE).select_related(
        "jurisdiction"
    )
    for town_centre in town_centres:
        town = town_centre.jurisdiction
        dispatcher = roles.first(town_centre, Role.DISPATCHER)
        supervisor = roles.first(town_centre, Role.SUPERVISOR)
        chief = roles.first(town_centre, Role.TOWN_CHIEF)
        table(town, town_centre, [dispatcher, supervisor], [supervisor, chief])
        on_call[town_centre.pk] = chief
        officers = {}
        for short, office in offices[town.pk].items():
            handler = roles.first(office, Role.HANDLER)
            officer = roles.first(office, Role.ENFORCEMENT_OFFICER)
            table(town, office, [handler, officer], [officer, handler])
            on_call[office.pk] = handler
            officers[short] = officer
        police, chengguan, market = (
            officers["公安分局"],
            officers["区城管执法局"],
            officers["区市场监管局"],
        )
        team = organisation_create(
            name=f"{town.name}“2+X”联勤队",
            short_name=f"{town.name}联勤队",
            kind=OrganisationKind.JOINT_TEAM,
            jurisdiction=town,
            parent=town_centre,
        )
        for person, part in (
            (police, MemberPart.ENFORCEMENT),
            (chengguan, MemberPart.ENFORCEMENT),
            (market, MemberPart.OTHER),
        ):
            members.append(Membership(organisation=team, person=person, part=part))
        table(town, team, [chengguan, market], [police, chengguan])
        on_call[team.pk] = police
        for station in Organisation.objects.filter(
            kind__in=TEAM_KINDS, jurisdiction__path__startswith=town.path
        ).select_related("jurisdiction"):
            unit = station.jurisdiction
            inspector = roles.on_grid[(unit.pk, Role.INSPECTOR)]
            assistant = roles.on_grid[(unit.pk, Role.ASSISTANT)]
            grid_chief = roles.on_grid[(unit.pk, Role.GRID_CHIEF)]
            table(unit, station, [inspector, grid_chief], [assistant, inspector])
            on_call[station.pk] = grid_chief
            if unit.kind in (GridKind.RESIDENTIAL, GridKind.VILLAGE):
                # "1+2+N": the community police officer and city management join the committee's
                # workstation, market supervision among the N.
                for person, part in (
                    (police, MemberPart.ENFORCEMENT),
                    (chengguan, MemberPart.ENFORCEMENT),
                    (market, MemberPart.OTHER),
                ):
                    members.append(Membership(organisation=station, person=person, part=part))

    Membership.objects.bulk_create(members)
    entries = DutyEntry.objects.bulk_create(
        DutyEntry(
            grid=line.grid, organisation=line.organisation, shift=line.shift, person=line.people[0]
        )
        for line in lines
    )
    DutySubstitute.objects.bulk_create(
        DutySubstitute(entry=entry, person=person, position=position)
        for entry, line in zip(entries, lines, strict=True)
        for position, person in enumerate(line.people[1:], start=1)
    )
    OnCall.objects.bulk_create(
        OnCall(organisation_id=organisation_id, person=person)
        for organisation_id, person in on_call.items()
    )
    checkpoints = _checkpoints()
    progress(
        f"duty tables: {len(entries)} entries, {len(members)} members, {len(on_call)} on call, "
        f"{checkpoints} checkpoints"
    )


def _checkpoints() -> int:
    """Two checkpoints (定点巡更) in each unit, in its first two blocks."""
    blocks: dict[int, list[Grid]] = defaultdict(list)
    for block in Grid.objects.filter(level=GridLevel.BLOCK).order_by("code"):
        if block.parent_id is not None and len(blocks[block.parent_id]) < 2:
            blocks[block.parent_id].append(block)
    made = Checkpoint.objects.bulk_create(
        Checkpoint(
            grid_id=unit_id,
            name=f"{block.name}巡更点",
            lng=spot.x,
            lat=spot.y,
        )
        for unit_id, unit_blocks in blocks.items()
        for block in unit_blocks
        for spot in [shape(block.geometry).representative_point()]
    )
    return len(made)
