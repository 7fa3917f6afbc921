from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from wangge.sim.bench import BENCHMARKS


class Command(BaseCommand):
    help = "Run a benchmark; the last line of its output is one JSON object with its figures."

    def add_arguments(self, parser: CommandParser) -> None:
        benches = parser.add_subparsers(dest="name", required=True)
        locate = benches.add_parser("locate", help="point → grid locator at city size")
        locate.add_argument("--units", type=int, default=40_000, help="unit grids (default 40,000)")
        locate.add_argument(
            "--points", type=int, default=1_000_000, help="points (default 1,000,000)"
        )

        for name, help_text in (
            ("sweep", "one sweep over a million open cases, on SQLite and PostgreSQL"),
            ("sweep-one", "the sweep on the configured database (used by sweep)"),
        ):
            sweep = benches.add_parser(name, help=help_text)
            sweep.add_argument("--cases", type=int, default=1_000_000, help="open cases")
            sweep.add_argument("--red", type=int, default=10_000, help="cases just overdue")

        importer = benches.add_parser(
            "import", help="a million 12345 work orders through the import, on SQLite"
        )
        importer.add_argument("--rows", type=int, default=1_000_000, help="work orders")
        importer.add_argument(
            "--postgres", action="store_true", help="also on a PostgreSQL server started for it"
        )
        one = benches.add_parser("import-one", help="the import on the configured database")
        one.add_argument("--rows", type=int, default=1_000_000, help="work orders")

        intake = benches.add_parser(
            "intake", help="Open311 reports through a real server against a bare insert, on SQLite"
        )
        intake.add_argument(
            "--seconds", type=float, default=20, help="seconds of load a side (default 20)"
        )
        intake.add_argument(
            "--concurrency", type=int, default=8, help="concurrent clients (default 8)"
        )
        intake.add_argument(
            "--postgres", action="store_true", help="also on a PostgreSQL server started for it"
        )
        benches.add_parser("intake-load", help="fill a database for intake (used by intake)")

        for name, help_text in (
            ("console", "server time of the command centre with 100,000 open cases, on SQLite"),
            ("console-one", "the command centre on the configured database (used by console)"),
        ):
            console = benches.add_parser(name, help=help_text)
            console.add_argument(
                "--open-cases", type=int, default=100_000, help="open cases (default 100,000)"
            )
            console.add_argument(
                "--requests", type=int, default=30, help="requests a page and user (default 30)"
            )
            console.add_argument(
                "--units", type=int, default=250, help="unit grids in the district (default 250)"
            )

        for name, help_text in (
            ("kpi", "dashboard indicators from the rollups and from the cases, at city size"),
            ("kpi-one", "the KPI benchmark on the configured PostgreSQL database (used by kpi)"),
        ):
            kpi = benches.add_parser(name, help=help_text)
            kpi.add_argument(
                "--cases", type=int, default=10_000_000, help="cases over a year (default 10M)"
            )
            kpi.add_argument(
                "--units", type=int, default=40_000, help="unit grids in the city (default 40,000)"
            )
            kpi.add_argument(
                "--scopes", type=int, default=6, help="towns and districts sampled (default 6 each)"
            )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        arguments = {
            k: options[k]
            for k in (
                "units",
                "points",
                "cases",
                "red",
                "rows",
                "postgres",
                "seconds",
                "concurrency",
                "open_cases",
                "requests",
                "scopes",
            )
            if k in options
        }
        BENCHMARKS[name](out=self.stdout, **arguments)
