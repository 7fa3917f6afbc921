"""The patrol app on a real phone-sized Chromium: reports made offline wait on the phone and
are sent when the network returns; an answer lost on the way back makes no second case."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from shapely.geometry import shape

from wangge.cases.models import Case, CasePhoto
from wangge.catalog.services import catalog_load_defaults
from wangge.core.testing import photo_with_exif
from wangge.people.testing import PASSWORD, Cast, build_cast


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def phone(browser: Any, live_server: Any, cast: Cast) -> Any:
    spot = shape(cast.block_a.geometry).representative_point()
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        geolocation={"longitude": spot.x, "latitude": spot.y},
        permissions=["geolocation"],
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/patrol/")
    page.fill("input[name=username]", cast.ivan.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/patrol/")
    page.wait_for_function("document.querySelectorAll('#category option').length > 1")
    yield page
    context.close()


def fill_report(page: Any, tmp_path: Any, description: str) -> None:
    picture = tmp_path / "find.jpg"
    picture.write_bytes(photo_with_exif().read())
    page.select_option("#category", index=1)
    page.fill("#description", description)
    page.set_input_files("#photos", str(picture))
    page.click("#send")


def test_a_report_made_offline_is_sent_when_the_network_returns(
    phone: Any, cast: Cast, tmp_path: Any
) -> None:
    assert cast.block_a.code in phone.text_content("#where")
    phone.context.set_offline(True)
    fill_report(phone, tmp_path, "垃圾桶满溢")
    phone.wait_for_function("document.getElementById('waiting-count').textContent === '1'")
    assert not Case.objects.exists()

    # The app itself still opens without a network: its shell comes from the phone's cache.
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.reload()
    phone.wait_for_function("document.getElementById('waiting-count').textContent === '1'")

    phone.context.set_offline(False)
    phone.wait_for_function("document.getElementById('waiting-count').textContent === '0'")
    case = Case.objects.get()
    assert case.description == "垃圾桶满溢" and case.channel == "patrol"
    assert CasePhoto.objects.filter(case=case).count() == 1
    assert case.number in phone.text_content("#sent")


def test_an_answer_lost_on_the_way_back_makes_no_second_case(phone: Any, tmp_path: Any) -> None:
    lost: list[str] = []

    def lose_the_first_answer(route: Any) -> None:
        if lost:
            route.continue_()
            return
        route.fetch()  # the server gets the report and makes the case…
        lost.append(route.request.headers["idempotency-key"])
        route.abort()  # …but the phone never hears back

    phone.route("**/api/v1/cases/", lose_the_first_answer)
    fill_report(phone, tmp_path, "井盖缺失")
    for _ in range(150):
        if lost:
            break
        phone.wait_for_timeout(100)
    assert Case.objects.count() == 1  # made, but the phone does not know
    assert phone.text_content("#waiting-count") == "1"

    phone.evaluate("window.dispatchEvent(new Event('online'))")  # the phone tries again
    phone.wait_for_function("document.getElementById('waiting-count').textContent === '0'")
    assert Case.objects.count() == 1
    assert Case.objects.get().number in phone.text_content("#sent")


def test_the_patrol_app_can_be_installed_on_a_phone(client: Any, db: None) -> None:
    manifest = client.get("/patrol/manifest.webmanifest").json()
    assert manifest["start_url"] == "/patrol/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served["Content-Type"] == "image/png"
        with Image.open(io.BytesIO(served.content)) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
    worker = client.get("/patrol/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    assert b'"/patrol/"' in worker.content
    assert client.get("/patrol/").status_code == 302  # the page itself needs a login
