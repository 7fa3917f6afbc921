from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wangge.cases.choices import Channel
from wangge.intake.keys import api_key_create


class Command(BaseCommand):
    help = "Open311 GeoReport v2: make API keys for the systems that report through it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        key = actions.add_parser("key", help="a new API key; printed once, as the last line")
        key.add_argument("name", help="who the key is for, e.g. the app or partner's name")
        key.add_argument(
            "--channel",
            default=Channel.CITIZEN.value,
            choices=Channel.values,
            help="what reports with this key count as (default: citizen)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            key, raw = api_key_create(name=options["name"], channel=options["channel"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"API key for {key.name} ({key.get_channel_display()}); keep it safe:")
        self.stdout.write(raw)
