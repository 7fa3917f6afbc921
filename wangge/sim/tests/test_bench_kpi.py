from __future__ import annotations

import io
import json

import pytest

from wangge.sim.bench_kpi import bench_kpi


@pytest.mark.bench
def test_kpi_bench_compares_the_rollups_with_the_cases_at_a_tiny_size() -> None:
    out = io.StringIO()
    # The bench itself fails when the rollups and the cases disagree on any counter.
    figures = bench_kpi(cases=600, units=32, scopes=1, out=out)
    lines = out.getvalue().splitlines()
    assert json.loads(lines[-1]) == figures
    assert list(figures) == ["bench", "cases", "worst_ms", "raw_worst_ms", "raw_readings"]
    assert figures["bench"] == "kpi" and figures["cases"] == 600
    assert figures["worst_ms"] > 0 and figures["raw_worst_ms"] > 0
    # Every period of a town and a day, a month and the year of a district, straight over the
    # cases; the other readings from the rollups alone, and said so.
    assert figures["raw_readings"] == 9
    assert "rollups only" in out.getvalue()
    table = "\n".join(lines[:-1])
    for period in ("day", "week", "month", "quarter", "year", "odd range"):
        assert f" {period} " in table
