from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.core.server import DEFAULT_BIND, serve


class Command(BaseCommand):
    help = "Serve the platform with a production server (gunicorn) on the configured database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default=DEFAULT_BIND, help=f"HOST:PORT (default {DEFAULT_BIND})"
        )
        parser.add_argument(
            "--workers", type=int, help="worker processes (default: cores + 1, at most 4)"
        )
        parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SECRET_KEY_CONFIGURED and not settings.DEBUG:
            raise CommandError("set WANGGE_SECRET_KEY (or WANGGE_SECRET_KEY_FILE) before serving")
        serve(bind=options["bind"], workers=options["workers"], threads=options["threads"])
