"""The quality review's pages (Minhang attachment 001_980ec3ca28496f98.txt, 建立质量考评制度),
through the test client."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from wangge.cases.services import actor_for
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.metrics.models import ReviewAssignment, ReviewRound
from wangge.metrics.models.review import Criterion
from wangge.metrics.review import SampleSpec, rater_queue, review_rate, review_round_open
from wangge.metrics.review_testing import Raters, build_raters, close_case
from wangge.people.testing import Cast, build_cast

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.UTC)
ALL_MEET = {c: "2" for c in Criterion.values}


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def raters(cast: Cast) -> Raters:
    return build_raters(cast)


@pytest.fixture
def category(cast: Cast) -> Category:
    found = Category.objects.filter(family="event", parent__isnull=False, urgent=False).first()
    assert found is not None
    return found


def _open(user: Any, grid: Any) -> ReviewRound:
    """A round over every case closed in March so far."""
    return review_round_open(
        actor=actor_for(user),
        grid=grid,
        title="三月抽查",
        start=datetime.date(2026, 3, 1),
        end=datetime.date(2026, 3, 10),
        spec=SampleSpec(seed=11, share=Decimal("1")),
    )


@pytest.fixture
def review_round(cast: Cast, raters: Raters, category: Category) -> ReviewRound:
    for _ in range(2):
        close_case(cast, category)
    return _open(cast.alice, cast.town_a)


def _client(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def test_the_nav_leads_centres_to_the_rounds_and_raters_to_their_queue(
    cast: Cast, raters: Raters, review_round: ReviewRound
) -> None:
    link = f'href="{reverse("web:review")}"'
    for user, lands_on in ((cast.alice, "web:review"), (raters.ina, "web:review-queue")):
        client = _client(user)
        assert link in client.get(reverse("web:inbox")).content.decode()
        response = client.get(reverse("web:review"), follow=True)
        assert response.redirect_chain[-1:] in ([], [(reverse(lands_on), 302)])
        assert response.resolver_match.url_name == lands_on.removeprefix("web:")


def test_a_department_handler_is_refused_with_a_reason(cast: Cast) -> None:
    response = _client(cast.dora).get(reverse("web:review"))
    assert response.status_code == 403
    assert "for the centres and their raters" in response.content.decode()


def test_a_centre_opens_a_round_from_the_form_and_lands_on_its_page(
    cast: Cast, raters: Raters, category: Category
) -> None:
    close_case(cast, category)
    client = _client(cast.alice)
    form = client.get(reverse("web:review-new"))
    assert form.status_code == 200
    response = client.post(
        reverse("web:review-new"),
        {
            "title": "抽查",
            "grid": cast.town_a.pk,
            "start": "2026-03-01",
            "end": "2026-03-10",
            "random_size": "5",
            "raters_per_case": "2",
            "seed": "42",
        },
    )
    review_round = ReviewRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:review-round", args=[review_round.pk])
    assert review_round.seed == 42 and review_round.samples.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Raters work blind" in page and "0 / 2" in page


def test_a_round_that_cannot_be_drawn_keeps_the_input_and_says_why(
    cast: Cast, raters: Raters
) -> None:
    response = _client(cast.alice).post(
        reverse("web:review-new"),
        {
            "title": "空的抽查",
            "grid": cast.town_a.pk,
            "start": "2026-03-01",
            "end": "2026-03-10",
            "raters_per_case": "2",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say how to draw" in page
    assert 'value="空的抽查"' in page
    assert not ReviewRound.objects.exists()


def test_a_rating_form_with_a_missing_grade_keeps_what_was_chosen(
    cast: Cast, raters: Raters, review_round: ReviewRound
) -> None:
    client = _client(raters.ina)
    mine = rater_queue(raters.ina).first()
    assert mine is not None
    queue = client.get(reverse("web:review-queue")).content.decode()
    assert mine.sample.case.number in queue
    url = reverse("web:review-rate", args=[mine.pk])
    partial = {**ALL_MEET, "note": "照片不清"}
    del partial["closure_photo"]
    partial["handling"] = "0"
    response = client.post(url, partial)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Grade this or mark it not applicable." in page
    assert "照片不清" in page
    assert 'value="0" id="id_handling_2" required checked' in page
    response = client.post(url, {**ALL_MEET, "closure_photo": "na"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.submitted_at is not None


def test_a_rater_cannot_open_someone_elses_assignment(
    cast: Cast, raters: Raters, review_round: ReviewRound
) -> None:
    sams = ReviewAssignment.objects.filter(rater=raters.sam).first()
    assert sams is not None
    response = _client(raters.ina).get(reverse("web:review-rate", args=[sams.pk]))
    assert response.status_code == 404
    photo = reverse("web:review-photo", args=[sams.pk, 1])
    assert _client(raters.ina).get(photo).status_code == 404


def test_the_round_stays_blind_while_open_and_shows_agreement_and_results_once_closed(
    cast: Cast, raters: Raters, review_round: ReviewRound
) -> None:
    grades = {c: 2 for c in Criterion.values}
    for user, note in ((raters.sam, "山姆的意见"), (raters.ina, "伊娜的意见")):
        for assignment in rater_queue(user):
            review_rate(
                user=user, assignment=assignment, grades={**grades, "handling": 0}, note=note
            )
    client = _client(cast.alice)
    url = reverse("web:review-round", args=[review_round.pk])
    page = client.get(url).content.decode()
    assert "Fails" not in page and "2 / 2" in page
    assert _client(cast.bob).get(url).status_code == 404
    # The district's desk reads the town's round but does not run it.
    close = reverse("web:review-close", args=[review_round.pk])
    assert _client(cast.carol).post(close).status_code == 403
    response = client.post(close)
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Agreement between raters" in page
    assert "every grade was the same" in page  # all agree: alpha is not defined
    assert "The raters agreed on every case." in page
    assert cast.unit_a.name in page and cast.chengguan_a.name in page


def test_the_desk_sees_who_has_yet_to_rate_and_gives_a_case_another_rater(
    cast: Cast, raters: Raters, category: Category
) -> None:
    for _ in range(2):
        close_case(cast, category)
    district_round = _open(cast.carol, cast.district)
    client = _client(cast.carol)
    url = reverse("web:review-round", args=[district_round.pk])
    page = client.get(url).content.decode()
    assert "4 ratings are still missing" in page and page.count(">Reassign</button>") == 4
    waiting = ReviewAssignment.objects.filter(sample__round=district_round).first()
    assert waiting is not None
    before = waiting.rater.person.name
    reassign = reverse("web:review-reassign", args=[district_round.pk, waiting.pk])
    answer = client.post(reassign, follow=True)
    waiting.refresh_from_db()
    after = waiting.rater.person.name
    assert after != before
    assert f"rates it in place of {before}" in answer.content.decode()
    assert f"{after}" in answer.content.decode()
    # An assignment of another round is not this round's to reassign.
    close_case(cast, category)
    town_round = _open(cast.alice, cast.town_a)
    elsewhere = ReviewAssignment.objects.filter(sample__round=town_round).first()
    assert elsewhere is not None
    wrong = reverse("web:review-reassign", args=[district_round.pk, elsewhere.pk])
    assert client.post(wrong).status_code == 404
    # Once the rater has rated, the case keeps them.
    review_rate(user=waiting.rater, assignment=waiting, grades={c: 2 for c in Criterion.values})
    refused = client.post(reassign)
    assert refused.status_code == 400
    assert "has rated the case already" in refused.content.decode()
