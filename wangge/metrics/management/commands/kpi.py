"""``wangge kpi rebuild`` and ``wangge kpi check``: the rollups from the case events alone."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from wangge.metrics.rollups import differences, rebuild

SHOWN = 50


class Command(BaseCommand):
    help = "Rebuild the indicator rollups from the case events, or check them against the events."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("what", choices=["rebuild", "check"])

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        if what == "rebuild":
            rebuilt = rebuild()
            self.stdout.write(
                f"rebuilt {rebuilt.cases} case rollup rows and "
                f"{rebuilt.scopes} scope rollup rows from the events"
            )
            return
        found = differences()
        for difference in found[:SHOWN]:
            self.stdout.write(str(difference))
        if len(found) > SHOWN:
            self.stdout.write(f"… and {len(found) - SHOWN} more")
        if found:
            raise CommandError(f"{len(found)} differences between the rollups and the events")
        self.stdout.write("the rollups agree with the events")
