"""``wangge bench kpi``: every dashboard indicator for towns and districts of a city, over periods
from a day to a year, read from the rollups, against the same indicators computed straight over
the cases table in the same run.

A child process fills a throwaway PostgreSQL server (on 127.0.0.1, started for the run) with the
synthetic Shanghai of ``sim.grids`` (its unit grids, no blocks), a centre and department offices
in every town, the catalog, and a year of cases with their events and whistles
(``sim.kpi_history``, by COPY). The rollups are then built by the project's own rebuild
(``wangge kpi rebuild``), from the events alone. Each sampled scope and period is read from the
rollups; a fixed few of them (``RAW_SAMPLE``) are also read straight over the cases, and the run
fails unless both give the same counters.

The raw side gets the indexes it needs (registration, closure and event times, added to the
throwaway database only): it is the honest best of a query over the cases, not a straw man.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from wangge.grids.choices import GridLevel

YEAR_START = datetime.date(2025, 1, 1)
REPEATS = 3
# The readings also taken straight over the cases and compared, value by value: every period
# of the first town picked, a day, a month and the year (the worst) of the first district. The
# rest are read from the rollups only: at 10 million cases a district's year straight over the
# cases takes about a minute.
RAW_SAMPLE = {
    GridLevel.TOWN: ("day", "week", "month", "quarter", "year", "odd range"),
    GridLevel.DISTRICT: ("day", "month", "year"),
}
# The raw side's own indexes: what a query over the cases by these times would want.
RAW_INDEXES = (
    "CREATE INDEX bench_case_registered ON cases_case (registered_at)",
    "CREATE INDEX bench_case_closed ON cases_case (closed_at)",
    "CREATE INDEX bench_event_action_at ON cases_caseevent (action, at)",
    "CREATE INDEX bench_event_case_action ON cases_caseevent (case_id, action)",
    "CREATE INDEX bench_whistle_blown ON cases_whistle (blown_at)",
)


@dataclass(frozen=True)
class Period:
    """A named range of whole days, both ends included."""

    name: str
    start: datetime.date
    end: datetime.date


def periods(year_start: datetime.date = YEAR_START) -> list[Period]:
    """A day, a week, a month, a quarter, the year and an odd range, inside the year."""
    day = datetime.timedelta(days=1)
    return [
        Period("day", year_start + 200 * day, year_start + 200 * day),
        Period("week", year_start + 160 * day, year_start + 166 * day),
        Period("month", year_start.replace(month=6), year_start.replace(month=6, day=30)),
        Period("quarter", year_start.replace(month=7), year_start.replace(month=9, day=30)),
        Period("year", year_start, year_start.replace(month=12, day=31)),
        Period("odd range", year_start + 45 * day, year_start + 262 * day),
    ]


def bench_kpi(
    *, cases: int = 10_000_000, units: int = 40_000, scopes: int = 6, out: TextIO
) -> dict[str, Any]:
    """The worst time of a dashboard's indicators from the rollups and straight from the cases,
    over ``scopes`` towns and as many districts of a city of ``units`` unit grids holding
    ``cases`` cases, in a child process on a PostgreSQL server of its own."""
    from wangge.testing.postgres import postgres_server

    with postgres_server() as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WANGGE_")}
        env |= {"WANGGE_DB": url, "WANGGE_DEBUG": "false"}
        command = [
            sys.executable,
            "-m",
            "wangge.cli",
            "bench",
            "kpi-one",
            "--cases",
            str(cases),
            "--units",
            str(units),
            "--scopes",
            str(scopes),
        ]
        child = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if child.returncode:
            raise RuntimeError(f"the KPI benchmark failed:\n{child.stderr[-5000:]}")
        measured = json.loads(child.stdout.strip().splitlines()[-1])
    _report(measured, out)
    figures = {
        "bench": "kpi",
        "cases": measured["cases"],
        "worst_ms": max(row["rollup_ms"] for row in measured["rows"]),
        "raw_worst_ms": max(row["raw_ms"] or 0 for row in measured["rows"]),
        "raw_readings": sum(row["raw_ms"] is not None for row in measured["rows"]),
    }
    out.write(json.dumps(figures) + "\n")
    return figures


def _report(measured: dict[str, Any], out: TextIO) -> None:
    out.write(
        f"kpi: {measured['cases']:,} cases over a year ({measured['events']:,} events, "
        f"{measured['whistles']:,} whistles) in {measured['units']:,} unit grids "
        f"({measured['grids']:,} grids) on PostgreSQL; {len(measured['indicators'])} indicators "
        f"a scope and period, best of {REPEATS}\n"
    )
    for label, key in (
        ("generate the city", "city_s"),
        ("copy the cases, events, whistles", "history_s"),
        ("index and analyse", "index_s"),
        ("rebuild the rollups from the events", "rebuild_s"),
    ):
        out.write(f"  {label:<38} {measured[key]:8.1f} s\n")
    out.write(f"  {'rollup rows':<38} {measured['rollup_rows']:10,}\n")
    width = max(len(row["scope"]) for row in measured["rows"])
    out.write(
        f"\n  {'scope':<{width}}  {'period':<9}  {'cases':>9}  {'rollups ms':>10}  "
        f"{'raw ms':>12}  {'raw/rollups':>11}\n"
    )
    for row in measured["rows"]:
        if row["raw_ms"] is None:
            raw, ratio = "rollups only", ""
        else:
            raw = f"{row['raw_ms']:.1f}"
            ratio = f"{row['raw_ms'] / row['rollup_ms']:.0f}×" if row["rollup_ms"] else ""
        out.write(
            f"  {row['scope']:<{width}}  {row['period']:<9}  {row['registered']:>9,}  "
            f"{row['rollup_ms']:>10.1f}  {raw:>12}  {ratio:>11}\n"
        )
    out.write(
        f"\n  raw ms: the same counters straight over the cases, compared value by value; "
        f"{sum(row['raw_ms'] is not None for row in measured['rows'])} of "
        f"{len(measured['rows'])} readings (every period of a town; a day, a month and the "
        f"year of a district)\n"
    )


def bench_kpi_one(*, cases: int, units: int, scopes: int, out: TextIO) -> dict[str, Any]:
    """The measurement on the configured PostgreSQL database (a child of ``bench_kpi``; prints
    one JSON line)."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from wangge.catalog.services import catalog_load_defaults
    from wangge.grids.models import Grid
    from wangge.metrics.indicators import INDICATORS
    from wangge.sim.grids import SimSize, district_outlines, generate_city
    from wangge.sim.kpi_history import load_city, write_history

    if connection.vendor != "postgresql":
        raise RuntimeError("the KPI benchmark runs on PostgreSQL")
    call_command("migrate", interactive=False, verbosity=0)
    catalog_load_defaults()
    started = time.perf_counter()
    districts = len(district_outlines())
    size = SimSize(
        towns_per_district=13,
        areas_per_town=3,
        units_per_district=max(1, units // districts),
        blocks_per_unit=1,
    )
    grids = [g for g in generate_city(size=size) if g.level != GridLevel.BLOCK]
    with transaction.atomic():
        city = load_city(grids)
    city_s = time.perf_counter() - started

    with connection.cursor() as cursor:
        # The indexes over tens of millions of rows are built in memory rather than on disk.
        cursor.execute("SET maintenance_work_mem = '1GB'")
    started = time.perf_counter()
    with transaction.atomic():
        history = write_history(connection, city, cases=cases, year_start=YEAR_START)
    history_s = time.perf_counter() - started

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in RAW_INDEXES:
            cursor.execute(statement)
        cursor.execute("ANALYZE")
    index_s = time.perf_counter() - started

    started = time.perf_counter()
    rollup_rows = _rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rebuild_s = time.perf_counter() - started

    rng = np.random.default_rng(7)
    towns = list(Grid.objects.filter(level=GridLevel.TOWN).order_by("code"))
    chosen_districts = list(Grid.objects.filter(level=GridLevel.DISTRICT).order_by("code"))
    picked = [towns[i] for i in rng.choice(len(towns), min(scopes, len(towns)), replace=False)]
    picked += [
        chosen_districts[i]
        for i in rng.choice(len(chosen_districts), min(scopes, len(chosen_districts)), False)
    ]
    rows = []
    raw_scopes = {level: next(g for g in picked if g.level == level) for level in RAW_SAMPLE}
    for grid in picked:
        for period in periods():
            rollup_ms, rolled = _best_ms(_from_rollups, grid, period)
            row = {
                "scope": f"{grid.get_level_display()} {grid.code}",
                "period": period.name,
                "registered": rolled["registered"][0],
                "rollup_ms": round(rollup_ms, 2),
                "raw_ms": None,
            }
            if raw_scopes.get(grid.level) == grid and period.name in RAW_SAMPLE[grid.level]:
                raw_ms, raw = _best_ms(raw_counters, connection, grid, period)
                if rolled != _evaluate(raw):
                    raise RuntimeError(
                        f"the rollups and the cases disagree for {grid.code} {period.name}:\n"
                        f"rollups {rolled}\ncases   {_evaluate(raw)}"
                    )
                row["raw_ms"] = round(raw_ms, 1)
            rows.append(row)
    figures = {
        "cases": history.cases,
        "events": history.events,
        "whistles": history.whistles,
        "units": len(city.unit_ids),
        "grids": city.grids,
        "city_s": round(city_s, 1),
        "history_s": round(history_s, 1),
        "index_s": round(index_s, 1),
        "rebuild_s": round(rebuild_s, 1),
        "rollup_rows": rollup_rows,
        "indicators": list(INDICATORS),
        "rows": rows,
    }
    out.write(json.dumps(figures) + "\n")
    return figures


def _best_ms(run: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = run(*args)
        times.append((time.perf_counter() - started) * 1000)
    return min(times), result


def _rebuild() -> int:
    """The rollups from the events, by the project's own rebuild; the rows it wrote."""
    from wangge.metrics.models import CaseRollup, ScopeRollup
    from wangge.metrics.rollups import rebuild

    rebuild()
    return CaseRollup.objects.count() + ScopeRollup.objects.count()


def _from_rollups(grid: Any, period: Period) -> dict[str, Any]:
    from wangge.metrics.indicators import INDICATORS
    from wangge.metrics.selectors import Scope, indicators

    values = indicators(scope=Scope.grid(grid), start=period.start, end=period.end)
    return {key: (values[key].numerator, values[key].denominator) for key in INDICATORS}


def _evaluate(counters: dict[str, int]) -> dict[str, Any]:
    from wangge.metrics.indicators import evaluate

    return {key: (value.numerator, value.denominator) for key, value in evaluate(counters).items()}


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    from wangge.cases.selectors import day_start

    return day_start(period.start), day_start(period.end + datetime.timedelta(days=1))


def raw_counters(connection: Any, grid: Any, period: Period) -> dict[str, int]:
    """The counters of ``docs/kpis.md`` for the cases of ``grid`` and its subtree over
    ``period``, straight from the cases, their events and whistles: each counter on the day of
    its own event, as the rollups place it."""
    since, until = _bounds(period)
    scope = {"prefix": grid.path + "%", "since": since, "until": until}
    counters: dict[str, int] = {}
    with connection.cursor() as cursor:
        for sql in (_FOUND, _REGISTERED, _CLOSED, _EVENTS, _OVERDUE, _WHISTLES):
            cursor.execute(sql, scope)
            row = cursor.fetchone()
            names = [column.name for column in cursor.description]
            counters.update({name: int(value or 0) for name, value in zip(names, row, strict=True)})
    return counters


_IN_SCOPE = "c.grid_id IN (SELECT id FROM grids_grid WHERE path LIKE %(prefix)s)"
# The unit's task list (base items for its kind, and its town's own), covering the sub-class
# or its main class: a complaint about what the patrols should have found.
_ON_TASK_LIST = """EXISTS (
    SELECT 1 FROM catalog_taskitem t
    JOIN catalog_taskitem_categories tc ON tc.taskitem_id = t.id
    JOIN catalog_category k ON k.id = c.category_id
    JOIN grids_grid g ON g.id = c.grid_id
    WHERE t.is_active AND tc.category_id IN (k.id, k.parent_id)
      AND t.grid_kind = CASE
          WHEN g.kind = 'village' THEN 'residential'
          WHEN g.kind IN ('residential', 'street', 'administrative') THEN g.kind
          ELSE 'extended' END
      AND (t.town_id IS NULL OR t.town_id IN (
          SELECT town.id FROM grids_grid town WHERE town.level = 2 AND g.path LIKE town.path || '%%'
      ))
)"""
_FOUND = f"""
SELECT count(*) FILTER (WHERE c.proactive) AS found_proactive,
       count(*) FILTER (WHERE NOT c.proactive AND {_ON_TASK_LIST}) AS found_complaint
FROM cases_case c
WHERE c.reported_at >= %(since)s AND c.reported_at < %(until)s
  AND c.registered_at IS NOT NULL AND {_IN_SCOPE}
"""
_REGISTERED = f"""
SELECT count(*) AS registered,
       count(*) FILTER (WHERE c.status = 'chronic') AS chronic,
       count(*) FILTER (WHERE c.status IN ('closed', 'evaluated')) AS registered_closed,
       sum(floor(extract(epoch FROM c.registered_at - c.reported_at))) AS acceptance_seconds
FROM cases_case c
WHERE c.registered_at >= %(since)s AND c.registered_at < %(until)s AND {_IN_SCOPE}
"""
# Time on hold or under chronic tracking is not handling time: each suspend or track_chronic
# until the resume or untrack_chronic after it.
_OFF_CLOCK = """(
    SELECT coalesce(sum(extract(epoch FROM h.ended - h.at)), 0) FROM (
        SELECT e.action, e.at, lead(e.at) OVER (ORDER BY e.sequence) AS ended
        FROM cases_caseevent e WHERE e.case_id = c.id
          AND e.action IN ('suspend', 'resume', 'track_chronic', 'untrack_chronic')
    ) h WHERE h.action IN ('suspend', 'track_chronic') AND h.ended IS NOT NULL
)"""
_LAST_HANDLING = """(
    SELECT e.action FROM cases_caseevent e
    WHERE e.case_id = c.id AND e.action IN ('handle', 'resolve_front_end', 'fix_on_spot')
    ORDER BY e.sequence DESC LIMIT 1
)"""
_CLOSED = f"""
SELECT count(*) AS closed,
       count(*) FILTER (WHERE c.due_by IS NULL OR c.closed_at <= c.due_by) AS closed_on_time,
       count(*) FILTER (WHERE {_LAST_HANDLING} IN ('resolve_front_end', 'fix_on_spot'))
           AS closed_front_end,
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id AND e.action = 'rework'
       )) AS closed_reworked,
       sum(floor(extract(epoch FROM c.closed_at - c.registered_at)) - floor({_OFF_CLOCK}))
           AS handling_seconds,
       count(c.rating) AS callbacks,
       count(*) FILTER (WHERE c.rating >= 3) AS callbacks_resolved,
       count(coalesce(c.reporter_rating, c.rating)) AS ratings,
       count(*) FILTER (WHERE coalesce(c.reporter_rating, c.rating) >= 4) AS ratings_satisfied
FROM cases_case c
WHERE c.closed_at >= %(since)s AND c.closed_at < %(until)s AND {_IN_SCOPE}
"""
_EVENTS = f"""
SELECT count(*) FILTER (WHERE e.action = 'reject') AS rejected,
       count(*) FILTER (WHERE e.action = 'merge') AS merged,
       count(*) FILTER (WHERE e.action = 'rework') AS reworks,
       count(*) FILTER (WHERE e.action = 'return') AS returns
FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id
WHERE e.action IN ('reject', 'merge', 'rework', 'return')
  AND e.at >= %(since)s AND e.at < %(until)s AND {_IN_SCOPE}
"""
_OVERDUE = f"""
SELECT count(*) AS overdue
FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id
WHERE e.action = 'red_light' AND e.at >= %(since)s AND e.at < %(until)s AND {_IN_SCOPE}
  AND NOT EXISTS (
      SELECT 1 FROM cases_caseevent earlier
      WHERE earlier.case_id = e.case_id AND earlier.action = 'red_light'
        AND earlier.sequence < e.sequence
  )
"""
_WHISTLES = f"""
SELECT count(*) AS whistle_calls,
       count(k.responded_at) AS whistle_responses,
       sum(floor(extract(epoch FROM k.responded_at - w.blown_at))) AS whistle_response_seconds,
       count(*) FILTER (WHERE k.overdue OR k.responded_at > w.respond_by) AS whistle_late,
       count(k.rating) AS whistle_ratings,
       sum(k.rating) AS whistle_rating_sum
FROM cases_whistlecall k JOIN cases_whistle w ON w.id = k.whistle_id
JOIN cases_case c ON c.id = w.case_id
WHERE w.blown_at >= %(since)s AND w.blown_at < %(until)s AND {_IN_SCOPE}
"""
