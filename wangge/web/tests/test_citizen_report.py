"""A citizen scans the QR code on a grid board (Yingpu seed 003: 扫码上报): reports with a
photo, is told when it was reported already, follows the case, rates it after closure and
collects points; robots and floods are turned away."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from hypothesis import event, given
from hypothesis import strategies as st
from shapely.geometry import shape

from wangge.cases.models import Case, CasePhoto
from wangge.cases.testing import closed_on_the_spot
from wangge.catalog.models import Category
from wangge.catalog.services import catalog_load_defaults
from wangge.core.testing import DOOR_CHECKS, photo_with_exif
from wangge.intake.models import Intake
from wangge.people.testing import Cast, build_cast
from wangge.web.forms import SALT

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def category(cast: Cast) -> Category:
    found = Category.objects.filter(family="event", parent__isnull=False, urgent=False).first()
    assert found is not None
    return found


def english() -> Client:
    return Client(headers={"Accept-Language": "en"})


def fields(category: Category, **more: Any) -> dict[str, Any]:
    return {
        "category": category.pk,
        "description": "路灯不亮",
        "phone": "13912345678",
        "key": str(uuid.uuid4()),
        "started": signing.dumps(time.time() - 30, salt=SALT),
        **more,
    }


def test_a_citizen_reports_from_the_board_follows_rates_and_earns_points(
    cast: Cast, category: Category
) -> None:
    client = english()
    page = client.get(f"/r/g/{cast.unit_a.code}/")
    assert page.status_code == 200 and b'name="website"' in page.content
    sent = client.post(
        f"/r/g/{cast.unit_a.code}/", fields(category, photo=photo_with_exif()), follow=True
    )
    assert sent.status_code == 200
    case = Case.objects.get()
    assert case.channel == "citizen" and not case.proactive
    assert case.grid.path.startswith(cast.unit_a.path)
    assert CasePhoto.objects.filter(case=case).exists()
    assert case.number in sent.content.decode()
    track = sent.redirect_chain[-1][0]

    # The centre registers it (a valid report earns points), it is handled and closed.
    case = closed_on_the_spot(case, cast)
    tracked = client.get(track).content.decode()
    assert "reward points: 10" in tracked and 'name="rating"' in tracked
    assert client.post(track, {"rating": 4}).status_code == 302
    case.refresh_from_db()
    assert case.reporter_rating == 4
    assert 'name="rating"' not in client.get(track).content.decode()  # once only


def test_someone_already_reported_it_here(cast: Cast, category: Category) -> None:
    client = english()
    client.post(f"/r/g/{cast.unit_a.code}/", fields(category))
    number = Case.objects.get().number
    again = client.post(f"/r/g/{cast.unit_a.code}/", fields(category, phone="13900000001"))
    assert again.status_code == 200 and "Already reported here" in again.content.decode()
    assert number in again.content.decode() and Case.objects.count() == 1
    link = re.search(r'<a href="(/r/c/[^"]+)">' + number, again.content.decode())
    assert link is not None
    follow = client.get(link[1]).content.decode()
    assert number in follow and "13912345678" not in follow
    # Counting up case numbers reads nothing: the link is signed.
    assert client.get(f"/r/c/{number}/").status_code == 404
    tampered = link[1][:-2] + ("A" if link[1][-2] != "A" else "B") + "/"
    assert client.get(tampered).status_code == 404
    # Sending anyway makes the second report.
    confirmed = re.search(r'name="confirmed" value="([^"]*)"', again.content.decode())
    assert confirmed is not None
    anyway = fields(category, phone="13900000001", confirmed="on")
    assert client.post(f"/r/g/{cast.unit_a.code}/", anyway).status_code == 302
    assert Case.objects.count() == 2


def test_a_rating_the_page_does_not_take_is_refused_with_the_reason(
    cast: Cast, category: Category
) -> None:
    client = english()
    track = client.post(f"/r/g/{cast.unit_a.code}/", fields(category), follow=True)
    page = track.redirect_chain[-1][0]
    case = Case.objects.get()
    early = client.post(page, {"rating": 5})
    assert early.status_code == 400
    assert "A case is rated after it is closed." in early.content.decode()
    closed_on_the_spot(case, cast)
    assert client.post(page, {"rating": 9}).status_code == 400  # not one of the stars
    assert client.post(page, {"rating": 2}).status_code == 302
    again = client.post(page, {"rating": 5})
    assert again.status_code == 400
    assert "This case has been rated already." in again.content.decode()
    case.refresh_from_db()
    assert case.reporter_rating == 2


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"website": "http://spam.example"}, "automatic"),
        ({"started": signing.dumps(time.time() + 10**6, salt=SALT)}, "automatic"),
        ({"started": "forged"}, "expired"),
        ({"phone": "12345"}, "11 digits"),
        ({"description": ""}, "required"),
        ({"lng": "116.4", "lat": "39.9"}, "outside every grid"),
    ],
)
def test_robots_and_bad_input_are_turned_away_with_a_reason(
    cast: Cast, category: Category, change: dict[str, str], says: str
) -> None:
    refused = english().post(f"/r/g/{cast.unit_a.code}/", fields(category, **change))
    assert refused.status_code == 400 and says in refused.content.decode()
    assert not Case.objects.exists() and not Intake.objects.exists()


def test_a_flood_from_one_phone_is_stopped(cast: Cast, category: Category, settings: Any) -> None:
    settings.WANGGE_CITIZEN_REPORTS_PER_HOUR = 2
    client = english()
    spot = shape(cast.block_a.geometry).representative_point()
    for east in range(3):  # far enough apart not to be each other's duplicates
        posted = client.post(
            f"/r/g/{cast.unit_a.code}/",
            fields(category, lng=spot.x + east * 0.002, lat=spot.y, confirmed="on"),
        )
    assert posted.status_code == 429 and "Too many reports" in posted.content.decode()
    assert Case.objects.count() == 2


def test_the_board_s_qr_code_opens_the_grid_s_report_page(cast: Cast) -> None:
    qr = english().get(f"/r/g/{cast.unit_a.code}/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<?xml") and b"<svg" in qr.content
    assert english().get("/r/g/nowhere/qr.svg").status_code == 404


junk = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "nan", "inf", "-inf", "1e309", "-0", "\x00", "on", "off", "1", "0"]),
)
FORM_FIELDS = [
    *("category", "description", "name", "phone", "lng", "lat", "photo"),
    *("key", "started", "confirmed", "website", "rating"),
]


@DOOR_CHECKS
@given(changed=st.dictionaries(st.sampled_from(FORM_FIELDS), junk, max_size=4))
def test_random_reports_never_fail_the_server(
    cast: Cast, category: Category, changed: dict[str, str], settings: Any
) -> None:
    # Whatever is posted, a page with a reason or the report taken; never a 5xx, and never a
    # case without its intake. (The shop's door is the same form and view.)
    settings.WANGGE_CITIZEN_REPORTS_PER_HOUR = 10_000  # one phone's limit is not tried here
    spot = shape(cast.block_a.geometry).representative_point()
    report = fields(category, lng=spot.x, lat=spot.y, confirmed="on") | changed
    response = Client(raise_request_exception=False).post(f"/r/g/{cast.unit_a.code}/", report)
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics
    assert response.status_code < 500, response.content
    assert response.status_code < 400 or response.content
    assert Case.objects.count() == Intake.objects.count()


@DOOR_CHECKS
@given(
    rating=st.one_of(junk, st.integers(min_value=-1, max_value=7).map(str)),
    more=st.dictionaries(st.sampled_from(FORM_FIELDS), junk, max_size=2),
)
def test_random_ratings_are_taken_or_refused_never_fail_the_server(
    cast: Cast, category: Category, rating: str, more: dict[str, str], settings: Any
) -> None:
    settings.WANGGE_CITIZEN_REPORTS_PER_HOUR = 10_000
    client = Client(raise_request_exception=False)
    taken = client.post(f"/r/g/{cast.unit_a.code}/", fields(category, confirmed="on"))
    assert taken.status_code == 302, taken.content
    token = taken["Location"].rstrip("/").rsplit("/", 1)[1]
    case = closed_on_the_spot(Case.objects.get(intake__token=token), cast)
    response = client.post(taken["Location"], {"rating": rating, **more})
    event(f"answered {response.status_code}")
    assert response.status_code in (302, 400), response.content
    case.refresh_from_db()
    assert case.reporter_rating == (int(rating) if response.status_code == 302 else None)
