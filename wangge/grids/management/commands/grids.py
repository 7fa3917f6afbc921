from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.core.coords import CRS
from wangge.grids.choices import LEVEL_BY_NAME, GridLevel
from wangge.grids.geometry import parse_boundary
from wangge.grids.io import GridImportError, read_feature_collection
from wangge.grids.selectors import grids_feature_collection, tree_grids
from wangge.grids.services import grids_import, grids_import_problems
from wangge.grids.topology import DEFAULT_TOLERANCE_M2, TreeGrid, check_tree


class Command(BaseCommand):
    help = "Import, export and check the grid tree."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        crs_help = "coordinate system of the file: wgs84 (default), gcj02 (Amap, Tencent), bd09"
        importer = commands.add_parser(
            "import", help="import a GeoJSON FeatureCollection of grids, all or nothing"
        )
        importer.add_argument("file", type=Path)
        importer.add_argument(
            "--crs", choices=[c.value for c in CRS], default=CRS.WGS84, help=crs_help
        )
        importer.add_argument(
            "--level", choices=list(LEVEL_BY_NAME), help="level of features that name none"
        )
        exporter = commands.add_parser("export", help="write the grids as GeoJSON")
        exporter.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
        exporter.add_argument(
            "--crs", choices=[c.value for c in CRS], default=CRS.WGS84, help=crs_help
        )
        checker = commands.add_parser(
            "check", help="report invalid boundaries, overlaps, gaps and children outside parents"
        )
        checker.add_argument("file", type=Path, nargs="?", help="check a file instead of the tree")
        checker.add_argument(
            "--level", choices=list(LEVEL_BY_NAME), help="level of features that name none"
        )
        checker.add_argument(
            "--crs", choices=[c.value for c in CRS], default=CRS.WGS84, help=crs_help
        )
        checker.add_argument(
            "--tolerance",
            type=float,
            default=DEFAULT_TOLERANCE_M2,
            help="ignore differences up to this many m² (default 1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(options)

    def handle_import(self, options: dict[str, Any]) -> None:
        try:
            records = read_feature_collection(
                _read(options["file"]), crs=options["crs"], default_level=_level(options)
            )
            summary = grids_import(records)
        except GridImportError as exc:
            problems = exc.problems + grids_import_problems(exc.records)
            raise CommandError("nothing imported:\n" + "\n".join(problems)) from exc
        levels = ", ".join(f"{GridLevel(k).name.lower()} {v}" for k, v in summary.by_level.items())
        self.stdout.write(f"imported {summary.created} grids ({levels})")

    def handle_export(self, options: dict[str, Any]) -> None:
        text = json.dumps(grids_feature_collection(crs=options["crs"]), ensure_ascii=False)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text)

    def handle_check(self, options: dict[str, Any]) -> None:
        if options["file"]:
            try:
                records = read_feature_collection(
                    _read(options["file"]), crs=options["crs"], default_level=_level(options)
                )
            except GridImportError as exc:
                raise CommandError(str(exc)) from exc
            grids = [
                TreeGrid(r.code, r.parent_code, r.level, parse_boundary(r.geometry))
                for r in records
            ]
        else:
            grids = tree_grids()
        problems = check_tree(grids, tolerance_m2=options["tolerance"])
        for problem in problems:
            self.stdout.write(str(problem))
        self.stdout.write(f"{len(grids)} grids checked, {len(problems)} problems")
        if problems:
            sys.exit(1)


def _level(options: dict[str, Any]) -> int | None:
    return LEVEL_BY_NAME[options["level"]] if options["level"] else None


def _read(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {path}: {exc}") from exc
