from __future__ import annotations

import io
import json

import pytest
from django.db import connection

from wangge.sim.bench_intake import bench_intake

FIGURES = ["ours_rps", "bare_rps", "ratio", "ours_p99_ms", "bare_p99_ms"]


@pytest.mark.bench
def test_intake_bench_loads_both_sides_of_a_real_server() -> None:
    # The suite's PostgreSQL run loads the benchmark's PostgreSQL side as well; its SQLite run
    # spares itself the second server.
    postgres = connection.vendor == "postgresql"
    out = io.StringIO()
    # The bench itself fails on any refused request and on any answer without its row.
    figures = bench_intake(seconds=1, concurrency=2, warm_up=0.5, postgres=postgres, out=out)
    assert json.loads(out.getvalue().splitlines()[-1]) == figures
    expected = ["bench", *FIGURES]
    if postgres:
        expected += [f"postgres_{name}" for name in FIGURES]
    assert list(figures) == expected
    assert figures["bench"] == "intake"
    for side in ("ours_rps", "bare_rps", *(["postgres_ours_rps"] if postgres else [])):
        assert figures[side] > 0
    assert ("  PostgreSQL\n" in out.getvalue()) is postgres
