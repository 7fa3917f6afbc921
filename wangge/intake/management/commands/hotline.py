from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from wangge.core.commands import (
    add_table_arguments,
    column_mapping,
    run_table_import,
    write_refusals,
)
from wangge.intake.hotline import HEADERS, RowError, hotline_import


class Command(BaseCommand):
    help = "The 12345 hotline: import work orders from its CSV or XLSX export."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importer = actions.add_parser(
            "import",
            help="import work orders; orders imported before are skipped, bad rows reported",
        )
        add_table_arguments(importer, headers=HEADERS, file_help="the export: .csv or .xlsx")

    def handle(self, *args: Any, **options: Any) -> None:
        mapping = column_mapping(options["map"])
        result = run_table_import(
            lambda on_error, progress: hotline_import(
                options["file"],
                mapping=mapping,
                crs=options["crs"],
                encoding=options["encoding"],
                dry_run=options["dry_run"],
                on_error=on_error,
                progress=progress,
            ),
            stream=self.stderr,
            errors_path=options["errors"],
            header=[_("row"), _("order number"), _("reason")],
            row=_refused_row,
        )

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
        shown = [
            _("row %(row)d, order %(order)s: %(reason)s")
            % {"row": error.row, "order": error.order or "-", "reason": error.reason}
            for error in result.first_errors
        ]
        write_refusals(self.stdout, shown, result.errors, options["errors"])


def _refused_row(error: RowError) -> list[object]:
    return [error.row, error.order, error.reason]
