from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.catalog.services import catalog_load_defaults


class Command(BaseCommand):
    help = "Manage the case categories and patrol task lists."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser(
            "load-defaults",
            help="create or update the district's categories and base task lists (idempotent)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action'].replace('-', '_')}")(options)

    def handle_load_defaults(self, options: dict[str, Any]) -> None:
        try:
            summary = catalog_load_defaults()
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"categories: {summary.categories_created} created, "
            f"{summary.categories_updated} updated, {summary.categories_unchanged} unchanged\n"
            f"task list items: {summary.task_items_created} created, "
            f"{summary.task_items_updated} updated, {summary.task_items_unchanged} unchanged"
        )
