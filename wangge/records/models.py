"""The grid records (Jiading seed 004: the 人、地、事、物、组织 of each grid, kept digitally and up
to date): the shops with their shopfront-responsibility holders (门责, Minhang seed 000), the
buildings, the facilities (部件) with their national codes and the companies in the parks.

Every record stands at a point (WGS-84) in exactly one unit grid: ``grid`` is the deepest grid
under the point, as a case's is (a block, or the unit itself where it has no blocks), and the
services refuse a point outside every grid and one that no unit grid holds. Removing a block
moves its records to its unit; a unit that holds records is not removed."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.deletion import PROTECT
from django.utils.translation import gettext_lazy as _

from wangge.grids.choices import GridLevel
from wangge.records.choices import BuildingUse
from wangge.records.codes import validate_facility_code, validate_licence, validate_uscc

NAME_LENGTH = 200
ADDRESS_LENGTH = 200
# Mobile numbers and landlines with their area code and extension, as people write them.
PHONE = RegexValidator(r"^\+?[0-9][0-9 ()\-]{5,18}[0-9]$", _("Enter a telephone number."))


def to_the_unit_above(collector: Any, field: Any, sub_objs: Any, using: str) -> None:
    """What removing a grid does to its records: a block's go to its unit, which holds their
    points too; a unit's have no unit grid left to stand in, and keep it (PROTECT)."""
    # The collector loads the records' keys alone: their grids are read in one query.
    grid_of = dict(sub_objs.values_list("pk", field.attname))
    # The grid model as the field knows it: in a migration, the historical one.
    grids = field.remote_field.model._default_manager.using(using)
    removed = grids.in_bulk(set(grid_of.values()))
    if any(grid.level < GridLevel.BLOCK for grid in removed.values()):
        PROTECT(collector, field, sub_objs, using)
    units = grids.in_bulk({grid.parent_id for grid in removed.values()})
    by_unit: dict[int, list[Any]] = defaultdict(list)
    for record in sub_objs:
        by_unit[removed[grid_of[record.pk]].parent_id].append(record)
    for unit_id, moved in by_unit.items():
        collector.add_field_update(field, units[unit_id], moved)


class GridRecord(models.Model):
    """What every grid record has: a name, an address, a point and the grid under it, and
    whether it is still there (a shop that closed, a facility removed)."""

    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    address = models.CharField(_("address"), max_length=ADDRESS_LENGTH, blank=True)
    lng = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    lat = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    grid = models.ForeignKey(
        "grids.Grid",
        verbose_name=_("grid"),
        on_delete=to_the_unit_above,
        related_name="%(class)s_records",
        help_text=_("The grid under the point, placed by the system."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Shop(GridRecord):
    """A shop on a street (沿街商铺) and the person who answers for its shopfront (门责人: clean,
    orderly, nothing spread onto the pavement, Minhang seed 000 "落实好门责制度").

    ``code`` is public and never changes: the QR code on the shopfront opens the citizen's
    report page at ``/r/s/{code}/`` (Yingpu seed 003: 沿街商铺二维码), which places the report at
    the shop. ``licence`` is the business licence's number, when it is known."""

    code = models.SlugField(
        _("code"),
        max_length=32,
        unique=True,
        blank=True,
        help_text=_("On the shop's QR code; given by the system when left empty."),
    )
    address = models.CharField(_("address"), max_length=ADDRESS_LENGTH)
    licence = models.CharField(
        _("licence number"),
        max_length=18,
        blank=True,
        validators=[validate_licence],
        help_text=_("The unified social credit code on the business licence, or its old number."),
    )
    business_type = models.CharField(
        _("business type"), max_length=50, blank=True, help_text=_("catering, retail, repair …")
    )
    holder_name = models.CharField(_("shopfront holder"), max_length=50, blank=True)
    holder_phone = models.CharField(
        _("shopfront holder's phone"), max_length=20, blank=True, validators=[PHONE]
    )

    class Meta(GridRecord.Meta):
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        constraints = [
            models.UniqueConstraint(
                fields=["licence"],
                condition=~models.Q(licence=""),
                name="shop_unique_licence",
                violation_error_message=_("Another shop has this licence number."),
            )
        ]


class Building(GridRecord):
    """A building: its floors and what it is used for. ``code`` is the housing register's, where
    the district has one; without it a building is known by its address."""

    code = models.CharField(_("building code"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=ADDRESS_LENGTH)
    floors = models.PositiveSmallIntegerField(
        _("floors"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    use = models.CharField(
        _("use"), max_length=16, choices=BuildingUse.choices, default=BuildingUse.OTHER
    )

    class Meta(GridRecord.Meta):
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="building_unique_code",
                violation_error_message=_("Another building has this code."),
            )
        ]


class Facility(GridRecord):
    """A facility of the city (部件: a manhole cover, a street lamp, a fire hydrant …) under its
    national 16-digit code (see ``records.codes``), which names the district that keeps it and
    its class in the catalog: cases about it are of that class. The owner (权属单位) and the
    maintainer (养护单位) are whom a broken one concerns."""

    code = models.CharField(
        _("facility code"), max_length=16, unique=True, validators=[validate_facility_code]
    )
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="facilities",
        help_text=_("The facility sub-class its code names."),
    )
    owner = models.CharField(_("owner"), max_length=100, blank=True)
    maintainer = models.CharField(_("maintainer"), max_length=100, blank=True)

    class Meta(GridRecord.Meta):
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["code"]


class Company(GridRecord):
    """A company, known by its unified social credit code, and the park it is in (Minhang seed
    000 and Jiading seed 004: industrial parks as extended and special grids)."""

    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    park = models.CharField(_("park"), max_length=100, blank=True)

    class Meta(GridRecord.Meta):
        verbose_name = _("company")
        verbose_name_plural = _("companies")
