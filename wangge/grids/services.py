"""Writes to the grid tree. Every change goes through here so that paths, bounding boxes and the
tree version (which tells every process to rebuild its locator) stay right."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.core.rows import row_by_key
from wangge.grids.codes import code_problem
from wangge.grids.geometry import GeometryError, bbox, parse_boundary
from wangge.grids.io import GridImportError, GridRecord
from wangge.grids.models import PATH_SEPARATOR, Grid, GridTreeVersion


@dataclass(frozen=True)
class ImportSummary:
    created: int
    by_level: dict[int, int]


def grid_tree_touch() -> None:
    """Record that the tree changed; call inside the transaction that changed it."""
    GridTreeVersion.objects.update_or_create(pk=1, defaults={"revision": uuid.uuid4()})


def grid_tree_revision() -> str:
    # Read before every report is placed: one plain statement, not the query compiler's.
    version = row_by_key(GridTreeVersion, ("revision",), pk=1)
    return str(version.revision) if version is not None else ""


def grids_import_problems(records: list[GridRecord]) -> list[str]:
    """What stops these records from joining the tree, one message per problem."""
    return _import_plan(records)[0]


def _import_plan(
    records: list[GridRecord],
) -> tuple[list[str], dict[str, GridRecord], dict[str, tuple[int, str]]]:
    by_code: dict[str, GridRecord] = {}
    problems: list[str] = []
    for record in records:
        if record.code in by_code:
            problems.append(f"{record.label}: code {record.code} appears twice in the file")
        by_code[record.code] = record
    existing = set(Grid.objects.filter(code__in=list(by_code)).values_list("code", flat=True))
    for code in sorted(existing):
        problems.append(f"{by_code[code].label}: a grid with code {code} already exists")
    parent_codes = {
        r.parent_code for r in records if r.parent_code and r.parent_code not in by_code
    }
    known_parents = {
        code: (level, path)
        for code, level, path in Grid.objects.filter(code__in=parent_codes).values_list(
            "code", "level", "path"
        )
    }
    for record in records:
        problems.extend(_record_problems(record, by_code, known_parents))
    return problems, by_code, known_parents


@transaction.atomic
def grids_import(records: Iterable[GridRecord]) -> ImportSummary:
    """Create the grids of a file, all or nothing. Parents may come from the same file (in any
    order) or already be in the tree; every problem is reported, naming its feature."""
    records = list(records)
    problems, by_code, known_parents = _import_plan(records)
    if problems:
        raise GridImportError(problems)
    parent_codes = set(known_parents)

    paths: dict[str, str] = {}

    def path_of(record: GridRecord) -> str:
        if record.code not in paths:
            if record.parent_code is None:
                prefix = ""
            elif record.parent_code in by_code:
                prefix = path_of(by_code[record.parent_code])
            else:
                prefix = known_parents[record.parent_code][1]
            paths[record.code] = f"{prefix}{record.code}{PATH_SEPARATOR}"
        return paths[record.code]

    ordered = sorted(records, key=lambda r: path_of(r).count(PATH_SEPARATOR))
    ids = dict(Grid.objects.filter(code__in=parent_codes).values_list("code", "id"))
    by_level: dict[int, int] = {}
    depth = 0
    batch: list[Grid] = []

    def flush() -> None:
        Grid.objects.bulk_create(batch, batch_size=2000)
        ids.update(Grid.objects.filter(code__in=[g.code for g in batch]).values_list("code", "id"))
        batch.clear()

    for record in ordered:
        record_depth = path_of(record).count(PATH_SEPARATOR)
        if record_depth != depth:
            flush()
            depth = record_depth
        grid = Grid(
            code=record.code,
            name=record.name,
            level=record.level,
            kind=record.kind,
            parent_id=ids[record.parent_code] if record.parent_code else None,
            path=path_of(record),
            geometry=record.geometry,
        )
        grid.set_bbox(bbox(parse_boundary(record.geometry)))
        batch.append(grid)
        by_level[record.level] = by_level.get(record.level, 0) + 1
    flush()
    grid_tree_touch()
    return ImportSummary(created=len(records), by_level=dict(sorted(by_level.items())))


def _record_problems(
    record: GridRecord,
    by_code: dict[str, GridRecord],
    known_parents: dict[str, tuple[int, str]],
) -> list[str]:
    if record.parent_code is None:
        parent_level = None
    elif record.parent_code in by_code:
        parent_level = by_code[record.parent_code].level
    elif record.parent_code in known_parents:
        parent_level = known_parents[record.parent_code][0]
    else:
        return [
            f"{record.label}: parent code {record.parent_code} is in neither the file nor the tree"
        ]
    problems = []
    if parent_level is not None and parent_level >= record.level:
        problems.append(f"{record.label}: its parent {record.parent_code} is not a higher level")
    problem = code_problem(record.code, record.level, record.parent_code)
    if problem:
        problems.append(f"{record.label}: {problem}")
    return problems


def grid_validate(grid: Grid) -> Grid:
    """Check a grid that is about to be saved and fill in its path and bounding box; raise
    ValidationError naming the field at fault. Forms call it to show errors beside the field."""
    try:
        shape = parse_boundary(grid.geometry)
    except GeometryError as exc:
        raise ValidationError({"geometry": str(exc)}) from exc
    parent = grid.parent
    if parent is not None and parent.level >= grid.level:
        raise ValidationError({"parent": _("The parent must be a higher level than the grid.")})
    problem = code_problem(grid.code, grid.level, parent.code if parent else None)
    if problem:
        raise ValidationError({"code": problem})
    grid.set_bbox(bbox(shape))
    path = f"{parent.path if parent else ''}{grid.code}{PATH_SEPARATOR}"
    if grid.pk is not None:
        old_path = Grid.objects.filter(pk=grid.pk).values_list("path", flat=True).get()
        if path != old_path and Grid.objects.filter(path__startswith=old_path).count() > 1:
            # Codes nest (a child's code starts with its parent's), so a new code or parent for
            # a grid with descendants would leave every descendant's code wrong.
            raise ValidationError(
                {
                    "code": _(
                        "A grid with descendants keeps its code and parent; re-code them first."
                    )
                }
            )
    grid.path = path
    grid.full_clean()
    return grid


@transaction.atomic
def grid_create(
    *,
    code: str,
    name: str,
    level: int,
    kind: str,
    geometry: dict[str, Any],
    parent: Grid | None = None,
) -> Grid:
    grid = grid_validate(
        Grid(code=code, name=name, level=level, kind=kind, geometry=geometry, parent=parent)
    )
    grid.save()
    grid_tree_touch()
    return grid


@transaction.atomic
def grid_update(*, grid: Grid, **changes: Any) -> Grid:
    """Change a grid's name, kind, boundary, or (for a grid without descendants) code and parent."""
    for field, value in changes.items():
        setattr(grid, field, value)
    grid_validate(grid)
    grid.save()
    grid_tree_touch()
    return grid


@transaction.atomic
def grid_delete(*, grid: Grid) -> None:
    """Remove a leaf grid; grids with children are kept (move or remove those first)."""
    if grid.children.exists():
        raise ValidationError(_("A grid with children cannot be removed."))
    grid.delete()
    grid_tree_touch()
