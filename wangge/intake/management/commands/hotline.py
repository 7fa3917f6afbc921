from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from wangge.core.commands import (
    ProgressBar,
    add_table_arguments,
    column_mapping,
    error_file,
    write_refusals,
)
from wangge.core.tables import ColumnsNotFound, TableFileError
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
        bar = ProgressBar(self.stderr)
        with error_file(
            options["errors"], [_("row"), _("order number"), _("reason")]
        ) as write_error:

            def on_error(error: RowError) -> None:
                if write_error is not None:
                    write_error([error.row, error.order, error.reason])

            try:
                result = hotline_import(
                    options["file"],
                    mapping=mapping,
                    crs=options["crs"],
                    encoding=options["encoding"],
                    dry_run=options["dry_run"],
                    on_error=on_error,
                    progress=bar,
                )
            except ColumnsNotFound as exc:
                hint = _("Name the columns of this file with --map FIELD=HEADER.")
                raise CommandError(f"{exc}\n{hint}") from exc
            except TableFileError as exc:
                raise CommandError(str(exc)) from exc
            finally:
                bar.end()

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
