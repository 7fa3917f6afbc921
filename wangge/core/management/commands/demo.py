from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from wangge.core.server import DEFAULT_BIND, serve
from wangge.core.services import calendar_seed_from_package
from wangge.sim.cases import load_history
from wangge.sim.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_is_loaded, load_demo


class Command(BaseCommand):
    help = "Load the demo district into an empty database, then serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default=DEFAULT_BIND, help=f"HOST:PORT (default {DEFAULT_BIND})"
        )
        parser.add_argument("--no-serve", action="store_true", help="load the demo, do not serve")
        parser.add_argument("--workers", type=int, help="worker processes")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        # Every start, not only the first: deadlines need the holidays, seeding is idempotent,
        # and a database loaded before the calendar existed gets it this way.
        calendar = calendar_seed_from_package()
        if calendar.changed:
            self.stdout.write(
                f"Working calendar: holidays {calendar.years[0]}–{calendar.years[-1]} "
                f"from chinesecalendar {calendar.package_version}."
            )
        if demo_is_loaded():
            self.stdout.write("The database already holds grids: the demo is not loaded again.")
        else:
            self.stdout.write(
                "Loading the demo district (闵行区, synthetic grids in the real outline) and "
                "its past week…"
            )
            load_demo(progress=lambda line: self.stdout.write(f"  {line}"))
            load_history(progress=lambda line: self.stdout.write(f"  {line}"))
        host, _, port = options["bind"].rpartition(":")
        address = f"http://{host or '127.0.0.1'}:{port}/"
        self.stdout.write(
            f"\nWangge demo at {address}  (admin: {address}admin/, API: {address}api/v1/docs)"
        )
        self.stdout.write(f"Every demo login has the password {DEMO_PASSWORD}:")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<10} {login.who} — {login.can}")
        self.stdout.flush()
        if not options["no_serve"]:
            # The clocks and a trickle of new cases run beside the server while it serves.
            helpers = [
                subprocess.Popen([sys.executable, "-m", "wangge.cli", *command])
                for command in (["worker", "--interval", "15"], ["sim", "trickle"])
            ]
            try:
                serve(bind=options["bind"], workers=options["workers"])
            finally:
                for helper in helpers:
                    helper.terminate()
                for helper in helpers:
                    helper.wait(timeout=30)
