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
from wangge.records.choices import RecordKind
from wangge.records.imports import HEADERS, RowError, records_import

PLURALS = {
    RecordKind.SHOP: "shops and their shopfront holders",
    RecordKind.BUILDING: "buildings",
    RecordKind.FACILITY: "facilities under their 16-digit codes",
    RecordKind.COMPANY: "companies under their unified social credit codes",
}


class Command(BaseCommand):
    help = "Grid records: shops, buildings, facilities and companies from district spreadsheets."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importer = actions.add_parser(
            "import",
            help="import one kind of record; known ones are updated, bad rows reported",
        )
        kinds = importer.add_subparsers(dest="kind", required=True, metavar="KIND")
        for kind, what in PLURALS.items():
            add_table_arguments(
                kinds.add_parser(kind.value, help=f"{what} from a .csv or .xlsx file"),
                headers=HEADERS[kind],
                file_help="the spreadsheet: .csv or .xlsx",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        mapping = column_mapping(options["map"])
        result = run_table_import(
            lambda on_error, progress: records_import(
                options["kind"],
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
            header=[_("row"), _("key"), _("reason")],
            row=_refused_row,
        )

        counts = {
            "created": f"{result.created:,}",
            "updated": f"{result.updated:,}",
            "unchanged": f"{result.unchanged:,}",
            "errors": f"{result.errors:,}",
        }
        summary = (
            _(
                "Dry run: would add %(created)s, update %(updated)s, leave %(unchanged)s as "
                "they are, refuse %(errors)s rows."
            )
            if options["dry_run"]
            else _(
                "Added %(created)s, updated %(updated)s, %(unchanged)s unchanged, "
                "%(errors)s errors."
            )
        )
        self.stdout.write(summary % counts)
        shown = [
            _("row %(row)d, %(key)s: %(reason)s")
            % {"row": error.row, "key": error.key or "-", "reason": error.reason}
            for error in result.first_errors
        ]
        write_refusals(self.stdout, shown, result.errors, options["errors"])


def _refused_row(error: RowError) -> list[object]:
    return [error.row, error.key, error.reason]
