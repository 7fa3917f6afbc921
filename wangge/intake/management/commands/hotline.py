from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from wangge.core.coords import CRS
from wangge.intake.hotline import (
    HEADERS,
    ColumnsNotFound,
    HotlineFileError,
    Progress,
    RowError,
    hotline_import,
)

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "The 12345 hotline: import work orders from its CSV or XLSX export."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importer = actions.add_parser(
            "import",
            help="import work orders; orders imported before are skipped, bad rows reported",
        )
        importer.add_argument("file", type=Path, help="the export: .csv or .xlsx")
        importer.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help=(
                "the header of a field in this file; fields and their usual headers: "
                + "; ".join(f"{name} ({'/'.join(headers)})" for name, headers in HEADERS.items())
            ),
        )
        importer.add_argument(
            "--crs",
            choices=[c.value for c in CRS],
            default=CRS.GCJ02.value,
            help="coordinate system of the file: gcj02 (default; Amap, Tencent), bd09 (Baidu), "
            "wgs84 (GPS)",
        )
        importer.add_argument(
            "--encoding", help="encoding of a CSV file (default: UTF-8 if it reads so, GB18030)"
        )
        importer.add_argument(
            "--errors", type=Path, metavar="FILE", help="write the rows not imported to this CSV"
        )
        importer.add_argument(
            "--dry-run", action="store_true", help="check everything, then import nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mapping: dict[str, str] = {}
        for pair in options["map"]:
            name, sep, header = pair.partition("=")
            if not sep or not name.strip() or not header.strip():
                raise CommandError(f"--map takes FIELD=HEADER, not {pair!r}")
            mapping[name.strip()] = header.strip()
        errors_file = None
        on_error = None
        if options["errors"]:
            errors_file = options["errors"].open("w", encoding="utf-8-sig", newline="")
            writer = csv.writer(errors_file)
            writer.writerow([_("row"), _("order number"), _("reason")])

            def on_error(error: RowError) -> None:
                writer.writerow([error.row, error.order, error.reason])

        try:
            result = hotline_import(
                options["file"],
                mapping=mapping,
                crs=options["crs"],
                encoding=options["encoding"],
                dry_run=options["dry_run"],
                on_error=on_error,
                progress=self._progress,
            )
        except ColumnsNotFound as exc:
            hint = _("Name the columns of this file with --map FIELD=HEADER.")
            raise CommandError(f"{exc}\n{hint}") from exc
        except HotlineFileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            self.stderr.write("")
            if errors_file is not None:
                errors_file.close()

        counts = {
            "imported": f"{result.imported:,}",
            "skipped": f"{result.skipped:,}",
            "errors": f"{result.errors:,}",
        }
        summary = (
            _("Dry run: would import %(imported)s, skip %(skipped)s, refuse %(errors)s rows.")
            if options["dry_run"]
            else _(
                "Imported %(imported)s, skipped %(skipped)s as already imported, %(errors)s errors."
            )
        )
        self.stdout.write(summary % counts)
        self.stdout.write(
            _("%(matched)s complaints had been found by patrols first.")
            % {"matched": f"{result.matched:,}"}
        )
        for error in result.first_errors:
            self.stdout.write(
                _("row %(row)d, order %(order)s: %(reason)s")
                % {"row": error.row, "order": error.order or "-", "reason": error.reason}
            )
        if result.errors > len(result.first_errors):
            more = result.errors - len(result.first_errors)
            self.stdout.write(
                _("… and %(more)s more; all are listed in %(file)s.")
                % {"more": f"{more:,}", "file": options["errors"]}
                if options["errors"]
                else _("… and %(more)s more; --errors FILE lists them all.") % {"more": f"{more:,}"}
            )

    def _progress(self, progress: Progress) -> None:
        if progress.fraction is None:
            bar = f"{progress.rows:,} rows"
        else:
            done = round(progress.fraction * BAR_WIDTH)
            bar = (
                f"[{'#' * done}{'.' * (BAR_WIDTH - done)}] {progress.fraction:4.0%}  "
                f"{progress.rows:,} rows"
            )
        self.stderr.write(f"\r{bar}", ending="")
        self.stderr.flush()
