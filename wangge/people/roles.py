"""Facts about roles and organisation kinds that the access scope and the services share.

Kept beside ``choices.py`` rather than in it so that a change of policy (which roles need a grid)
is not a change of the choices that migrations record."""

from __future__ import annotations

from wangge.grids.choices import GridLevel
from wangge.people.choices import OrganisationKind, Role

GRID_ROLES: frozenset[str] = frozenset(
    {
        Role.TOWN_CHIEF,
        Role.AREA_CHIEF,
        Role.GRID_CHIEF,
        Role.DEPUTY_CHIEF,
        Role.STATION_CHIEF,
        Role.BLOCK_CHIEF,
        Role.INSPECTOR,
        Role.SUPERVISOR,
        Role.ASSISTANT,
        Role.THREE_HEADS,
        Role.PROPERTY_GUARD,
        Role.VOLUNTEER,
    }
)
"""Roles that only make sense on a particular grid: the people the grid board shows. The others
(administrator, leader, dispatcher, duty chief, handler, enforcement officer) may name a grid, and
otherwise act over their organisation's jurisdiction."""

ROLE_LEVELS: dict[str, GridLevel] = {
    Role.TOWN_CHIEF: GridLevel.TOWN,
    Role.AREA_CHIEF: GridLevel.AREA,
    Role.BLOCK_CHIEF: GridLevel.BLOCK,
}
"""Roles named after a level sit on a grid of that level (Jiading seed 004: unit self-governance
→ area co-governance → town chief; 块长 of a block). Grid chiefs are left free: Yingpu (seed 003)
puts them on responsibility areas, Minhang (seed 000) on unit grids."""

LINE_KINDS: frozenset[str] = frozenset(
    {
        OrganisationKind.DEPARTMENT,
        OrganisationKind.DEPARTMENT_OFFICE,
        OrganisationKind.UTILITY,
        OrganisationKind.PROPERTY_MANAGER,
    }
)
"""Bodies that answer for their own line of work rather than for a territory. Their staff see the
grids of their jurisdiction (to find the cases sent to them) but only their own organisation's
people: a 城管 handler has no business reading 市场监管's roster. A role on a grid lifts that."""

TERRITORIAL_KINDS: frozenset[str] = frozenset(
    kind for kind in OrganisationKind.values if kind not in LINE_KINDS
)

CENTRE_LEVELS: dict[str, GridLevel] = {
    OrganisationKind.DISTRICT_CENTRE: GridLevel.DISTRICT,
    OrganisationKind.TOWN_CENTRE: GridLevel.TOWN,
}
"""Operations centres exist once per district and once per town (DESIGN: "one per district and per
town"), so their jurisdiction is a grid of that level."""
