"""The scoring model alone, without a database: the worked example of docs/three-colour.md and
the edges of each rule."""

from __future__ import annotations

from dataclasses import replace

from wangge.metrics.scoring import (
    DEFAULT_MODEL,
    BlockFacts,
    Colour,
    Factor,
    FactorKey,
    ScoringModel,
    rate,
)


def test_the_worked_example_of_the_documentation() -> None:
    """docs/three-colour.md: 0.3 km², 60 cases in 30 days, 9 of 50 clocked cases late, 14
    complaints, 3 repeats, 1 chronic problem."""
    facts = BlockFacts(
        cases=60,
        days=30,
        area_km2=0.3,
        recurrences=3,
        clocked=50,
        overdue=9,
        complaints=14,
        chronic=1,
    )
    rating = rate(facts)
    # density 200 (green), repeats 3 ≥ 2 (10), late 18% ≥ 10% (12.5), complaints 23% ≥ 15%
    # (10), chronic 1 ≥ 1 (10): 42.5 ≥ 40.
    assert rating.score == 42.5
    assert rating.colour == Colour.RED
    assert [(r.factor, r.level) for r in rating.reasons] == [
        (FactorKey.OVERDUE, Colour.YELLOW),
        (FactorKey.RECURRENCE, Colour.YELLOW),
        (FactorKey.COMPLAINTS, Colour.YELLOW),
        (FactorKey.CHRONIC, Colour.YELLOW),
    ]
    assert str(rating) == (
        "Red: 9 overdue of 50 (18% ≥ 10%), 3 cases again at the same spot (≥ 2), "
        "14 complaints of 60 (23% ≥ 15%), 1 chronic cases (≥ 1)"
    )


def test_a_quiet_block_is_green_without_reasons() -> None:
    rating = rate(BlockFacts(cases=2, area_km2=0.5, clocked=2, overdue=0))
    assert (rating.colour, rating.score, rating.reasons, str(rating)) == (
        Colour.GREEN,
        0,
        (),
        "Green",
    )


def test_a_threshold_reached_exactly_counts() -> None:
    facts = BlockFacts(cases=10, clocked=10, overdue=3)  # 30%: red exactly
    (reason,) = rate(facts).reasons
    assert (reason.level, reason.points) == (Colour.RED, 25)
    assert rate(facts).colour == Colour.YELLOW  # 25 points: yellow from 20, red from 40


def test_shares_over_too_few_cases_are_not_judged() -> None:
    """Two cases, both late: 100%, but below the three cases a share needs."""
    assert rate(BlockFacts(cases=2, clocked=2, overdue=2, complaints=2)).reasons == ()
    assert rate(BlockFacts(cases=3, clocked=3, overdue=2)).reasons[0].factor == FactorKey.OVERDUE


def test_density_needs_an_area_and_is_counted_per_thirty_days() -> None:
    assert rate(BlockFacts(cases=1000, area_km2=None)).reasons == ()
    # 90 cases in 90 days on 0.1 km² is 300 per km² in 30 days: yellow exactly.
    (reason,) = rate(BlockFacts(cases=90, days=90, area_km2=0.1)).reasons
    assert (reason.factor, reason.level, reason.value) == (
        FactorKey.DENSITY,
        Colour.YELLOW,
        300,
    )


def test_a_factor_of_weight_zero_is_left_out() -> None:
    factors = dict(DEFAULT_MODEL.factors)
    factors[FactorKey.CHRONIC] = Factor(weight=0, yellow_at=1, red_at=2)
    model = replace(DEFAULT_MODEL, factors=factors)
    assert rate(BlockFacts(chronic=5), model).reasons == ()
    assert rate(BlockFacts(chronic=5)).colour == Colour.YELLOW  # with its weight: 20 points


def test_the_score_limits_decide_the_colour() -> None:
    model = ScoringModel(
        factors={FactorKey.CHRONIC: Factor(weight=10, yellow_at=1, red_at=3)},
        yellow_score=5,
        red_score=10,
    )
    assert [rate(BlockFacts(chronic=n), model).colour for n in (0, 1, 3)] == [
        Colour.GREEN,
        Colour.YELLOW,
        Colour.RED,
    ]
