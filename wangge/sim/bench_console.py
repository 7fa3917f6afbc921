"""``wangge bench console``: the server time of the command centre with a district's worth of
open cases.

A child process fills a throwaway SQLite database with the demo district (its grids, centres,
departments and people) and the open cases, spread over the district, its statuses and lights,
held where the workflow would have put them. Then it times the centre's pages in process with
Django's test client, the whole request through the project's middleware: the time the server
spends on a request, without a network or a browser.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

WARM_UP = 2
# Shares of the open statuses: what a district's open cases look like at a busy moment.
STATUSES = {
    "reported": 0.08,
    "self_governance": 0.12,
    "registered": 0.08,
    "dispatched": 0.2,
    "accepted": 0.25,
    "on_site": 0.07,
    "handled": 0.15,
    "returned": 0.05,
}
LIGHTS = {"green": 0.7, "yellow": 0.15, "red": 0.15}
URGENT_SHARE = 0.02
USERS = ("district", "town")
BATCH = 20_000


@dataclass(frozen=True)
class Page:
    """One address the benchmark requests, by what it shows."""

    name: str
    path: str


def bench_console(
    *, open_cases: int = 100_000, requests: int = 30, units: int = 250, out: TextIO
) -> dict[str, Any]:
    """The p95 server time of the centre's pages with ``open_cases`` open cases in the demo
    district (``units`` unit grids), ``requests`` requests a page and user, in a child process
    on a database of its own."""
    with tempfile.TemporaryDirectory(prefix="wangge-bench-") as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WANGGE_")}
        env |= {
            "WANGGE_DATA_DIR": folder,
            "WANGGE_DB": f"sqlite:///{folder}/console.sqlite3",
            "WANGGE_DEBUG": "false",
        }
        command = [
            sys.executable,
            "-m",
            "wangge.cli",
            "bench",
            "console-one",
            "--open-cases",
            str(open_cases),
            "--requests",
            str(requests),
            "--units",
            str(units),
        ]
        child = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if child.returncode:
            raise RuntimeError(f"the console benchmark failed:\n{child.stderr}")
        measured = json.loads(child.stdout.strip().splitlines()[-1])
    rows = measured["pages"]
    out.write(
        f"console: {measured['open_cases']:,} open cases in the demo district "
        f"({measured['grids']:,} grids), {requests} requests a page and user after {WARM_UP} "
        f"to warm up; server time in process (load {measured['load_s']:.0f} s). CPU is the "
        f"process's own time, which other work on the machine moves less than the clock's\n"
    )
    width = max(len(row["page"]) for row in rows)
    out.write(
        f"  {'page':<{width}}  {'user':<8}  {'rows':>6}  {'p50 ms':>7}  {'p95 ms':>7}  "
        f"{'CPU p95':>7}\n"
    )
    for row in rows:
        out.write(
            f"  {row['page']:<{width}}  {row['user']:<8}  {row['rows']:>6}  "
            f"{row['p50_ms']:>7.1f}  {row['p95_ms']:>7.1f}  {row['cpu_p95_ms']:>7.1f}\n"
        )
    figures = {
        "bench": "console",
        "open_cases": measured["open_cases"],
        "p95_ms": max(row["p95_ms"] for row in rows),
    }
    out.write(json.dumps(figures) + "\n")
    return figures


def bench_console_one(*, open_cases: int, requests: int, units: int, out: TextIO) -> dict[str, Any]:
    """The measurement on the configured database: load the district and its cases, then time
    each page as each user (a child of ``bench_console``; prints one JSON line)."""
    from django.core.management import call_command
    from django.db import connection

    from wangge.grids.models import Grid
    from wangge.sim.demo import load_demo
    from wangge.sim.grids import SimSize

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    load_demo(size=SimSize(units_per_district=units), progress=lambda _line: None)
    _load_open_cases(open_cases)
    with connection.cursor() as cursor:
        # Fresh statistics, as a periodic ANALYZE keeps them.
        cursor.execute("ANALYZE")
    load_s = time.perf_counter() - started
    pages = []
    for username in USERS:
        for page in _pages(username):
            timings, cpu, rows = _time(username, page.path, requests)
            pages.append(
                {
                    "page": page.name,
                    "user": username,
                    "rows": rows,
                    "p50_ms": round(float(np.percentile(timings, 50)), 1),
                    "p95_ms": round(float(np.percentile(timings, 95)), 1),
                    "cpu_p95_ms": round(float(np.percentile(cpu, 95)), 1),
                }
            )
    figures = {
        "open_cases": open_cases,
        "grids": Grid.objects.count(),
        "load_s": round(load_s, 1),
        "pages": pages,
    }
    out.write(json.dumps(figures) + "\n")
    return figures


def _pages(username: str) -> list[Page]:
    """The centre's pages as ``username`` sees them: whole, its live list and its markers, each
    without and with filters a dispatcher would set, and a layer of grids."""
    from django.urls import reverse

    from wangge.catalog.models import Category
    from wangge.grids.choices import GridLevel
    from wangge.grids.models import Grid
    from wangge.people.models import Person

    person = Person.objects.select_related("organisation__jurisdiction").get(
        user__username=username
    )
    area = (
        Grid.objects.filter(
            level=GridLevel.AREA, path__startswith=person.organisation.jurisdiction.path
        )
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    main_class = Category.objects.filter(parent__isnull=True, family="event").order_by("code")[0]
    red = f"light=red&category={main_class.pk}&period=7d"
    centre, live, markers, grids = (
        reverse(f"web:{name}") for name in ("centre", "centre-live", "centre-cases", "centre-grids")
    )
    return [
        Page("centre page", centre),
        Page("live list", live),
        Page("live list: red, one class, 7 days", f"{live}?{red}"),
        Page("live list: one area, by deadline", f"{live}?grid={area}&order=deadline"),
        Page("map markers", markers),
        Page("map markers: red, one class, 7 days", f"{markers}?{red}"),
        Page("grid layer: units", f"{grids}?level=unit"),
    ]


def _time(username: str, path: str, requests: int) -> tuple[list[float], list[float], int]:
    """Milliseconds of each of ``requests`` requests after the warm-up, by the clock and of
    the process's CPU, and how many cases the last answer carried (listed, or on the map)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=username))
    timings, cpu = [], []
    response = None
    for attempt in range(WARM_UP + requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        elapsed_cpu = (time.process_time() - started_cpu) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{path} as {username}: {response.status_code}")
        if attempt >= WARM_UP:
            timings.append(elapsed)
            cpu.append(elapsed_cpu)
    assert response is not None
    return timings, cpu, _rows(response)


def _rows(response: Any) -> int:
    if response["Content-Type"] == "application/geo+json":
        return len(json.loads(response.content)["features"])
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        return len(body["points"]) + sum(group["count"] for group in body["groups"])
    return response.content.count(b'class="case-row')


def _load_open_cases(count: int, seed: int = 2017) -> None:
    """``count`` open cases at random points of the district, in each status by ``STATUSES``,
    held where the workflow would have put them: a report by nobody yet, self-governance by the
    unit's station, registered and returned cases by the town's centre, the others by a
    department's town office. Written in bulk, without their events: the centre reads none."""
    from django.db import transaction
    from django.utils import timezone
    from shapely.geometry import shape

    from wangge.cases.choices import Channel
    from wangge.cases.models import Case
    from wangge.catalog.models import Category
    from wangge.core.bulk import bulk_insert
    from wangge.grids.choices import GridLevel
    from wangge.grids.locator import grid_index
    from wangge.grids.models import Grid
    from wangge.people.models import Organisation
    from wangge.sim.grids import points_inside

    rng = np.random.default_rng(seed)
    now = timezone.now()
    district = Grid.objects.get(level=GridLevel.DISTRICT)
    points = points_inside(shape(district.geometry), count, rng)
    index = grid_index()
    grid_ids = index.locate_ids(points[:, 0], points[:, 1])
    holders = _Holders(Organisation.objects.filter(is_active=True))
    categories = list(Category.objects.filter(parent__isnull=False, is_active=True))
    statuses = rng.choice(list(STATUSES), size=count, p=list(STATUSES.values()))
    lights = rng.choice(list(LIGHTS), size=count, p=list(LIGHTS.values()))
    channels = rng.choice(Channel.values, size=count)
    kinds = rng.integers(0, len(categories), count)
    urgent = rng.random(count) < URGENT_SHARE
    ago = rng.uniform(0, 14 * 86_400, count)
    left = rng.uniform(60, 7 * 86_400, count)
    columns: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
    for i in range(count):
        chain = index.chain(int(grid_ids[i]))
        status = str(statuses[i])
        light = "none" if status == "reported" else str(lights[i])
        reported = now - datetime.timedelta(seconds=float(ago[i]))
        due = None  # a report is on no clock yet
        if light == "red":
            due = now - datetime.timedelta(seconds=float(left[i]) / 20)
        elif light != "none":
            due = now + datetime.timedelta(
                seconds=float(left[i]) / (10 if light == "yellow" else 1)
            )
        values = {
            "number": f"{reported:%Y%m%d}{i:07d}",
            "channel": str(channels[i]),
            "category": categories[kinds[i]].pk,
            "grid": int(grid_ids[i]),
            "lng": float(points[i, 0]),
            "lat": float(points[i, 1]),
            "description": "bench",
            "urgent": bool(urgent[i]),
            "proactive": str(channels[i]) in Channel.grid_forces(),
            "status": status,
            "holder": holders.of(status, chain, rng),
            "light": light,
            "due_by": due,
            "clock_due": due,
            "reported_at": reported,
            "registered_at": None if status == "reported" else reported,
            "dispatched_at": reported if status in _WITH_DEPARTMENTS else None,
        }
        for name, value in values.items():
            columns[name].append(value)
    with transaction.atomic():
        for start in range(0, count, BATCH):
            bulk_insert(
                Case, {name: values[start : start + BATCH] for name, values in columns.items()}
            )


_COLUMNS = (
    "number",
    "channel",
    "category",
    "grid",
    "lng",
    "lat",
    "description",
    "urgent",
    "proactive",
    "status",
    "holder",
    "light",
    "due_by",
    "clock_due",
    "reported_at",
    "registered_at",
    "dispatched_at",
)
_WITH_DEPARTMENTS = frozenset({"dispatched", "accepted", "on_site", "handled"})


class _Holders:
    """Who holds a case in each status, by the grids of its chain."""

    def __init__(self, organisations: Any) -> None:
        from wangge.people.choices import OrganisationKind

        self.centres: dict[int, int] = {}
        self.stations: dict[int, int] = {}
        self.offices: dict[int, list[int]] = {}
        for organisation in organisations:
            grid = organisation.jurisdiction_id
            if organisation.kind == OrganisationKind.TOWN_CENTRE:
                self.centres[grid] = organisation.pk
            elif organisation.kind in (OrganisationKind.WORKSTATION, OrganisationKind.COMMITTEE):
                self.stations[grid] = organisation.pk
            elif organisation.kind == OrganisationKind.DEPARTMENT_OFFICE:
                self.offices.setdefault(grid, []).append(organisation.pk)

    def of(self, status: str, chain: Any, rng: np.random.Generator) -> int | None:
        town, unit = chain[1].id, chain[3].id
        if status == "reported":
            return None
        if status == "self_governance":
            return self.stations.get(unit)
        if status in _WITH_DEPARTMENTS:
            offices = self.offices[town]
            return offices[int(rng.integers(0, len(offices)))]
        return self.centres[town]
