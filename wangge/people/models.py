from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.people.choices import OrganisationKind, Role


class Organisation(models.Model):
    """A body that takes part in grid governance: an operations centre, a department or its town
    office, a workstation, a joint team, a utility.

    ``jurisdiction`` is the grid it answers for: the district for the district centre and the
    district departments, a town for a town centre and a department's town office, a unit for a
    workstation. Its people see that grid and everything under it.
    """

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    jurisdiction = models.ForeignKey(
        "grids.Grid",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["jurisdiction__path", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"], name="organisation_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone who works on the grids, with or without a login.

    The grid board shows the name, photo and phone of every person on a grid (Minhang
    attachment 001: 组织架构 with 姓名、照片、电话)."""

    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    photo = models.ImageField(_("photo"), upload_to="people/photos/", blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """A person's role on a grid (grid chief of a unit, inspector of a block, dispatcher of a town)
    or in an organisation (handler of a department office). The grid decides what the person
    sees; without one, the person's organisation's jurisdiction does."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    grid = models.ForeignKey(
        "grids.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["person", "role", "grid"], name="role_unique_per_grid")
        ]

    def __str__(self) -> str:
        where = self.grid.name if self.grid_id and self.grid else self.person.organisation.name
        return f"{self.person} · {self.get_role_display()} · {where}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A role cannot end before it starts.")})
