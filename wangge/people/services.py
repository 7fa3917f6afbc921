"""Writes to organisations, people and roles. The admin calls these (and importers will), so the
rules (where a role may sit, who becomes staff) hold whichever door a change comes through."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wangge.grids.models import Grid
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Organisation, Person, RoleAssignment
from wangge.people.roles import CENTRE_LEVELS, GRID_ROLES, ROLE_LEVELS
from wangge.people.scope import current_roles_q

if TYPE_CHECKING:
    # The project keeps Django's user model; get_user_model() finds it at run time.
    from django.contrib.auth.models import User

ADMINISTRATORS_GROUP = "Wangge administrators"
"""The Django group that carries the model permissions of the administrator role. What each
administrator may *see* is still cut down by the access scope."""


def _refuse(field: str | None, message: Any, code: str, **params: Any) -> ValidationError:
    """A ValidationError with a stable ``code`` (tests and API clients match on it, not on the
    words, which are translated) and lazy ``params``, tied to ``field`` when there is one."""
    error = ValidationError(message, code=code, params=params or None)
    return ValidationError({field: error}) if field else error


# Organisations


def organisation_validate(organisation: Organisation) -> None:
    """Check an organisation about to be saved; raise ValidationError naming the field at fault.
    The admin form calls it too, so the same message shows beside the field."""
    jurisdiction = organisation.jurisdiction
    expected_level = CENTRE_LEVELS.get(organisation.kind)
    if expected_level is not None and jurisdiction.level != expected_level:
        raise _refuse(
            "jurisdiction",
            _("A %(kind)s answers for a grid of level %(level)s."),
            "centre_level",
            kind=organisation.get_kind_display(),
            level=expected_level.label,
        )
    parent = organisation.parent
    office_needs_department = _refuse(
        "parent", _("A department town office belongs to a department."), "office_parent"
    )
    if parent is None:
        if organisation.kind == OrganisationKind.DEPARTMENT_OFFICE:
            raise office_needs_department
        return
    if organisation.pk is not None and _is_descendant(parent, of=organisation):
        raise _refuse("parent", _("An organisation cannot sit under itself."), "parent_cycle")
    if not jurisdiction.path.startswith(parent.jurisdiction.path):
        # A town office answers for a town of its department's district, a workstation for a
        # unit of its town: a child working outside its parent's ground is a data-entry slip.
        raise _refuse(
            "jurisdiction",
            _("The jurisdiction must lie inside the parent organisation's (%(grid)s)."),
            "outside_parent",
            grid=parent.jurisdiction,
        )
    if (
        organisation.kind == OrganisationKind.DEPARTMENT_OFFICE
        and parent.kind != OrganisationKind.DEPARTMENT
    ):
        raise office_needs_department


def _is_descendant(candidate: Organisation, *, of: Organisation) -> bool:
    # Walks up from the candidate; organisation trees are a few levels deep.
    seen: set[int] = set()
    node: Organisation | None = candidate
    while node is not None and node.pk not in seen:
        if node.pk == of.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    jurisdiction: Grid,
    parent: Organisation | None = None,
    short_name: str = "",
    phone: str = "",
) -> Organisation:
    organisation = Organisation(
        name=name,
        kind=kind,
        jurisdiction=jurisdiction,
        parent=parent,
        short_name=short_name,
        phone=phone,
    )
    organisation.full_clean()
    organisation_validate(organisation)
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, **changes: Any) -> Organisation:
    for name, value in changes.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation_validate(organisation)
    organisation.save()
    return organisation


# People


@transaction.atomic
def person_create(
    *,
    name: str,
    organisation: Organisation,
    phone: str = "",
    username: str | None = None,
    password: str | None = None,
) -> Person:
    """A person, with a login when ``username`` is given. Without a password the account cannot
    log in by password (single sign-on, or a password set later). Staff status comes from the
    administrator role, not from here."""
    if not organisation.is_active:
        raise _refuse("organisation", _("The organisation is not active."), "organisation_inactive")
    person = Person(name=name, phone=phone, organisation=organisation)
    if username is not None:
        person.user = _user_create(username=username, password=password, name=name)
    elif password is not None:
        raise _refuse("password", _("A password needs a username."), "password_without_user")
    person.full_clean()
    person.save()
    return person


def _user_create(*, username: str, password: str | None, name: str) -> User:
    user = get_user_model()(username=username, first_name=name[:150])
    if password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.error_list}) from exc
        user.set_password(password)
    # full_clean checks the username's characters and that it is free.
    user.full_clean(exclude=["password"])
    user.save()
    return user


# Roles


def role_validate(assignment: RoleAssignment) -> None:
    """Check a role assignment about to be saved; raise ValidationError naming the field at
    fault. The admin forms call it so the message shows beside the field."""
    person = assignment.person
    role = assignment.role
    grid = assignment.grid
    if not person.is_active:
        raise _refuse("person", _("%(person)s is not active."), "person_inactive", person=person)
    if role in GRID_ROLES and grid is None:
        raise _refuse(
            "grid", _("A %(role)s works on a grid: name it."), "grid_required", role=_label(role)
        )
    expected_level = ROLE_LEVELS.get(role)
    if grid is not None and expected_level is not None and grid.level != expected_level:
        raise _refuse(
            "grid",
            _("A %(role)s sits on a grid of level %(level)s, not on %(grid)s."),
            "grid_level",
            role=_label(role),
            level=expected_level.label,
            grid=grid,
        )
    jurisdiction = person.organisation.jurisdiction
    # A district-level body (district centre, district department) reaches every grid of its
    # district through this same check; nobody reaches another district's grids.
    if grid is not None and not grid.path.startswith(jurisdiction.path):
        raise _refuse(
            "grid",
            _("%(grid)s lies outside the jurisdiction of %(organisation)s (%(jurisdiction)s)."),
            "outside_jurisdiction",
            grid=grid,
            organisation=person.organisation,
            jurisdiction=jurisdiction,
        )
    if role == Role.ADMINISTRATOR and person.user_id is None:
        raise _refuse(
            "role",
            _("An administrator needs a user account to use the admin."),
            "administrator_account",
        )
    # The unique constraint cannot catch a second role without a grid (NULLs differ in SQL).
    # A person still being added in the admin has no rows yet, and no pk to filter by.
    duplicates = RoleAssignment.objects.filter(person_id=person.pk, role=role, grid=grid)
    if assignment.pk is not None:
        duplicates = duplicates.exclude(pk=assignment.pk)
    if person.pk is not None and duplicates.exists():
        raise _refuse(
            None,
            _("%(person)s already holds this role here; change its dates instead."),
            "duplicate_role",
            person=person,
        )


def _label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


@transaction.atomic
def role_assign(
    *,
    person: Person,
    role: str,
    grid: Grid | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
) -> RoleAssignment:
    """Give ``person`` a role, on ``grid`` or over their organisation's jurisdiction.

    An administrator's account becomes staff with the model permissions of every Wangge app, so
    they can use the admin; what they see there is cut down by the access scope."""
    assignment = RoleAssignment(
        person=person, role=role, grid=grid, starts_on=starts_on, ends_on=ends_on
    )
    assignment.full_clean(validate_unique=False, validate_constraints=False)
    role_validate(assignment)
    assignment.save()
    _after_role_saved(assignment)
    return assignment


@transaction.atomic
def role_update(*, assignment: RoleAssignment, **changes: Any) -> RoleAssignment:
    """Change a role's grid or dates (ending a role is ``ends_on=…``)."""
    for name, value in changes.items():
        setattr(assignment, name, value)
    assignment.full_clean(validate_unique=False, validate_constraints=False)
    role_validate(assignment)
    assignment.save()
    _after_role_saved(assignment)
    return assignment


@transaction.atomic
def role_delete(*, assignment: RoleAssignment) -> None:
    """Remove a role given by mistake (a role that ran its course is ended, not removed, so the
    rosters of the past stay right). Removing the last administrator role withdraws staff
    status and the administrators' permissions."""
    person = assignment.person
    assignment.delete()
    administrator_sync(person=person)


def _after_role_saved(assignment: RoleAssignment) -> None:
    administrator_sync(person=assignment.person)


def administrator_sync(*, person: Person) -> None:
    """Give or withdraw the administrators' rights as the person's administrator roles stand
    today: a role changed to another, ended or removed takes the rights with it."""
    user = person.user
    if user is None:
        return
    current = person.roles.filter(current_roles_q(), role=Role.ADMINISTRATOR).exists()
    if current:
        administrator_grant(user=user)
        return
    granted = list(user.groups.filter(name=ADMINISTRATORS_GROUP))
    # Only undo what administrator_grant did: staff given by hand for another reason stays.
    if granted:
        user.groups.remove(*granted)
        if user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])


def administrator_grant(*, user: User) -> None:
    """Make ``user`` staff and a member of the administrators group, whose permissions are
    refreshed each time so that models added by later releases are included."""
    group, _created = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=_wangge_app_labels())
    )
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def _wangge_app_labels() -> list[str]:
    return [config.label for config in apps.get_app_configs() if config.name.startswith("wangge.")]
