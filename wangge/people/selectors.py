"""Reads of people and organisations that several callers share."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from wangge.grids.choices import GridLevel
from wangge.grids.models import Grid
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Organisation, Person, RoleAssignment
from wangge.people.scope import current_roles_q

BOARD_ROLES: tuple[str, ...] = (
    Role.GRID_CHIEF,
    Role.STATION_CHIEF,
    Role.DEPUTY_CHIEF,
    Role.ENFORCEMENT_OFFICER,
    Role.INSPECTOR,
    Role.SUPERVISOR,
    Role.BLOCK_CHIEF,
    Role.ASSISTANT,
    Role.THREE_HEADS,
    Role.PROPERTY_GUARD,
    Role.VOLUNTEER,
)
"""Who a grid board shows, in the order the board lists them. Minhang's board (seed 001:
组织架构) names the station chief, the deputies, the enforcement officers embedded in the grid
(城管队员等执法力量, also seed 000: 执法下沉人员), the block chiefs and the assistants; the
inspectors and volunteers who patrol the grid belong beside them. An enforcement officer appears
only when assigned to the grid itself, not to a whole town."""

CONTACT_KINDS = (
    OrganisationKind.WORKSTATION,
    OrganisationKind.COMMITTEE,
    OrganisationKind.TOWN_CENTRE,
    OrganisationKind.DISTRICT_CENTRE,
)
"""The bodies whose phone a board gives for reports (seed 001: 举报奖励事项和联系方式): the
grid's own workstation or committee, then the operations centres above it."""


@dataclass
class BoardMember:
    """One person in one role on a grid board, with the grids of that role (a block chief may
    hold two blocks)."""

    person: Person
    role: str
    grids: list[Grid] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def grid_board_people(grid: Grid) -> list[BoardMember]:
    """The people of a unit's or a block's board: those in a board role, today, on the grid,
    on the grids under it, or on the unit above it (a block's board shows the unit's chiefs,
    who answer for the block too). Two queries whatever the size of the grid."""
    # The path holds one code per level from the district down.
    unit_codes = [
        code for level, code in enumerate(grid.ancestor_codes, start=1) if level >= GridLevel.UNIT
    ]
    rows = (
        RoleAssignment.objects.filter(current_roles_q(), role__in=BOARD_ROLES)
        .filter(Q(grid__path__startswith=grid.path) | Q(grid__code__in=unit_codes))
        .filter(person__is_active=True, person__organisation__is_active=True)
        .select_related("person", "grid")
        .order_by("grid__path", "person__name", "pk")
    )
    members: dict[tuple[int, str], BoardMember] = {}
    for row in rows:
        assert row.grid is not None  # board roles sit on a grid
        member = members.setdefault(
            (row.person_id, row.role), BoardMember(person=row.person, role=row.role)
        )
        member.grids.append(row.grid)
    order = {role: position for position, role in enumerate(BOARD_ROLES)}
    return sorted(members.values(), key=lambda m: (order[m.role], m.grids[0].path, m.person.name))


def grid_board_person(grid: Grid, person_id: int) -> Person | None:
    """The person if they are on the grid's board today, else None: what may be shown of them
    to anyone who reads the board."""
    for member in grid_board_people(grid):
        if member.person.pk == person_id:
            return member.person
    return None


def grid_board_contacts(grid: Grid) -> list[Organisation]:
    """Phones to report to: the active workstations, committees and centres answering for the
    grid or a grid above it that have a phone, nearest first."""
    return list(
        Organisation.objects.filter(
            kind__in=CONTACT_KINDS,
            is_active=True,
            jurisdiction__code__in=[*grid.ancestor_codes, grid.code],
        )
        .exclude(phone="")
        .order_by("-jurisdiction__level", "name")
    )
