"""What a user may see. Every query that lists grids, organisations, people or cases for a user goes
through :func:`access_scope`, so the rules live in one place.

The rules, in order:

1. No user, an anonymous or inactive user: nothing.
2. An active superuser: everything.
3. Otherwise the user's Person grants what its *current* role assignments grant. A role counts
   from ``starts_on`` to ``ends_on`` inclusive, by the Shanghai calendar date (the deployment's
   ``TIME_ZONE``, not the zone a request may have activated). No person, an inactive person, a
   person of an inactive organisation, or a person with no current role: nothing. Holding a role
   is what grants access; being on a roster does not.
4. Each current role reaches a grid: its own grid if it names one, otherwise the jurisdiction of
   the person's organisation (the model's rule: "The grid decides what the person sees; without
   one, the person's organisation's jurisdiction does"). The subtrees of those grids are visible.
   So an inspector employed by a town centre but assigned to one unit sees that unit only.
5. The person's own organisation and all its descendant organisations are visible, with their
   people.
6. A *territorial* role also sees every organisation (and its people) whose jurisdiction lies in
   the grid it reaches: dispatchers, chiefs and inspectors must know the departments and
   workstations they work with. A role without a grid in a line body (department, department
   office, utility, property manager — see ``roles.LINE_KINDS``) is not territorial: a 城管 handler
   sees her office and the grids of its town, not 市场监管's town office.

``everything`` is kept for superusers. District administrators and leaders see their district's
subtree, which in a one-district deployment is everything; a city deployment keeps districts apart.

Cost: two queries whatever the user holds (the current roles with their person and organisation,
then the organisation subtree), none for anonymous users and superusers. Filtering a queryset
afterwards adds no query of its own: the scope becomes a WHERE clause.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db import connections, models, router
from django.db.models import Q
from django.utils import timezone

from wangge.grids.models import Grid
from wangge.people.models import Organisation, Person, RoleAssignment
from wangge.people.roles import LINE_KINDS


def _outermost(paths: Iterable[str]) -> frozenset[str]:
    """Drop every path that lies under another one: the subtree is already visible, and each
    path left becomes one OR term of the WHERE clause."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return frozenset(kept)


def _lookup(field_prefix: str, name: str) -> str:
    return f"{field_prefix}__{name}" if field_prefix else name


# Matches no row of any model, without a query: Django answers an empty ``pk__in`` itself.
_NONE = Q(pk__in=[])


@dataclass(frozen=True)
class AccessScope:
    """What one user may see; build it with :func:`access_scope`.

    ``grid_paths``: the grids whose subtrees are visible (outermost only).
    ``organisation_ids``: organisations visible by name (the user's own and its descendants).
    ``organisation_grid_paths``: organisations whose jurisdiction lies in these subtrees are
    visible too (the territory of the user's territorial roles).
    """

    everything: bool = False
    grid_paths: frozenset[str] = field(default_factory=frozenset)
    organisation_ids: frozenset[int] = field(default_factory=frozenset)
    organisation_grid_paths: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.grid_paths or self.organisation_ids)

    @property
    def is_district_wide(self) -> bool:
        """Whether the scope reaches a whole district: what district-wide configuration (the
        catalog, district-wide responsibilities, fallback owners) needs."""
        return self.everything or any(path.count("/") == 1 for path in self.grid_paths)

    # Grids, and anything that hangs off a grid (cases, rosters, task lists).

    def grid_q(self, field_prefix: str = "") -> Q:
        """A Q over a grid reached through ``field_prefix`` ("" for a Grid queryset, "grid" for
        ``Case.grid``, "person__roles__grid" …). Rows whose grid is empty match only for
        ``everything``."""
        if self.everything:
            return Q()
        return self._paths_q(self.grid_paths, _lookup(field_prefix, "path__startswith"))

    def grids(self, queryset: models.QuerySet[Grid]) -> models.QuerySet[Grid]:
        return queryset if self.everything else queryset.filter(self.grid_q())

    def can_see_grid(self, grid: Grid) -> bool:
        return self.everything or any(grid.path.startswith(path) for path in self.grid_paths)

    # Organisations and people.

    def organisation_q(self, field_prefix: str = "") -> Q:
        """A Q over an organisation reached through ``field_prefix`` ("" for an Organisation
        queryset, "organisation" for a Person queryset)."""
        if self.everything:
            return Q()
        terms = []
        if self.organisation_ids:
            terms.append(Q(**{_lookup(field_prefix, "pk__in"): sorted(self.organisation_ids)}))
        if self.organisation_grid_paths:
            terms.append(
                self._paths_q(
                    self.organisation_grid_paths,
                    _lookup(field_prefix, "jurisdiction__path__startswith"),
                )
            )
        return reduce(or_, terms) if terms else _NONE

    def organisations(
        self, queryset: models.QuerySet[Organisation]
    ) -> models.QuerySet[Organisation]:
        return queryset if self.everything else queryset.filter(self.organisation_q())

    def can_see_organisation(self, organisation: Organisation) -> bool:
        if self.everything or organisation.pk in self.organisation_ids:
            return True
        path = organisation.jurisdiction.path
        return any(path.startswith(outer) for outer in self.organisation_grid_paths)

    def persons(self, queryset: models.QuerySet[Person]) -> models.QuerySet[Person]:
        """People of the visible organisations."""
        return queryset if self.everything else queryset.filter(self.organisation_q("organisation"))

    def role_assignments(
        self, queryset: models.QuerySet[RoleAssignment]
    ) -> models.QuerySet[RoleAssignment]:
        """Role assignments of the visible people."""
        if self.everything:
            return queryset
        return queryset.filter(self.organisation_q("person__organisation"))

    @staticmethod
    def _paths_q(paths: frozenset[str], lookup: str) -> Q:
        if not paths:
            return _NONE
        # Sorted so that the same scope always produces the same SQL (and query plan cache hit).
        return reduce(or_, (Q(**{lookup: path}) for path in sorted(paths)))


NOTHING = AccessScope()
EVERYTHING = AccessScope(everything=True)


def scope_today() -> datetime.date:
    """Today by the deployment's calendar (Asia/Shanghai), not by the zone a request may have
    activated: a role ending "on the 1st" ends at Shanghai midnight for everyone."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def current_roles_q(today: datetime.date | None = None) -> Q:
    """A Q over RoleAssignment for the roles in force on ``today`` (both ends inclusive)."""
    today = today or scope_today()
    return (Q(starts_on__isnull=True) | Q(starts_on__lte=today)) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def role_is_current(assignment: RoleAssignment, today: datetime.date | None = None) -> bool:
    """The same test as :func:`current_roles_q`, for a row already loaded."""
    today = today or scope_today()
    return (assignment.starts_on is None or assignment.starts_on <= today) and (
        assignment.ends_on is None or assignment.ends_on >= today
    )


def access_scope(user: Any) -> AccessScope:
    """The scope of ``user`` (a user, an AnonymousUser or None); see the module docstring."""
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not getattr(user, "is_active", False)
    ):
        return NOTHING
    if getattr(user, "is_superuser", False):
        return EVERYTHING

    # One query: the current roles, each with what it reaches. An inactive person or organisation
    # yields no rows, and so does a person without a current role.
    rows = list(
        RoleAssignment.objects.filter(
            person__user_id=user.pk,
            person__is_active=True,
            person__organisation__is_active=True,
        )
        .filter(current_roles_q())
        .order_by()
        .values_list(
            "grid__path",
            "person__organisation_id",
            "person__organisation__kind",
            "person__organisation__jurisdiction__path",
        )
    )
    if not rows:
        return NOTHING

    grid_paths: list[str] = []
    territory: list[str] = []
    organisation_id = rows[0][1]
    for grid_path, _organisation_id, kind, jurisdiction_path in rows:
        reach = grid_path or jurisdiction_path
        grid_paths.append(reach)
        if grid_path or kind not in LINE_KINDS:
            territory.append(reach)
    return AccessScope(
        grid_paths=_outermost(grid_paths),
        organisation_ids=_organisation_subtree(organisation_id),
        organisation_grid_paths=_outermost(territory),
    )


def _organisation_subtree(organisation_id: int) -> frozenset[int]:
    """The organisation and all its descendants, in one recursive query.

    Organisations carry no path. The services keep a child's jurisdiction inside its parent's,
    but access must not hang on every row having come through them, so the tree is walked by
    ``parent`` itself (SQLite and PostgreSQL both have WITH RECURSIVE; UNION rather than
    UNION ALL stops at a cycle written behind the services' back)."""
    connection = connections[router.db_for_read(Organisation)]
    quote = connection.ops.quote_name
    table = quote(Organisation._meta.db_table)
    pk = quote(Organisation._meta.pk.column)
    parent = quote(Organisation._meta.get_field("parent").column)
    sql = (
        f"WITH RECURSIVE subtree(id) AS ("
        f"SELECT {pk} FROM {table} WHERE {pk} = %s "
        f"UNION SELECT child.{pk} FROM {table} child JOIN subtree ON child.{parent} = subtree.id"
        f") SELECT id FROM subtree"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation_id])
        return frozenset(row[0] for row in cursor.fetchall())
