from __future__ import annotations

import io
import json

import pytest

from wangge.sim.bench_intake import bench_intake


@pytest.mark.bench
def test_intake_bench_loads_both_sides_of_a_real_server() -> None:
    out = io.StringIO()
    # The bench itself fails on any refused request and on any answer without its row.
    figures = bench_intake(seconds=1, concurrency=2, warm_up=0.5, out=out)
    assert json.loads(out.getvalue().splitlines()[-1]) == figures
    assert list(figures) == [
        "bench",
        "ours_rps",
        "bare_rps",
        "ratio",
        "ours_p99_ms",
        "bare_p99_ms",
    ]
    assert figures["bench"] == "intake"
    assert figures["ours_rps"] > 0
    assert figures["bare_rps"] > 0
