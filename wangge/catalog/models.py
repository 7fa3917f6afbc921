from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.catalog.choices import CategoryFamily, LimitCalendar, LimitUnit
from wangge.grids.choices import GridKind


class Category(models.Model):
    """A class of case: a main class (公用设施, 市容环境…) or one of its sub-classes (上水井盖,
    暴露垃圾…), coded after the national pattern (main "01", sub "0101") within its family.

    A sub-class carries what registering and closing a case needs: the registration and closure
    standards and the time limit, in natural or working time, and whether it is urgent; and
    whether smart-scene detections of it are registered and dispatched without a dispatcher.
    """

    family = models.CharField(_("family"), max_length=16, choices=CategoryFamily.choices)
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("main class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subclasses",
    )
    registration_standard = models.TextField(_("registration standard"), blank=True)
    closure_standard = models.TextField(_("closure standard"), blank=True)
    limit_amount = models.PositiveIntegerField(_("time limit"), null=True, blank=True)
    limit_unit = models.CharField(
        _("time limit unit"), max_length=8, choices=LimitUnit.choices, default=LimitUnit.DAYS
    )
    limit_calendar = models.CharField(
        _("time limit calendar"),
        max_length=8,
        choices=LimitCalendar.choices,
        default=LimitCalendar.WORKING,
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    # Yingpu seed 003 dispatches smart-scene finds automatically step by step (逐步实现), as the
    # district centre arranges scene by scene (由区中心的统一安排): the district switches each
    # sub-class on when its detections are good enough, and none is on by default. Loading the
    # default catalog never touches it.
    auto_dispatch = models.BooleanField(
        _("dispatched automatically"),
        default=False,
        help_text=_(
            "Smart-scene detections of this sub-class are registered and dispatched by the "
            "system, without a dispatcher."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["family", "code"]
        constraints = [
            models.UniqueConstraint(fields=["family", "code"], name="category_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.get_family_display()} {self.code} {self.name}"

    def clean(self) -> None:
        if self.parent is not None:
            if self.parent.parent_id is not None:
                raise ValidationError({"parent": _("A sub-class belongs to a main class.")})
            if self.parent.family != self.family:
                raise ValidationError({"parent": _("A sub-class has its main class's family.")})
            if not self.code.startswith(self.parent.code):
                raise ValidationError(
                    {"code": _("A sub-class code starts with its main class's code.")}
                )
        elif self.auto_dispatch:
            raise ValidationError(
                {"auto_dispatch": _("Only a sub-class is dispatched automatically.")}
            )
        if self.limit_amount is not None and self.limit_amount == 0:
            raise ValidationError({"limit_amount": _("A time limit is at least 1.")})


class TaskItem(models.Model):
    """One line of a patrol task list: what inspectors of a kind of grid look for.

    Items without a town are the district's base list for that kind of grid; a town adds its own
    items on top (Minhang seed 000: "规定+自选").
    """

    grid_kind = models.CharField(_("grid kind"), max_length=32, choices=GridKind.choices)
    town = models.ForeignKey(
        "grids.Grid",
        verbose_name=_("town"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="task_items",
        help_text=_("Empty for the district's base list."),
    )
    task_class = models.CharField(_("task class"), max_length=50)
    name = models.CharField(_("item"), max_length=100)
    description = models.TextField(_("what to look for"), blank=True)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="task_items"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Items are retired rather than deleted (Jiading seed 004: 网格+ items are included and exit
    # through a process), so cases that cite them keep their history.
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("task list item")
        verbose_name_plural = _("task list items")
        ordering = ["grid_kind", "town", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid_kind", "town", "name"], name="task_item_unique_name"
            ),
            models.UniqueConstraint(
                fields=["grid_kind", "name"],
                condition=models.Q(town__isnull=True),
                name="task_item_unique_base_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_grid_kind_display()} · {self.task_class} · {self.name}"


class Responsibility(models.Model):
    """Who handles a category, district-wide or in one grid: the category × grid → department
    table. The most specific row wins: a sub-class before its main class, a deeper grid before
    its ancestors, district-wide last."""

    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    grid = models.ForeignKey(
        "grids.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responsibilities",
        help_text=_("Empty for the whole district."),
    )
    department = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(fields=["category", "grid"], name="responsibility_unique_grid"),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(grid__isnull=True),
                name="responsibility_unique_districtwide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.department}"


class FallbackOwner(models.Model):
    """Who acts first when a case's owner is unclear (Jing'an seed 002, 托底机制): the district
    construction commission for facilities, the town for events. With ``town_centre`` set, the
    owner is the operations centre of the case's town rather than one fixed organisation."""

    family = models.CharField(
        _("family"), max_length=16, choices=CategoryFamily.choices, unique=True
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    town_centre = models.BooleanField(_("the case's town"), default=False)

    class Meta:
        verbose_name = _("fallback owner")
        verbose_name_plural = _("fallback owners")

    def __str__(self) -> str:
        owner = _("the case's town") if self.town_centre else str(self.organisation)
        return f"{self.get_family_display()} → {owner}"

    def clean(self) -> None:
        if self.town_centre == (self.organisation_id is not None):
            raise ValidationError(_("Name one organisation, or choose the case's town."))
