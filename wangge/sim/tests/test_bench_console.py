from __future__ import annotations

import io
import json

import pytest

from wangge.sim.bench_console import bench_console


@pytest.mark.bench
def test_console_bench_times_every_page_of_the_centre_at_a_tiny_size() -> None:
    out = io.StringIO()
    # The bench itself fails on any answer but 200.
    figures = bench_console(open_cases=600, requests=2, units=40, out=out)
    lines = out.getvalue().splitlines()
    assert json.loads(lines[-1]) == figures
    assert list(figures) == ["bench", "open_cases", "p95_ms"]
    assert figures["bench"] == "console" and figures["open_cases"] == 600
    assert figures["p95_ms"] > 0
    table = "\n".join(lines[:-1])
    for page in ("centre page", "live list", "map markers"):
        assert f"{page} " in table
    assert " district " in table and " town " in table
