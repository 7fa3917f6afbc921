from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from wangge.core.commands import error_file, write_refusals
from wangge.core.tables import TableFileError
from wangge.forces.roster import RowError, roster_export, roster_import

SHOWN_ERRORS = 10


class Command(BaseCommand):
    help = "Staff and rosters: import them from the district's XLSX workbook, or export them."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importer = actions.add_parser(
            "import", help="import shifts, staff, members, duty tables and on-call people"
        )
        importer.add_argument("file", type=Path, help="the workbook (.xlsx)")
        importer.add_argument(
            "--errors", type=Path, metavar="FILE", help="write the rows not imported to this CSV"
        )
        importer.add_argument(
            "--dry-run", action="store_true", help="check everything, then import nothing"
        )
        exporter = actions.add_parser("export", help="write the rosters in the same layout")
        exporter.add_argument("file", type=Path, help="the workbook to write (.xlsx)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            counts = roster_export(options["file"])
            self.stdout.write(
                _("Wrote %(file)s: %(counts)s.")
                % {
                    "file": options["file"],
                    "counts": ", ".join(f"{sheet} {count:,}" for sheet, count in counts.items()),
                }
            )
            return
        with error_file(options["errors"], [_("sheet"), _("row"), _("reason")]) as write_error:

            def on_error(error: RowError) -> None:
                if write_error is not None:
                    write_error([error.sheet, error.row, error.reason])

            try:
                result = roster_import(
                    options["file"], dry_run=options["dry_run"], on_error=on_error
                )
            except TableFileError as exc:
                raise CommandError(str(exc)) from exc
        summary = (
            _("Dry run: would import %(imported)s of %(rows)s rows (%(sheets)s).")
            if options["dry_run"]
            else _("Imported %(imported)s of %(rows)s rows (%(sheets)s).")
        )
        self.stdout.write(
            summary
            % {
                "imported": f"{sum(result.imported.values()):,}",
                "rows": f"{sum(result.rows.values()):,}",
                "sheets": ", ".join(
                    f"{sheet} {result.imported[sheet]:,}/{rows:,}"
                    for sheet, rows in result.rows.items()
                ),
            }
        )
        shown = [
            _("%(sheet)s row %(row)d: %(reason)s")
            % {"sheet": error.sheet, "row": error.row, "reason": error.reason}
            for error in result.errors[:SHOWN_ERRORS]
        ]
        write_refusals(self.stdout, shown, len(result.errors), options["errors"])
