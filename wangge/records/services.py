"""Writes of grid records: each is placed in the grid under its point, its codes are checked, and
only then is it saved. The admin and the import both come through here."""

from __future__ import annotations

from collections import defaultdict
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from wangge.catalog.choices import CategoryFamily
from wangge.catalog.models import Category
from wangge.grids.choices import GridLevel
from wangge.grids.locator import NOT_FOUND, GridIndex, Location, grid_index
from wangge.records.codes import (
    DIVISION_LENGTH,
    facility_class,
    facility_division,
    new_shop_code,
    normalise_code,
)
from wangge.records.models import Building, Company, Facility, GridRecord, Shop

R = TypeVar("R", bound=GridRecord)


class RecordRules:
    """What checking records needs, read once for many of them: the grid index of the moment
    and the catalog's facility sub-classes. An import makes one for the whole file."""

    def __init__(self, index: GridIndex | None = None) -> None:
        self.index = index or grid_index()
        self._facility_classes: dict[str, Category] | None = None

    def check(self, record: R) -> R:
        """Place ``record`` in the grid under its point, tidy and check its codes, and check the
        rest; ValidationError names the field at fault. Nothing is written."""
        location = self._locate(record)
        if isinstance(record, Shop):
            record.licence = normalise_code(record.licence)
            record.code = record.code.strip() or _unused_shop_code()
        elif isinstance(record, Company):
            record.credit_code = normalise_code(record.credit_code)
        elif isinstance(record, Facility):
            record.code = normalise_code(record.code)
            self._classify(record, location)
        # The grid and the class were just read from the index and the catalog: asking the
        # database again whether they exist would cost two queries a record, most of what an
        # import of thousands of rows takes (the save still fails if one vanished meanwhile).
        record.full_clean(exclude=["grid", "category"], validate_constraints=False)
        if _has_unique_code(record):
            record.validate_constraints()
        return record

    def _locate(self, record: GridRecord) -> Location:
        location = self.index.locate(record.lng, record.lat)
        if location is None:
            raise ValidationError({"lng": _("The point lies outside every grid.")})
        if location.grid.level < GridLevel.UNIT:
            # A gap between a parent's children: no unit answers for what stands there.
            raise ValidationError({"lng": _("The point lies in no unit grid.")})
        record.grid_id = location.grid.id
        return location

    def _classify(self, facility: Facility, location: Location) -> None:
        """The facility's class from its code, which must name a facility sub-class of the
        catalog and the district the facility stands in."""
        code = facility.code
        try:
            Facility._meta.get_field("code").run_validators(code)
        except ValidationError as exc:
            raise ValidationError({"code": exc.messages}) from exc
        district = location.chain[0].code
        # The grid tree's codes follow the national pattern, the district's being its 6-digit
        # division, unless the deployment has chosen other widths; then there is nothing to
        # compare with.
        if (
            len(district) == DIVISION_LENGTH
            and district.isdigit()
            and facility_division(code) != district
        ):
            raise ValidationError(
                {
                    "code": _(
                        "The code's division %(division)s is not that of the district at the "
                        "point, %(district)s."
                    )
                    % {"division": facility_division(code), "district": district}
                }
            )
        category = self.facility_classes().get(facility_class(code))
        if category is None:
            raise ValidationError(
                {
                    "code": _("The catalog has no facility sub-class %(code)s.")
                    % {"code": facility_class(code)}
                }
            )
        facility.category = category
        if not facility.name.strip():
            facility.name = category.name

    def facility_classes(self) -> dict[str, Category]:
        """The catalog's facility sub-classes by code, retired ones too: a facility stays
        what it is when the district stops taking cases of its class."""
        if self._facility_classes is None:
            self._facility_classes = {
                category.code: category
                for category in Category.objects.filter(
                    family=CategoryFamily.FACILITY, parent__isnull=False
                )
            }
        return self._facility_classes


def record_validate(record: R, *, rules: RecordRules | None = None) -> R:
    """Check a record that is about to be saved, placing it in its grid (see RecordRules.check);
    forms call it to show the objections beside the fields."""
    return (rules or RecordRules()).check(record)


@transaction.atomic
def record_save(*, record: R, rules: RecordRules | None = None) -> R:
    """Check ``record`` and save it: a new one or a changed one."""
    record_validate(record, rules=rules)
    record.save()
    return record


def _has_unique_code(record: GridRecord) -> bool:
    """Whether the record has a code another may not share. The models' constraints are all
    "unique unless empty", which Django checks by asking the database whether the value is
    empty: a query a record for nothing, when it is."""
    return any(
        all(getattr(record, name) for name in constraint.fields)
        for constraint in record._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
    )


def _unused_shop_code() -> str:
    # Collisions of 40 random bits are rare enough that trying again costs nothing.
    while True:
        code = new_shop_code()
        if not Shop.objects.filter(code=code).exists():
            return code


def records_relocate(**kwargs: object) -> int:
    """Place every record again in the grid under its point, now that the grid tree changed
    (a grid re-cut, added or moved): the records of a re-cut area follow their points into the
    new grids. A point that no unit grid holds any more keeps its grid until someone moves it.
    Returns how many records moved. (Connected to every change of the tree's revision.)"""
    kinds: tuple[type[GridRecord], ...] = (Shop, Building, Facility, Company)
    if not any(kind._default_manager.exists() for kind in kinds):
        return 0  # as when the tree is first loaded: no index built for nothing
    index = grid_index()
    moved = 0
    for kind in kinds:
        rows = list(kind._default_manager.values_list("pk", "lng", "lat", "grid_id"))
        if not rows:
            continue
        found = index.locate_ids([row[1] for row in rows], [row[2] for row in rows])
        to: dict[int, list[int]] = defaultdict(list)
        for (pk, _lng, _lat, grid_id), new in zip(rows, found.tolist(), strict=True):
            if new != grid_id and new != NOT_FOUND and index.chain(new)[-1].level >= GridLevel.UNIT:
                to[new].append(pk)
        for grid_id, pks in to.items():
            for start in range(0, len(pks), _MOVED_AT_ONCE):
                chunk = pks[start : start + _MOVED_AT_ONCE]
                kind._default_manager.filter(pk__in=chunk).update(grid_id=grid_id)
            moved += len(pks)
    return moved


# Fewer than a statement's parameters on any database.
_MOVED_AT_ONCE = 5000
