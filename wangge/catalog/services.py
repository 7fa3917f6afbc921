"""Writes to the catalog: categories, patrol task lists, responsibilities and fallback owners.

The district's defaults
-----------------------
``catalog_load_defaults`` reads two JSON files from ``wangge/catalog/data/``. Loading is
idempotent: rows are matched by their natural keys and only changed fields are written, so a
second run changes nothing.

``categories.json`` — the case categories, after the national pattern (GB/T 30428.2, CJ/T 214).
Natural key: (family, code). Codes that the standard does not define are local additions, numbered
after the standard's own within the main class::

    {
      "facility": [                              // the family: "facility" (部件) or "event" (事件)
        {
          "code": "01", "name": "公用设施",      // a main class: two digits, no standards, no limit
          "subclasses": [
            {
              "code": "0101", "name": "上水井盖",  // starts with its main class's code
              "registration_standard": "…",      // 立案标准: when a report becomes a case
              "closure_standard": "…",           // 结案标准: when the case may be closed
              "limit_amount": 24,                // the time limit to handle it …
              "limit_unit": "hours",             // … in "hours" or "days"
              "limit_calendar": "natural",       // … of "natural" or "working" time
              "urgent": true                     // the urgent clock applies (15 min / 1 hour)
            }
          ]
        }
      ],
      "event": [ … ]
    }

``task_lists.json`` — the district's base patrol task list for each kind of grid (Minhang seed
000: residential 3 classes / 10 items, street 3 / 11, extended 3 / 5). Natural key: (grid kind,
name), among the items without a town. An item's position is its place in the file::

    {
      "residential": [                           // a GridKind that names a task list
        {
          "task_class": "住房安全",
          "name": "违法搭建",
          "description": "…",                    // what the inspector looks for
          "categories": [{"family": "event", "code": "0101"}]   // sub-classes only
        }
      ],
      "street": [ … ],
      "extended": [ … ]
    }

Rows that the files no longer name are left alone: cases and towns' own items may point at them,
and an administrator retires a category by making it inactive.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from wangge.catalog.models import Category, FallbackOwner, Responsibility, TaskItem
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.models import Grid
from wangge.people.models import Organisation

DATA_DIR = Path(__file__).resolve().parent / "data"
CATEGORIES_FILE = "categories.json"
TASK_LISTS_FILE = "task_lists.json"

# Minhang seed 000 issues three base lists: 居村 (residential), 街面 (street), 拓展 (extended).
LIST_KINDS = (GridKind.RESIDENTIAL, GridKind.STREET, GridKind.EXTENDED)

SUBCLASS_FIELDS = (
    "registration_standard",
    "closure_standard",
    "limit_amount",
    "limit_unit",
    "limit_calendar",
    "urgent",
)


@dataclass(frozen=True)
class LoadSummary:
    categories_created: int = 0
    categories_updated: int = 0
    categories_unchanged: int = 0
    task_items_created: int = 0
    task_items_updated: int = 0
    task_items_unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.categories_created
            + self.categories_updated
            + self.task_items_created
            + self.task_items_updated
        )


@transaction.atomic
def catalog_load_defaults(*, data_dir: Path = DATA_DIR) -> LoadSummary:
    """Create or update the district's categories and base task lists from the data files."""
    categories = _read_json(data_dir / CATEGORIES_FILE)
    task_lists = _read_json(data_dir / TASK_LISTS_FILE)
    counts: Counter[str] = Counter()
    by_key = _load_categories(categories, counts)
    _load_task_lists(task_lists, by_key, counts)
    return LoadSummary(**counts)


@transaction.atomic
def task_item_create(
    *,
    grid_kind: str,
    town: Grid,
    task_class: str,
    name: str,
    description: str = "",
    categories: Iterable[Category] = (),
) -> TaskItem:
    """Add a town's own item to a task list, after the town's earlier items ("规定+自选")."""
    chosen = list(categories)
    task_item_validate(grid_kind=grid_kind, town=town, categories=chosen)
    town_items = TaskItem.objects.filter(grid_kind=grid_kind, town=town)
    last = town_items.aggregate(last=Max("position"))["last"] or 0
    item = TaskItem(
        grid_kind=grid_kind,
        town=town,
        task_class=task_class,
        name=name,
        description=description,
        position=last + 1,
    )
    item.full_clean()
    item.save()
    item.categories.set(chosen)
    return item


def task_item_validate(
    *, grid_kind: str, town: Grid | None, categories: Iterable[Category] = ()
) -> None:
    """The rules every task list item keeps, whoever writes it (this module or the admin): it
    extends one of the three lists, only a town adds items of its own, and it names sub-classes."""
    if town is not None and town.level != GridLevel.TOWN:
        raise ValidationError({"town": _("Only a town adds its own task list items.")})
    _check_list_kind(grid_kind)
    _check_subclasses(list(categories))


@transaction.atomic
def responsibility_set(
    *, category: Category, department: Organisation, grid: Grid | None = None
) -> Responsibility:
    """Make ``department`` the handler of ``category`` in ``grid`` (the whole district when None),
    replacing the department that row named before."""
    row = Responsibility.objects.filter(category=category, grid=grid).first()
    if row is None:
        row = Responsibility(category=category, grid=grid)
    row.department = department
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def fallback_owner_set(
    *, family: str, organisation: Organisation | None = None, town_centre: bool = False
) -> FallbackOwner:
    """Name who acts first for a family when no responsibility applies: one organisation (部件 →
    the district construction commission), or the operations centre of the case's town (事件)."""
    owner = FallbackOwner.objects.filter(family=family).first() or FallbackOwner(family=family)
    owner.organisation = organisation
    owner.town_centre = town_centre
    owner.full_clean()
    owner.save()
    return owner


def _read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _load_categories(
    data: dict[str, list[dict[str, Any]]], counts: Counter[str]
) -> dict[tuple[str, str], Category]:
    by_key = {(c.family, c.code): c for c in Category.objects.all()}

    def upsert(family: str, code: str, values: dict[str, Any]) -> Category:
        category = by_key.get((family, code)) or Category(family=family, code=code)
        outcome = _save_changes(category, values, where=f"{CATEGORIES_FILE} {family} {code}")
        counts[f"categories_{outcome}"] += 1
        by_key[(family, code)] = category
        return category

    for family, main_classes in data.items():
        for main in main_classes:
            parent = upsert(family, main["code"], {"name": main["name"]})
            for sub in main["subclasses"]:
                values = {"name": sub["name"], "parent_id": parent.pk}
                values.update({field: sub[field] for field in SUBCLASS_FIELDS})
                upsert(family, sub["code"], values)
    return by_key


def _load_task_lists(
    data: dict[str, list[dict[str, Any]]],
    categories: dict[tuple[str, str], Category],
    counts: Counter[str],
) -> None:
    existing = {
        (item.grid_kind, item.name): item
        for item in TaskItem.objects.filter(town__isnull=True).prefetch_related("categories")
    }
    for grid_kind, entries in data.items():
        _located(f"{TASK_LISTS_FILE} {grid_kind}", _check_list_kind, grid_kind)
        for position, entry in enumerate(entries, start=1):
            where = f"{TASK_LISTS_FILE} {grid_kind} {entry['name']}"
            chosen = [_category_ref(categories, ref, where) for ref in entry["categories"]]
            _located(where, _check_subclasses, chosen)
            item = existing.get((grid_kind, entry["name"]))
            had: set[int] = set()
            if item is None:
                item = TaskItem(grid_kind=grid_kind, town=None, name=entry["name"])
            else:
                had = {category.pk for category in item.categories.all()}
            values = {
                "task_class": entry["task_class"],
                "description": entry.get("description", ""),
                "position": position,
            }
            outcome = _save_changes(item, values, where=where)
            if {category.pk for category in chosen} != had:
                item.categories.set(chosen)
                if outcome == "unchanged":
                    outcome = "updated"
            counts[f"task_items_{outcome}"] += 1


def _save_changes(instance: models.Model, values: dict[str, Any], *, where: str) -> str:
    """Set the values that differ and save if anything did: "created", "updated" or "unchanged".
    Unchanged rows are not written at all, so a second load leaves the database as it was."""
    changed = {field: value for field, value in values.items() if getattr(instance, field) != value}
    for field, value in changed.items():
        setattr(instance, field, value)
    if instance.pk is not None and not changed:
        return "unchanged"
    outcome = "created" if instance.pk is None else "updated"
    _located(where, instance.full_clean)
    instance.save()
    return outcome


def _located(where: str, check: Callable[..., None], *args: Any) -> None:
    """Run a check, naming the entry of the data file when it fails."""
    try:
        check(*args)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {'; '.join(exc.messages)}") from exc


def _category_ref(
    categories: dict[tuple[str, str], Category], ref: dict[str, str], where: str
) -> Category:
    try:
        return categories[(ref["family"], ref["code"])]
    except KeyError:
        raise ValidationError(
            f"{where}: no category {ref.get('family')} {ref.get('code')} in {CATEGORIES_FILE}"
        ) from None


def _check_list_kind(grid_kind: str) -> None:
    # Villages patrol with the residential list and the special grids with the extended one
    # (GridKind.task_list_kind), so items for any other kind would never be shown.
    if grid_kind not in LIST_KINDS:
        raise ValidationError(
            {"grid_kind": _("Task list items belong to a list: residential, street or extended.")}
        )


def _check_subclasses(categories: list[Category]) -> None:
    # Cases are registered against sub-classes, which carry the standards and the time limit.
    if any(category.parent_id is None for category in categories):
        raise ValidationError({"categories": _("Task list items name sub-classes only.")})
