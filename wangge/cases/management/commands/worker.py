from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from wangge.cases.outbox import deliver
from wangge.cases.sweep import BATCH, sweep

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the clocks: lights, escalation, self-governance deadlines, the notification outbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then exit")
        parser.add_argument(
            "--interval", type=float, default=30, help="seconds between rounds (default 30)"
        )
        parser.add_argument(
            "--batch", type=int, default=BATCH, help=f"cases per transaction (default {BATCH})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = f"{socket.gethostname()}:{os.getpid()}"
        stopping = threading.Event()

        def stop(signum: int, frame: Any) -> None:
            stopping.set()  # finish the round in hand, then leave

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            close_old_connections()
            result = sweep(batch=options["batch"])
            sent = deliver(worker=name)
            if any(vars(result).values()) or sent:
                logger.info("worker %s: %s, %d notifications sent", name, result, sent)
            if options["once"] or stopping.wait(options["interval"]):
                break
