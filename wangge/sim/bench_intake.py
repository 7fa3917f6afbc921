"""``wangge bench intake``: Open311 reports through the whole intake pipeline, against a bare
endpoint of the same framework that inserts one row.

One real server (``wangge serve``: gunicorn, the project's settings and middleware) serves both
from one throwaway SQLite database, so both sides share the server, the database and the
machine; only the work behind the URL differs. The load comes from client threads in this
process, each on its own keep-alive connection, sending the same bodies to either side. The
server's CPU time per request is shown beside the rates: other work on the machine moves it
less than it moves them.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from wangge.sim.grids import MINHANG, district_outlines, points_inside

OPEN311_PATH = "/open311/v2/requests.json"
BARE_PATH = "/bench/bare"  # served by wangge.sim.bench_urls
# Not a model: the table exists only in the throwaway databases the benchmark makes.
BARE_TABLE = "bench_bare"
BARE_TABLE_SQL = (
    f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} "
    "(id INTEGER PRIMARY KEY AUTOINCREMENT, description TEXT NOT NULL, lng REAL NOT NULL, "
    "lat REAL NOT NULL, received_at TEXT NOT NULL)"
)
SIDES = {"ours": OPEN311_PATH, "bare": BARE_PATH}
# Bare, ours, ours, bare: a drift in the machine's speed during the run falls on both sides alike.
ORDER = ("bare", "ours", "ours", "bare")
WORKERS = 2
BODIES = 2_000
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_PROBLEMS = ("人行道井盖缺失", "沿街乱设摊", "绿化带内堆放建筑垃圾", "共享单车乱停放", "路灯不亮")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙"
_GIVEN = ("伟", "芳", "敏", "静", "强", "磊", "洋", "艳", "杰", "涛")


@dataclass
class Load:
    """What one side of the load saw."""

    latencies_ms: list[float] = field(default_factory=list)
    ok: int = 0
    errors: int = 0
    seconds: float = 0.0
    server_cpu_s: float = 0.0
    first_error: str = ""

    def add(self, other: Load) -> None:
        self.latencies_ms += other.latencies_ms
        self.ok += other.ok
        self.errors += other.errors
        self.seconds += other.seconds
        self.server_cpu_s += other.server_cpu_s
        self.first_error = self.first_error or other.first_error

    @property
    def requests(self) -> int:
        return self.ok + self.errors

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_request(self) -> str:
        if not self.server_cpu_s or not self.ok:
            return "–"  # not measured where /proc is missing
        return f"{self.server_cpu_s * 1000 / self.ok:.2f}"

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else 0.0


def bench_intake(
    *, seconds: float = 20.0, concurrency: int = 8, warm_up: float = 3.0, out: TextIO
) -> dict[str, Any]:
    """Requests per second and latency of Open311 reports against the bare endpoint, each side
    loaded for ``seconds`` by ``concurrency`` clients after ``warm_up`` seconds of the same."""
    from wangge.cases.models import Case

    with tempfile.TemporaryDirectory(prefix="wangge-bench-") as folder:
        database = Path(folder) / "intake.sqlite3"
        env = {k: v for k, v in os.environ.items() if not k.startswith("WANGGE_")}
        env |= {
            "DJANGO_SETTINGS_MODULE": "wangge.sim.bench_settings",
            "WANGGE_DATA_DIR": folder,
            "WANGGE_DB": f"sqlite:///{database}",
            "WANGGE_DEBUG": "false",
            "WANGGE_SECRET_KEY": secrets.token_urlsafe(50),
        }
        loaded = subprocess.run(
            [sys.executable, "-m", "wangge.cli", "bench", "intake-load"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        plan = json.loads(loaded.stdout.strip().splitlines()[-1])
        bodies = _bodies(plan["api_key"], plan["service_codes"])
        loads = {side: Load() for side in SIDES}
        with _server(env, Path(folder) / "server.log") as server:
            warm = {
                side: _load(server.port, path, bodies, concurrency, warm_up)
                for side, path in SIDES.items()
            }
            processes = _processes(server.pid)  # every worker is up after the warm-up
            for side in ORDER:
                used = _cpu_seconds(processes)
                load = _load(
                    server.port, SIDES[side], bodies, concurrency, seconds / ORDER.count(side)
                )
                load.server_cpu_s = _cpu_seconds(processes) - used
                loads[side].add(load)
        with closing(sqlite3.connect(database)) as db:
            written = {
                "ours": db.execute(f"SELECT count(*) FROM {Case._meta.db_table}").fetchone()[0],
                "bare": db.execute(f"SELECT count(*) FROM {BARE_TABLE}").fetchone()[0],
            }
    ours, bare = loads["ours"], loads["bare"]
    figures: dict[str, Any] = {
        "bench": "intake",
        "ours_rps": round(ours.rps, 1),
        "bare_rps": round(bare.rps, 1),
        "ratio": round(ours.rps / bare.rps, 3) if bare.rps else 0.0,
        "ours_p99_ms": round(ours.percentile(99), 1),
        "bare_p99_ms": round(bare.percentile(99), 1),
    }
    out.write(
        f"intake: Open311 POST {OPEN311_PATH} against a bare one-row insert on one server "
        f"(wangge serve --workers {WORKERS}), SQLite; {plan['grids']:,} grids, "
        f"{len(plan['service_codes'])} services\n"
        f"  {concurrency} keep-alive clients a side, {seconds:g} s a side in turns "
        f"({', '.join(ORDER)}) after {warm_up:g} s of warm-up each\n"
        f"  {'':<5} {'requests':>9} {'errors':>7} {'error %':>8} {'req/s':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'server CPU ms/request':>22}\n"
    )
    for side, load in (("bare", bare), ("ours", ours)):
        out.write(
            f"  {side:<5} {load.requests:>9,} {load.errors:>7,} "
            f"{load.errors / max(load.requests, 1):>8.2%} {load.rps:>8.1f} "
            f"{load.percentile(50):>8.1f} {load.percentile(95):>8.1f} "
            f"{load.percentile(99):>8.1f} {load.cpu_per_request:>22}\n"
        )
    out.write(
        f"  ours / bare: {figures['ratio']:.1%} of the requests per second (goal ≥ 50%), "
        f"{ours.percentile(99) / max(bare.percentile(99), 1e-9):.2f}× the p99 (goal ≤ 2×)\n"
    )
    for side in SIDES:
        errors = warm[side].errors + loads[side].errors
        if errors:
            first = warm[side].first_error or loads[side].first_error
            raise RuntimeError(f"{side}: {errors} requests failed, warm-up included; {first}")
        # An endpoint that answers without writing would be fast and meaningless.
        answered = warm[side].ok + loads[side].ok
        if written[side] != answered:
            raise RuntimeError(
                f"{side}: {answered} answers, warm-up included, {written[side]} rows"
            )
    out.write(json.dumps(figures) + "\n")
    return figures


def bench_intake_load(*, out: TextIO) -> dict[str, Any]:
    """Fill the configured (empty) database for ``bench_intake``: the demo district's grid tree,
    the catalog, an API key and the bare endpoint's table; print what the clients need (a child
    of ``bench_intake``; prints one JSON line)."""
    from django.core.management import call_command
    from django.db import connection

    from wangge.catalog.models import Category
    from wangge.catalog.services import catalog_load_defaults
    from wangge.grids.services import grids_import
    from wangge.intake.keys import api_key_create
    from wangge.open311.views import service_code
    from wangge.sim.grids import generate_district

    call_command("migrate", interactive=False, verbosity=0)
    summary = grids_import(g.as_record() for g in generate_district(MINHANG))
    catalog_load_defaults()
    _key, raw = api_key_create(name="bench intake")
    with connection.cursor() as cursor:
        cursor.execute(BARE_TABLE_SQL)
    categories = Category.objects.filter(parent__isnull=False, is_active=True)
    plan = {
        "api_key": raw,
        "service_codes": sorted(service_code(c) for c in categories),
        "grids": summary.created,
    }
    out.write(json.dumps(plan) + "\n")
    return plan


def _bodies(api_key: str, codes: list[str], seed: int = 311) -> list[bytes]:
    """Form-encoded reports at random points of the demo district, of random services."""
    rng = np.random.default_rng(seed)
    points = points_inside(district_outlines()[MINHANG][1], BODIES, rng)
    bodies = []
    for i, (lng, lat) in enumerate(points):
        form = {
            "api_key": api_key,
            "service_code": codes[int(rng.integers(len(codes)))],
            "lat": f"{lat:.6f}",
            "long": f"{lng:.6f}",
            "description": f"{_PROBLEMS[i % len(_PROBLEMS)]}，{int(rng.integers(1, 999))}号门前",
            "last_name": _SURNAMES[int(rng.integers(len(_SURNAMES)))],
            "first_name": _GIVEN[int(rng.integers(len(_GIVEN)))],
            "email": f"citizen{i}@example.org",
            "attribute[location_detail]": f"{int(rng.integers(1, 40))}号楼",
        }
        bodies.append(urllib.parse.urlencode(form).encode())
    return bodies


def _load(port: int, path: str, bodies: list[bytes], concurrency: int, seconds: float) -> Load:
    """``concurrency`` clients posting to ``path`` back to back for ``seconds``."""
    loads = [Load() for _ in range(concurrency)]
    start = threading.Barrier(concurrency + 1)
    deadline = 0.0

    def client(number: int) -> None:
        load = loads[number]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start.wait()
        i = number
        while time.perf_counter() < deadline:
            body = bodies[i % len(bodies)]
            i += concurrency
            sent = time.perf_counter()
            try:
                connection.request("POST", path, body, FORM)
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException) as exc:
                load.errors += 1
                load.first_error = load.first_error or repr(exc)
                connection.close()
                continue
            load.latencies_ms.append((time.perf_counter() - sent) * 1000)
            if 200 <= response.status < 300:
                load.ok += 1
            else:
                load.errors += 1
                load.first_error = load.first_error or f"{response.status} {answer[:300]!r}"
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    total = Load(seconds=time.perf_counter() - began)
    for load in loads:
        total.add(load)  # the clients' own seconds are nought: the wall time counts
    return total


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Server:
    """A running server: where it listens, and its process."""

    port: int
    pid: int


@contextmanager
def _server(env: dict[str, str], log_path: Path) -> Iterator[Server]:
    """``wangge serve`` on a free local port, up and answering; stopped on leaving. Its log goes
    to ``log_path`` and into the error if it never answers."""
    port = _free_port()
    with open(log_path, "w+b") as log:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "wangge.cli", "serve"),
                *("--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            if not _answers(server, port):
                log.seek(0)
                output = log.read().decode(errors="replace")
                raise RuntimeError(f"the server did not come up:\n{output}")
            yield Server(port, server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _processes(pid: int) -> list[int]:
    """The server's process and its workers, as Linux's /proc lists them (elsewhere none)."""
    children = [
        int(stat.parent.name)
        for stat in Path("/proc").glob("[0-9]*/stat")
        if (fields := _stat_fields(stat)) is not None and fields[1] == str(pid)
    ]
    return [pid, *children] if children else []


def _answers(server: subprocess.Popen[bytes], port: int) -> bool:
    """Whether the server answers its health check within a minute."""
    for _ in range(300):
        if server.poll() is not None:
            return False
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return True
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        time.sleep(0.2)
    return False


def _cpu_seconds(processes: list[int]) -> float:
    """User and system time the processes have used so far."""
    ticks = 0
    for pid in processes:
        fields = _stat_fields(Path(f"/proc/{pid}/stat"))
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _stat_fields(stat: Path) -> list[str] | None:
    """The fields of a /proc/PID/stat after the command's name, or None if the process is gone."""
    try:
        return stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
