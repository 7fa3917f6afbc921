from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wangge.sim.cases import load_history, trickle


class Command(BaseCommand):
    help = "Simulated case streams for the demo: a week of history, or a live trickle."

    def add_arguments(self, parser: CommandParser) -> None:
        streams = parser.add_subparsers(dest="stream", required=True)
        history = streams.add_parser("history", help="load past days of cases")
        history.add_argument("--days", type=int, default=7)
        history.add_argument("--per-day", type=float, default=80)
        live = streams.add_parser("trickle", help="a new case every few seconds until stopped")
        live.add_argument("--every", type=float, default=20, help="seconds between cases")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["stream"] == "history":
            load_history(
                days=options["days"],
                per_day=options["per_day"],
                progress=lambda line: self.stdout.write(line),
            )
            return
        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        signal.signal(signal.SIGINT, lambda *_: stopping.set())
        trickle(every=options["every"], stop=stopping.wait)
