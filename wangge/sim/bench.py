"""Benchmarks: each prints a readable table, then one JSON object with its figures as the last line.

Each measures our code and, where a ratio matters, the bare library on the same data in the
same run, so the ratio does not depend on the machine.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TextIO

import numpy as np
import shapely

from wangge.grids.choices import GridLevel
from wangge.grids.locator import GridIndex, GridRef, IndexedGrid
from wangge.sim.bench_console import bench_console, bench_console_one
from wangge.sim.bench_intake import bench_intake, bench_intake_load
from wangge.sim.bench_kpi import bench_kpi, bench_kpi_one
from wangge.sim.grids import SimSize, district_outlines, generate_city

REPEATS = 3


def bench_locate(*, units: int = 40_000, points: int = 1_000_000, out: TextIO) -> dict[str, Any]:
    """Points per second of the locator against a bare shapely STRtree query on the same blocks."""
    districts = len(district_outlines())
    size = SimSize(
        towns_per_district=13,
        areas_per_town=3,
        units_per_district=max(1, units // districts),
        blocks_per_unit=10,
    )
    started = time.perf_counter()
    city = generate_city(size=size)
    generate_s = time.perf_counter() - started
    grids = [
        IndexedGrid(GridRef(i, g.code, g.name, g.level, g.kind), None, g.boundary)
        for i, g in enumerate(city)
    ]
    ids = {g.code: i for i, g in enumerate(city)}
    grids = [
        IndexedGrid(grid.ref, ids[g.parent_code] if g.parent_code else None, grid.boundary)
        for grid, g in zip(grids, city, strict=True)
    ]
    started = time.perf_counter()
    index = GridIndex(grids)
    build_s = time.perf_counter() - started
    blocks = [g.boundary for g in city if g.level == GridLevel.BLOCK]
    lng, lat = _points_in_city(points)

    bare_tree = shapely.STRtree(blocks)

    def bare() -> None:
        bare_tree.query(shapely.points(lng, lat), predicate="intersects")

    def ours() -> None:
        index.locate_ids(lng, lat)

    bare_s = _best_of(bare)
    ours_s = _best_of(ours)
    located = index.locate_ids(lng, lat)
    figures = {
        "bench": "locate",
        "ours_pts_per_s": round(points / ours_s),
        "bare_pts_per_s": round(points / bare_s),
        "ratio": round(bare_s / ours_s, 3),
    }
    rows = [
        ("unit grids", f"{sum(1 for g in city if g.level == GridLevel.UNIT):,}"),
        ("blocks", f"{len(blocks):,}"),
        ("all grids", f"{len(city):,}"),
        ("points", f"{points:,}"),
        ("points in a grid", f"{int((located >= 0).sum()):,}"),
        ("generate the city", f"{generate_s:.1f} s"),
        ("build our index", f"{build_s:.1f} s"),
        ("bare STRtree query", f"{bare_s:.2f} s  {figures['bare_pts_per_s']:>12,} points/s"),
        ("our locator", f"{ours_s:.2f} s  {figures['ours_pts_per_s']:>12,} points/s"),
        ("ours / bare", f"{figures['ratio']:.1%}"),
    ]
    width = max(len(name) for name, _ in rows)
    out.write(f"locate: best of {REPEATS} runs, one batch of {points:,} WGS-84 points\n")
    for name, value in rows:
        out.write(f"  {name:<{width}}  {value}\n")
    out.write(json.dumps(figures) + "\n")
    return figures


def _best_of(run: Callable[[], None]) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def _points_in_city(count: int, seed: int = 12345) -> tuple[np.ndarray, np.ndarray]:
    """``count`` points spread evenly over the land of the sixteen districts."""
    city = shapely.union_all([outline for _, outline in district_outlines().values()])
    shapely.prepare(city)
    min_x, min_y, max_x, max_y = city.bounds
    rng = np.random.default_rng(seed)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    total = 0
    while total < count:
        x = rng.uniform(min_x, max_x, count)
        y = rng.uniform(min_y, max_y, count)
        inside = shapely.contains_xy(city, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        total += int(inside.sum())
    return np.concatenate(xs)[:count], np.concatenate(ys)[:count]


BENCHMARKS: dict[str, Callable[..., dict[str, Any]]] = {"locate": bench_locate}


def bench_sweep(*, cases: int = 1_000_000, red: int = 10_000, out: TextIO) -> dict[str, Any]:
    """One sweep over ``cases`` open cases of which ``red`` have just passed their deadline, on
    SQLite and on PostgreSQL, each in a fresh database of its own (a child process apiece)."""
    import os
    import subprocess
    import sys
    import tempfile

    from wangge.testing.postgres import postgres_server

    def run(database_url: str) -> dict[str, Any]:
        env = {**os.environ, "WANGGE_DB": database_url}
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "wangge.cli",
                "bench",
                "sweep-one",
                "--cases",
                str(cases),
                "--red",
                str(red),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return dict(json.loads(child.stdout.strip().splitlines()[-1]))

    with tempfile.TemporaryDirectory(prefix="wangge-bench-") as folder:
        sqlite = run(f"sqlite:///{folder}/sweep.sqlite3")
    with postgres_server() as url:
        postgres = run(url)
    out.write(f"sweep: {cases:,} open cases, {red:,} just overdue, one sweep\n")
    for name, figures in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        out.write(
            f"  {name:<10}  load {figures['load_s']:6.1f} s   sweep {figures['sweep_s']:.3f} s   "
            f"yellow {figures['turned_yellow']:,}  red {figures['turned_red']:,}  "
            f"escalated {figures['escalated']:,}  outbox {figures['notifications']:,}\n"
        )
    for figures in (sqlite, postgres):
        # A sweep that found nothing to do would be fast and meaningless.
        if (figures["turned_red"], figures["turned_yellow"]) != (red, red):
            raise RuntimeError(f"the sweep did not do the planted work: {figures}")
    figures = {"bench": "sweep", "sqlite_s": sqlite["sweep_s"], "postgres_s": postgres["sweep_s"]}
    out.write(json.dumps(figures) + "\n")
    return figures


def bench_sweep_one(*, cases: int, red: int, out: TextIO) -> dict[str, Any]:
    """The sweep on the configured database: load it, then time one sweep (a child of
    ``bench_sweep``; prints one JSON line)."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from wangge.cases.sweep import sweep
    from wangge.catalog.services import catalog_load_defaults
    from wangge.grids.services import grids_import
    from wangge.grids.testing import small_tree

    call_command("migrate", interactive=False, verbosity=0)
    grids_import(small_tree())
    catalog_load_defaults()
    started = time.perf_counter()
    now = timezone.now()
    _load_open_cases(connection, cases=cases, red=red, now=now)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    result = sweep(now=now)
    sweep_s = time.perf_counter() - started
    figures = {"load_s": round(load_s, 1), "sweep_s": round(sweep_s, 3), **vars(result)}
    out.write(json.dumps(figures) + "\n")
    return figures


def _load_open_cases(connection: Any, *, cases: int, red: int, now: Any) -> None:
    """``cases`` dispatched cases: most on time, ``red`` overdue by up to ten minutes, as many
    turning yellow, and a hundredth of the red ones due for the next escalation level."""
    import datetime

    from django.db import transaction

    from wangge.cases.models import Case
    from wangge.catalog.models import Category
    from wangge.grids.models import Grid

    grid_ids = list(Grid.objects.filter(level=GridLevel.BLOCK).values_list("id", flat=True))
    category_id = Category.objects.filter(parent__isnull=False).values_list("id", flat=True)[0]
    adapt = connection.ops.adapt_datetimefield_value
    rng = np.random.default_rng(7)
    columns = [
        "number",
        "channel",
        "category_id",
        "grid_id",
        "lng",
        "lat",
        "address",
        "description",
        "reporter_name",
        "reporter_phone",
        "reporter_shares_contact",
        "urgent",
        "proactive",
        "status",
        "status_before_suspension",
        "light",
        "yellow_at",
        "due_by",
        "clock_due",
        "escalation_level",
        "escalate_at",
        "version",
        "reported_at",
        "registered_at",
        "dispatched_at",
    ]
    minutes = datetime.timedelta(minutes=1)

    def row(i: int) -> tuple[Any, ...]:
        light, escalation, escalate_at = "green", 0, None
        if i < red:  # just overdue
            due, yellow, light = now - minutes * (1 + i % 10), now - minutes * 600, "yellow"
        elif i < 2 * red:  # just turning yellow
            due, yellow = now + minutes * 60, now - minutes * (1 + i % 10)
        elif i < 2 * red + red // 100:  # overdue for a day: the next level is due
            due, yellow, light = now - minutes * 1500, now - minutes * 3000, "red"
            escalation, escalate_at = 1, now - minutes * 5
        else:
            due = now + minutes * int(rng.integers(120, 20_000))
            yellow = due - minutes * 60
        reported = now - minutes * 600
        return (
            f"B{i:012d}",
            "patrol",
            category_id,
            grid_ids[i % len(grid_ids)],
            121.3,
            31.0,
            "",
            "bench",
            "",
            "",
            False,
            False,
            True,
            "dispatched",
            "",
            light,
            adapt(yellow),
            adapt(due),
            adapt(due),
            escalation,
            adapt(escalate_at) if escalate_at else None,
            2,
            adapt(reported),
            adapt(reported),
            adapt(reported),
        )

    table = Case._meta.db_table
    names = ", ".join(columns)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for i in range(cases):
                    copy.write_row(row(i))
        else:
            marks = ", ".join(["%s"] * len(columns))
            for start in range(0, cases, 50_000):
                cursor.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})",
                    [row(i) for i in range(start, min(cases, start + 50_000))],
                )
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) keep them.
        cursor.execute(f"ANALYZE {table}")


BENCHMARKS["sweep"] = bench_sweep
BENCHMARKS["sweep-one"] = bench_sweep_one


def bench_import(*, rows: int = 1_000_000, postgres: bool = False, out: TextIO) -> dict[str, Any]:
    """``rows`` 12345 work orders imported from a CSV file into the demo district, on a fresh
    SQLite database (and PostgreSQL, if asked), each in a child process of its own."""
    import os
    import subprocess
    import sys
    import tempfile

    from wangge.testing.postgres import postgres_server

    def run(database_url: str) -> dict[str, Any]:
        env = {**os.environ, "WANGGE_DB": database_url}
        command = [sys.executable, "-m", "wangge.cli", "bench", "import-one", "--rows", str(rows)]
        child = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if child.returncode:
            raise RuntimeError(f"the import benchmark failed:\n{child.stderr}")
        return dict(json.loads(child.stdout.strip().splitlines()[-1]))

    runs: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="wangge-bench-") as folder:
        runs.append(("SQLite", run(f"sqlite:///{folder}/import.sqlite3")))
    if postgres:
        with postgres_server() as url:
            runs.append(("PostgreSQL", run(url)))
    first = runs[0][1]
    out.write(
        f"import: {rows:,} work orders of the 12345 hotline in one CSV file "
        f"({first['csv_mb']:.0f} MB, GCJ-02) into the demo district ({first['grids']:,} grids)\n"
    )
    for name, figures in runs:
        table = [
            (
                "import: read, check, locate, match, write",
                f"{figures['import_s']:.1f} s  {figures['rows_per_s']:>9,} rows/s",
            ),
            ("imported", f"{figures['imported']:,}"),
            ("refused (planted)", f"{figures['errors']:,}"),
            ("matched an earlier patrol find", f"{figures['matched']:,}"),
            ("the same file again, all skipped", f"{figures['again_s']:.1f} s"),
        ]
        width = max(len(label) for label, _ in table)
        out.write(f"  {name}\n")
        for label, value in table:
            out.write(f"    {label:<{width}}  {value}\n")
    figures = {"bench": "import", "rows": rows, "rows_per_s": first["rows_per_s"]}
    if postgres:
        figures["postgres_rows_per_s"] = runs[1][1]["rows_per_s"]
    out.write(json.dumps(figures) + "\n")
    return figures


def bench_import_one(*, rows: int, out: TextIO) -> dict[str, Any]:
    """The import on the configured database: the demo district, a hundredth of the rows as
    earlier patrol finds that as many rows complain about again, a thousandth of the rows wrong;
    then the import, timed, and the same file once more (a child of ``bench_import``; prints one
    JSON line)."""
    import tempfile
    from pathlib import Path

    from django.core.management import call_command

    from wangge.catalog.services import catalog_load_defaults
    from wangge.grids.services import grids_import
    from wangge.intake.hotline import hotline_import
    from wangge.sim.grids import MINHANG, generate_district

    call_command("migrate", interactive=False, verbosity=0)
    district = generate_district(MINHANG)
    grids_import(g.as_record() for g in district)
    catalog_load_defaults()
    with tempfile.TemporaryDirectory(prefix="wangge-bench-") as folder:
        path = Path(folder) / "12345.csv"
        planted = _write_work_orders(path, rows, outline=district[0].boundary)
        started = time.perf_counter()
        result = hotline_import(path)
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        again = hotline_import(path)
        again_s = time.perf_counter() - started
        csv_mb = path.stat().st_size / 1e6
    # An import that refused or skipped what it should not have would be fast and meaningless.
    if (result.imported, result.errors, again.skipped) != (
        rows - planted["wrong"],
        planted["wrong"],
        rows - planted["wrong"],
    ) or result.matched < planted["matches"]:
        raise RuntimeError(f"the import did not do the planted work: {result}, {planted}")
    figures = {
        "grids": len(district),
        "csv_mb": round(csv_mb, 1),
        "import_s": round(import_s, 2),
        "rows_per_s": round(rows / import_s),
        "again_s": round(again_s, 2),
        "imported": result.imported,
        "errors": result.errors,
        "matched": result.matched,
    }
    out.write(json.dumps(figures) + "\n")
    return figures


def _write_work_orders(path: Any, rows: int, *, outline: Any) -> dict[str, int]:
    """A 12345 export of ``rows`` work orders over the last 30 days inside ``outline``, in
    GCJ-02 and Beijing time, sorted by order number; a hundredth of them come within 20 m and
    a day after a patrol find of their kind (the finds are written first), a thousandth are
    wrong (an unknown category, a time that is none, a point off the map). Returns what was
    planted."""
    import csv
    import datetime

    from django.utils import timezone

    from wangge.cases.bulk import NewCase, cases_import
    from wangge.cases.choices import Channel
    from wangge.catalog.models import Category
    from wangge.core.coords import CRS, from_wgs84
    from wangge.intake.hotline import HEADERS
    from wangge.sim.grids import points_inside

    rng = np.random.default_rng(12345)
    categories = list(Category.objects.filter(parent__isnull=False, is_active=True))
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    now = timezone.now().astimezone(beijing).replace(microsecond=0)
    points = points_inside(outline, rows, rng)
    ago = np.sort(rng.uniform(60, 30 * 86_400, rows))[::-1]
    kinds = rng.integers(0, len(categories), rows)
    chosen = rng.permutation(rows)
    matches, wrong = chosen[: rows // 100], chosen[rows // 100 : rows // 100 + rows // 1000]

    # The patrol finds: a day at most before the complaints about them, 20 m away at most.
    finds = [
        NewCase(
            category=categories[kinds[i]],
            lng=float(points[i, 0]) + rng.uniform(-1.5e-4, 1.5e-4),
            lat=float(points[i, 1]) + rng.uniform(-1.2e-4, 1.2e-4),
            description="巡查发现",
            reported_at=now - datetime.timedelta(seconds=float(ago[i] + rng.uniform(60, 86_000))),
        )
        for i in matches
    ]
    # A find nudged off the map is refused: the complaint about it then has nothing to match.
    written = 0
    for start in range(0, len(finds), 10_000):
        done = cases_import(channel=Channel.PATROL, reports=finds[start : start + 10_000])
        written += sum(1 for case_id in done.ids if case_id is not None)

    lng, lat = from_wgs84(points[:, 0], points[:, 1], CRS.GCJ02)
    lng[wrong[2::3]], lat[wrong[2::3]] = 0.0, 0.0
    names = [c.name for c in categories]
    unknown, not_a_time = set(wrong[0::3].tolist()), set(wrong[1::3].tolist())
    header = [headers[0] for headers in HEADERS.values()]
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for i in range(rows):
            moment = now - datetime.timedelta(seconds=float(ago[i]))
            writer.writerow(
                [
                    f"{moment:%Y%m%d}{i:08d}",
                    "市民来电反映：" + names[kinds[i]] + "，请尽快处理",
                    f"闵行区某某路{i % 2000}号",
                    f"{lng[i]:.7f}",
                    f"{lat[i]:.7f}",
                    "不存在的分类" if i in unknown else names[kinds[i]],
                    "市民",
                    f"138{i % 100_000_000:08d}",
                    "昨天下午" if i in not_a_time else f"{moment:%Y-%m-%d %H:%M:%S}",
                ]
            )
    return {"matches": written, "wrong": len(wrong)}


BENCHMARKS["import"] = bench_import
BENCHMARKS["import-one"] = bench_import_one

BENCHMARKS["intake"] = bench_intake
BENCHMARKS["intake-load"] = bench_intake_load

BENCHMARKS["console"] = bench_console
BENCHMARKS["console-one"] = bench_console_one

BENCHMARKS["kpi"] = bench_kpi
BENCHMARKS["kpi-one"] = bench_kpi_one
