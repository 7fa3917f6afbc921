"""The quality review of closed cases (Minhang attachment 001_980ec3ca28496f98.txt,
建立质量考评制度: "通过随机抽样、定量抽取、分组互评、多人评分的方法，
对前端管理、群众投诉案件进行多维度测评")."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connections

from wangge.cases.models import Case
from wangge.cases.services import actor_for
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.metrics.models import ReviewAssignment, ReviewRound, ReviewSample, ReviewScore
from wangge.metrics.models.review import Criterion, Grade
from wangge.metrics.review import (
    Candidate,
    SampleSpec,
    case_outcomes,
    draw_sample,
    ordinal_alpha,
    rater_queue,
    review_decide,
    review_rate,
    review_reassign,
    review_results,
    review_round_close,
    review_round_open,
    round_agreement,
)
from wangge.metrics.review_testing import Raters, build_raters, close_case
from wangge.people.testing import Cast, build_cast, error_codes

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 10)
MONTH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
ALL_MEET = dict.fromkeys(Criterion.values, Grade.MEETS.value)


@pytest.fixture
def cast(db: None) -> Any:
    with time_machine.travel(NOW, tick=False):
        catalog_load_defaults()
        yield build_cast()


@pytest.fixture
def raters(cast: Cast) -> Raters:
    return build_raters(cast)


@pytest.fixture
def category(cast: Cast) -> Category:
    found = Category.objects.filter(family="event", parent__isnull=False, urgent=False).first()
    assert found is not None
    return found


def _open(cast: Cast, **spec: Any) -> ReviewRound:
    raters_per_case = spec.pop("raters_per_case", 2)
    user = spec.pop("user", cast.alice)
    grid = spec.pop("grid", cast.town_a)
    spec.setdefault("seed", 7)
    return review_round_open(
        actor=actor_for(user),
        grid=grid,
        title="三月抽查",
        start=MONTH[0],
        end=MONTH[1],
        spec=SampleSpec(**spec),
        raters_per_case=raters_per_case,
    )


def _district_round_of_one_case(cast: Cast, category: Category) -> tuple[Case, ReviewRound]:
    """A case closed in town A, sampled by the district, whose raters are sam, ina and ben."""
    with time_machine.travel(NOW, tick=False):
        case = close_case(cast, category)
        return case, _open(cast, user=cast.carol, grid=cast.district, share=Decimal("1"))


# Drawing: pure, on candidates.


def _candidates() -> list[Candidate]:
    towns = ["江川", "古美", "莘庄"]
    return [
        Candidate(case_id=i, town=towns[i % 3], red=i in (4, 17), reworked=i == 9)
        for i in range(1, 61)
    ]


def test_the_same_seed_draws_the_same_sample_whatever_the_order_and_another_seed_differs() -> None:
    spec = SampleSpec(seed=2026, size=10)
    first = draw_sample(_candidates(), spec)
    again = draw_sample(list(reversed(_candidates())), spec)
    other = draw_sample(_candidates(), SampleSpec(seed=2027, size=10))
    assert first == again
    assert len(first) == 10
    assert {d.case_id for d in first} != {d.case_id for d in other}


def test_a_share_is_rounded_up_and_quotas_are_met_with_the_red_and_reworked_in_full() -> None:
    spec = SampleSpec(
        seed=1, share=Decimal("0.05"), quota_by="town", quota_min=4, all_red=True, all_reworked=True
    )
    drawn = draw_sample(_candidates(), spec)
    reasons = {d.case_id: d.reason for d in drawn}
    assert reasons[4] == reasons[17] == "red" and reasons[9] == "reworked"
    by_town: dict[str, int] = {}
    for d in drawn:
        town = _candidates()[d.case_id - 1].town
        by_town[town] = by_town.get(town, 0) + 1
    assert all(count >= 4 for count in by_town.values()) and len(by_town) == 3
    # The red and reworked cases count towards their towns' quotas; the random part adds
    # ceil(5% of 60) = 3 more.
    assert sum(1 for d in drawn if d.reason == "quota") == 12 - 3
    assert sum(1 for d in drawn if d.reason == "random") == 3


def test_a_quota_larger_than_a_group_takes_the_whole_group() -> None:
    drawn = draw_sample(_candidates()[:5], SampleSpec(seed=3, quota_by="town", quota_min=9))
    assert sorted(d.case_id for d in drawn) == [1, 2, 3, 4, 5]


# Opening a round on real cases.


def test_a_round_samples_closed_cases_of_its_town_and_a_case_is_drawn_once(
    cast: Cast, raters: Raters, category: Category
) -> None:
    with time_machine.travel(NOW, tick=False):
        closed = {close_case(cast, category).pk for _ in range(5)}
        first = _open(cast, size=2)
        second = _open(cast, size=10)
    drawn_first = set(first.samples.values_list("case_id", flat=True))
    drawn_second = set(second.samples.values_list("case_id", flat=True))
    assert len(drawn_first) == 2 and not drawn_first & drawn_second
    assert drawn_first | drawn_second == closed
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as refused:
        _open(cast, size=1)
    assert error_codes(refused.value) == {"__all__": {"empty"}}


def test_open_cases_merged_duplicates_and_other_towns_are_not_drawn(
    cast: Cast, raters: Raters, category: Category
) -> None:
    from wangge.cases.services import case_act
    from wangge.cases.testing import submit_in_town_a
    from wangge.cases.workflow import Action

    with time_machine.travel(NOW, tick=False):
        original = close_case(cast, category)
        duplicate = submit_in_town_a(cast, category)
        case_act(
            case=duplicate,
            action=Action.MERGE,
            actor=actor_for(cast.alice),
            version=duplicate.version,
            duplicate_of=original,
        )
        submit_in_town_a(cast, category)  # still open
        review_round = _open(cast, share=Decimal("1"))
        with pytest.raises(ValidationError) as refused:
            _open(cast, user=cast.bob, grid=cast.town_b, size=5)
    assert list(review_round.samples.values_list("case_id", flat=True)) == [original.pk]
    assert error_codes(refused.value) == {"__all__": {"empty"}}


def test_raters_are_never_someone_who_worked_on_the_case_nor_a_department(
    cast: Cast, raters: Raters, category: Category
) -> None:
    with time_machine.travel(NOW, tick=False):
        by_sam = close_case(cast, category, verifier=raters.sam)
        by_alice = close_case(cast, category)
        district_round = _open(cast, user=cast.carol, grid=cast.district, share=Decimal("1"))
    chosen = {
        s.case_id: set(s.assignments.values_list("rater_id", flat=True))
        for s in district_round.samples.all()
    }
    # ivan reported both and dora handled both; sam verified one, so its raters are ina and
    # ben of town B. olga works for a department: never a rater.
    assert chosen[by_sam.pk] == {raters.ina.pk, raters.ben.pk}
    assert chosen[by_alice.pk] <= {raters.sam.pk, raters.ina.pk, raters.ben.pk}
    assert len(chosen[by_alice.pk]) == 2


def test_a_round_that_cannot_find_enough_raters_is_refused_and_nothing_is_written(
    cast: Cast, raters: Raters, category: Category
) -> None:
    with time_machine.travel(NOW, tick=False):
        case = close_case(cast, category, verifier=raters.sam)
        with pytest.raises(ValidationError) as refused:
            _open(cast, share=Decimal("1"))
    assert error_codes(refused.value) == {"raters_per_case": {"too_few_raters"}}
    assert case.number in str(refused.value)
    assert not ReviewRound.objects.exists() and not ReviewSample.objects.exists()


def test_a_district_round_crosses_towns_and_prefers_raters_from_other_grids(
    cast: Cast, raters: Raters, category: Category
) -> None:
    """分组互评: a case of unit A goes first to raters whose own grids do not hold it."""
    case, review_round = _district_round_of_one_case(cast, category)
    sample = review_round.samples.get(case=case)
    # sam (town A) and ina (unit A) hold the case's grid; ben (unit B) does not.
    assert raters.ben.pk in set(sample.assignments.values_list("rater_id", flat=True))


def test_only_a_centre_desk_opens_rounds_and_only_over_its_own_area(
    cast: Cast, raters: Raters, category: Category
) -> None:
    with time_machine.travel(NOW, tick=False):
        close_case(cast, category)
        for user, grid, code in (
            (cast.dora, cast.town_a, "no_centre"),
            (raters.sam, cast.town_a, "no_centre"),
            (cast.alice, cast.town_b, "out_of_scope"),
        ):
            with pytest.raises(ValidationError) as refused:
                _open(cast, user=user, grid=grid, size=1)
            assert code in str(error_codes(refused.value))
        with pytest.raises(ValidationError) as nothing:
            _open(cast)
    assert error_codes(nothing.value) == {"__all__": {"nothing_to_draw"}}


# Rating, blind until the round closes.


def _rated_round(cast: Cast, raters: Raters, category: Category, count: int = 2) -> ReviewRound:
    with time_machine.travel(NOW, tick=False):
        for _ in range(count):
            close_case(cast, category)
        return _open(cast, share=Decimal("1"))


def test_a_rater_sees_only_their_own_queue_and_may_not_rate_anothers(
    cast: Cast, raters: Raters, category: Category
) -> None:
    review_round = _rated_round(cast, raters, category)
    queue = list(rater_queue(raters.ina))
    assert len(queue) == 2 and {a.rater_id for a in queue} == {raters.ina.pk}
    assert list(rater_queue(raters.ben)) == []
    sams = ReviewAssignment.objects.filter(sample__round=review_round, rater=raters.sam).first()
    assert sams is not None
    with pytest.raises(ValidationError) as refused:
        review_rate(user=raters.ina, assignment=sams, grades=ALL_MEET)
    assert error_codes(refused.value) == {"__all__": {"not_yours"}}


def test_every_criterion_must_be_graded_or_marked_not_applicable(
    cast: Cast, raters: Raters, category: Category
) -> None:
    _rated_round(cast, raters, category, count=1)
    mine = rater_queue(raters.ina).get()
    partial = {Criterion.REGISTRATION.value: Grade.MEETS.value}
    with pytest.raises(ValidationError) as refused:
        review_rate(user=raters.ina, assignment=mine, grades=partial)
    assert set(error_codes(refused.value)) == set(Criterion.values) - {"registration"}
    review_rate(user=raters.ina, assignment=mine, grades={**ALL_MEET, "dispatch": None})
    assert sorted(mine.scores.values_list("criterion", flat=True)) == sorted(
        set(Criterion.values) - {"dispatch"}
    )


def test_ratings_stay_hidden_until_the_round_closes_then_grades_freeze(
    cast: Cast, raters: Raters, category: Category
) -> None:
    review_round = _rated_round(cast, raters, category, count=1)
    for user in (raters.sam, raters.ina):
        review_rate(user=user, assignment=rater_queue(user).get(), grades=ALL_MEET, note="规范")
    # While open nothing of anyone's grades is counted: the results read closed rounds only.
    assert review_results(grids_or_scope=[cast.town_a], start=TODAY, end=TODAY).total.reviewed == 0
    with pytest.raises(ValidationError):
        review_round_close(actor=actor_for(raters.sam), review_round=review_round)
    review_round_close(actor=actor_for(cast.alice), review_round=review_round)
    assert list(rater_queue(raters.ina)) == []
    assignment = ReviewAssignment.objects.filter(rater=raters.ina).get()
    with pytest.raises(ValidationError) as refused:
        review_rate(user=raters.ina, assignment=assignment, grades=ALL_MEET)
    assert error_codes(refused.value) == {"__all__": {"closed"}}
    results = review_results(grids_or_scope=[cast.town_a, cast.town_b], start=TODAY, end=TODAY)
    assert results.by_grid[cast.town_a].reviewed == 1
    assert results.by_grid[cast.town_b].reviewed == 0


def test_a_rater_who_has_not_rated_is_replaced_by_someone_free_to_rate_the_case(
    cast: Cast, raters: Raters, category: Category
) -> None:
    case, review_round = _district_round_of_one_case(cast, category)
    sample = review_round.samples.get(case=case)
    first, second = sample.assignments.order_by("pk")
    review_rate(user=second.rater, assignment=second, grades=ALL_MEET)
    # Of the pool (sam, ina, ben), the one not rating the case takes the place of the first.
    (free,) = {raters.sam.pk, raters.ina.pk, raters.ben.pk} - {first.rater_id, second.rater_id}
    replaced = review_reassign(actor=actor_for(cast.carol), assignment=first)
    assert replaced.rater_id == free
    assert set(sample.assignments.values_list("rater_id", flat=True)) == {free, second.rater_id}
    assert [a.sample.case_id for a in rater_queue(replaced.rater)] == [case.pk]
    # A rated case keeps its rater; only the round's desk reassigns.
    for assignment, actor, code in (
        (second, cast.carol, "rated"),
        (replaced, cast.alice, "not_owner"),
    ):
        with pytest.raises(ValidationError) as refused:
            review_reassign(actor=actor_for(actor), assignment=assignment)
        assert error_codes(refused.value) == {"__all__": {code}}
    review_round_close(actor=actor_for(cast.carol), review_round=review_round)
    with pytest.raises(ValidationError) as closed:
        review_reassign(actor=actor_for(cast.carol), assignment=replaced)
    assert error_codes(closed.value) == {"__all__": {"closed"}}


@pytest.mark.django_db(transaction=True)
def test_two_raters_replaced_at_the_same_moment_get_different_raters(
    cast: Cast, raters: Raters, category: Category
) -> None:
    case, review_round = _district_round_of_one_case(cast, category)
    first, second = ReviewSample.objects.get(round=review_round, case=case).assignments.all()
    (free,) = {raters.sam.pk, raters.ina.pk, raters.ben.pk} - {first.rater_id, second.rater_id}
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def reassign(assignment: ReviewAssignment) -> None:
        actor = actor_for(cast.carol)
        barrier.wait()
        try:
            review_reassign(actor=actor, assignment=assignment)
        except BaseException as exc:  # a refusal or a clash, told below either way
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reassign, args=(a,)) for a in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # One after the other: the first takes the free rater, the second the one the first let
    # go. Both reading the case's raters before either wrote would pick the free one twice.
    assert failures == []
    after = set(
        ReviewAssignment.objects.filter(sample__case=case).values_list("rater_id", flat=True)
    )
    assert after == {free, first.rater_id} or after == {free, second.rater_id}


def test_a_rater_is_not_replaced_when_no_one_else_may_rate_the_case(
    cast: Cast, raters: Raters, category: Category
) -> None:
    review_round = _rated_round(cast, raters, category, count=1)
    # Town A's pool is sam and ina, both on the case already.
    assignment = ReviewAssignment.objects.filter(sample__round=review_round).first()
    assert assignment is not None
    with pytest.raises(ValidationError) as refused:
        review_reassign(actor=actor_for(cast.alice), assignment=assignment)
    assert error_codes(refused.value) == {"__all__": {"too_few_raters"}}
    assignment.refresh_from_db()
    assert assignment.rater_id in {raters.sam.pk, raters.ina.pk}


def test_a_rater_whose_case_went_to_another_cannot_rate_it_from_a_form_shown_before(
    cast: Cast, raters: Raters, category: Category
) -> None:
    _case, review_round = _district_round_of_one_case(cast, category)
    shown = ReviewAssignment.objects.filter(sample__round=review_round).first()
    assert shown is not None
    rater = shown.rater
    review_reassign(actor=actor_for(cast.carol), assignment=shown)
    with pytest.raises(ValidationError) as refused:
        review_rate(user=rater, assignment=shown, grades=ALL_MEET)
    assert error_codes(refused.value) == {"__all__": {"not_yours"}}
    assert not ReviewScore.objects.exists()


# Agreement.


def test_ordinal_alpha_matches_a_hand_computed_example() -> None:
    """Four cases, two raters, grades 0 fails / 1 partly / 2 meets:
    (2,2) (2,1) (0,0) (1,1).

    Coincidences: o22 = 2, o21 = o12 = 1, o00 = 2, o11 = 2; n0 = 2, n1 = 3, n2 = 3, n = 8.
    Ordinal distances δ²(c,k) = (Σ_{g=c..k} n_g − (n_c + n_k)/2)²:
    δ²(0,1) = 2.5² = 6.25, δ²(1,2) = 3² = 9, δ²(0,2) = 5.5² = 30.25.
    D_o = (o12·9 + o21·9) / n = 18 / 8 = 2.25.
    D_e = 2·(n0·n1·6.25 + n1·n2·9 + n0·n2·30.25) / (n(n−1)) = 2·300 / 56.
    α = 1 − D_o / D_e = 1 − 2.25·56/600 = 1 − 0.21 = 0.79.
    A fifth case graded by one rater only is not pairable and changes nothing."""
    alpha = ordinal_alpha([(2, 2), (2, 1), (0, 0), (1, 1), (0, None)])
    assert alpha.value == pytest.approx(0.79)
    assert alpha.pairable == 8


def test_alpha_is_undefined_without_pairs_or_without_variation() -> None:
    assert ordinal_alpha([(2, None), (1,)]).value is None
    same = ordinal_alpha([(2, 2), (2, 2)])
    assert same.value is None and same.reason


def test_a_closed_round_measures_agreement_lists_disputes_and_the_owner_settles_them(
    cast: Cast, raters: Raters, category: Category
) -> None:
    review_round = _rated_round(cast, raters, category, count=2)
    first, second = review_round.samples.order_by("case__number")
    grades = {
        # (sam, ina) on the first case: agree on all but handling (meets vs fails).
        (first.pk, raters.sam.pk): {**ALL_MEET},
        (first.pk, raters.ina.pk): {**ALL_MEET, "handling": Grade.FAILS.value},
        (second.pk, raters.sam.pk): {**ALL_MEET, "satisfaction": Grade.PARTLY.value},
        (second.pk, raters.ina.pk): {**ALL_MEET, "satisfaction": Grade.PARTLY.value},
    }
    for assignment in ReviewAssignment.objects.filter(sample__round=review_round):
        review_rate(
            user=assignment.rater,
            assignment=assignment,
            grades=grades[(assignment.sample_id, assignment.rater_id)],
        )
    review_round_close(actor=actor_for(cast.alice), review_round=review_round)
    outcomes = case_outcomes(review_round.samples.all())
    assert [o.disputed for o in outcomes] == [["handling"], []]
    # Before a decision the cautious reading holds: the lower median, "fails".
    assert outcomes[0].grades["handling"] == Grade.FAILS and not outcomes[0].passed
    agreement = round_agreement(outcomes)
    # Handling: (2,0) and (2,2) → n0 = 1, n2 = 3, one disagreeing pair each way.
    # Ordinal δ²(0,2) = (1 + 3 − 2)² = 4, D_o = 2·4/4 = 2, D_e = 2·1·3·4/(4·3) = 2, α = 0.
    assert agreement.by_criterion["handling"].value == pytest.approx(0.0)
    assert agreement.by_criterion["registration"].value is None
    assert agreement.overall.value is not None and 0 < agreement.overall.value < 1

    results = review_results(grids_or_scope=[cast.town_a], start=TODAY, end=TODAY)
    town = results.by_grid[cast.town_a]
    assert (town.reviewed, town.passed, town.disputed) == (2, 1, 1)
    assert town.failures["handling"] == 1

    review_decide(
        actor=actor_for(cast.alice),
        sample=first,
        criterion="handling",
        grade=Grade.PARTLY.value,
        note="照片显示基本整改",
    )
    results = review_results(grids_or_scope=[cast.town_a], start=TODAY, end=TODAY)
    town = results.by_grid[cast.town_a]
    assert (town.reviewed, town.passed, town.disputed) == (2, 2, 0)
    # First case: five 2s and a 1 → 11/12; second: five 2s and a 1 → 11/12.
    assert town.score == pytest.approx(100 * 11 / 12)
    assert town.pass_rate == 1.0
    assert results.by_department[cast.chengguan_a].reviewed == 2
    by_unit = review_results(grids_or_scope=actor_for(cast.alice).scope, start=TODAY, end=TODAY)
    assert list(by_unit.by_grid) == [cast.unit_a]
    with pytest.raises(ValidationError):
        review_decide(
            actor=actor_for(cast.bob), sample=first, criterion="handling", grade=Grade.MEETS
        )


def test_results_count_cases_by_their_closure_date(
    cast: Cast, raters: Raters, category: Category
) -> None:
    review_round = _rated_round(cast, raters, category, count=1)
    for user in (raters.sam, raters.ina):
        review_rate(user=user, assignment=rater_queue(user).get(), grades=ALL_MEET)
    review_round_close(actor=actor_for(cast.alice), review_round=review_round)
    yesterday = TODAY - datetime.timedelta(days=1)
    before = review_results(grids_or_scope=[cast.town_a], start=yesterday, end=yesterday)
    assert before.total.reviewed == 0
    assert review_results(grids_or_scope=[cast.town_a], start=TODAY, end=TODAY).total.passed == 1


def test_red_and_reworked_cases_are_drawn_in_full(
    cast: Cast, raters: Raters, category: Category
) -> None:
    with time_machine.travel(NOW, tick=False):
        plain = [close_case(cast, category) for _ in range(3)]
        reworked = close_case(cast, category, rework=True)
        red = close_case(cast, category, red=True)
    with time_machine.travel(NOW + datetime.timedelta(days=20), tick=False):
        review_round = _open(cast, all_red=True, all_reworked=True)
    reasons = dict(review_round.samples.values_list("case_id", "reason"))
    assert reasons == {reworked.pk: "reworked", red.pk: "red"}
    assert not set(reasons) & {c.pk for c in plain}
