"""The grid board (公示牌) as Minhang's attachment puts it on the street (seed 001: 网格划分图
含责任块, 组织架构 with 姓名、照片、联系电话, 任务清单, 举报联系方式): a public page, and an A3
PDF that staff print, with its Chinese text in the document."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pypdf import PdfReader

from wangge.catalog.selectors import task_list_for_grid
from wangge.catalog.services import catalog_load_defaults
from wangge.core.images import clean_image
from wangge.core.testing import photo_with_exif
from wangge.people.choices import Role
from wangge.people.models import Person
from wangge.people.services import organisation_update, person_create, role_assign, role_update
from wangge.people.testing import Cast, build_cast

pytestmark = pytest.mark.django_db

A3_POINTS = (841.89, 1190.55)  # 297 × 420 mm


@dataclass(frozen=True)
class Staff:
    """The people of town A's unit board: a station chief with a photo, a block chief without,
    an enforcement officer embedded in the unit."""

    chief: Person
    block_chief: Person
    officer: Person


def staff(cast: Cast) -> Staff:
    """Town A's unit gets its board people; its workstation gets a phone."""
    chief = person_create(name="王建国", organisation=cast.workstation_a, phone="13900000001")
    role_assign(person=chief, role=Role.STATION_CHIEF, grid=cast.unit_a)
    chief.photo.save("chief.jpg", clean_image(photo_with_exif()))
    block_chief = person_create(name="李秀英", organisation=cast.workstation_a, phone="13900000002")
    role_assign(person=block_chief, role=Role.BLOCK_CHIEF, grid=cast.block_a)
    officer = person_create(name="赵强", organisation=cast.chengguan_a, phone="13900000003")
    role_assign(person=officer, role=Role.ENFORCEMENT_OFFICER, grid=cast.unit_a)
    organisation_update(organisation=cast.workstation_a, phone="021-64000000")
    return Staff(chief=chief, block_chief=block_chief, officer=officer)


@pytest.fixture
def cast(db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def people(cast: Cast) -> Staff:
    return staff(cast)


def embedded_fonts(pdf: PdfReader) -> list[str]:
    """The names of the fonts whose glyphs are inside the PDF (a font file in its descriptor)."""
    names = []
    for page in pdf.pages:
        resources: Any = page["/Resources"]
        for reference in resources["/Font"].values():
            font = reference.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor):
                    names.append(str(font["/BaseFont"]))
    return names


def english() -> Client:
    return Client(headers={"Accept-Language": "en"})


def test_anyone_reads_a_unit_board_with_its_map_people_tasks_and_qr_code(
    cast: Cast, people: Staff
) -> None:
    page = english().get(f"/grids/{cast.unit_a.code}/board/")
    assert page.status_code == 200
    html = page.content.decode()
    assert cast.unit_a.name in html and cast.town_a.name in html
    # The map draws the unit and numbers its blocks, with the block named in the legend.
    assert html.count('<path class="area') == 1 and "一号块" in html
    assert f'href="/grids/{cast.block_a.code}/board/"' in html  # each block has its own board
    for person, role in (
        (people.chief, "Station chief"),
        (people.block_chief, "Block chief"),
        (people.officer, "Embedded enforcement officer"),
    ):
        assert person.name in html and person.phone in html and role in html
    assert f"/grids/{cast.unit_a.code}/board/photos/{people.chief.pk}.jpg" in html
    assert "秀英" in html  # no photo: the given name stands in
    for item in task_list_for_grid(cast.unit_a):
        assert item.name in html
    assert f'src="/r/g/{cast.unit_a.code}/qr.svg"' in html
    assert "021-64000000" in html  # the workstation's phone, to report to


def test_the_board_lists_people_by_role_with_the_chief_first(cast: Cast, people: Staff) -> None:
    html = english().get(f"/grids/{cast.unit_a.code}/board/").content.decode()
    order = [html.index(p.name) for p in (people.chief, people.officer, people.block_chief)]
    assert order == sorted(order)


def test_the_board_shows_only_the_grids_people_in_their_current_roles(
    cast: Cast, people: Staff
) -> None:
    gone = person_create(name="钱已离任", organisation=cast.workstation_a, phone="13900000009")
    ended = role_assign(person=gone, role=Role.ASSISTANT, grid=cast.unit_a)
    role_update(assignment=ended, ends_on=datetime.date(2020, 1, 1))
    html = english().get(f"/grids/{cast.unit_a.code}/board/").content.decode()
    assert gone.name not in html and gone.phone not in html
    # The town's dispatcher and the other town's people are not the grid's people.
    assert "江川受理员" not in html and "古美受理员" not in html
    assert "江川巡查员" in html  # the cast's inspector of the unit
    other = english().get(f"/grids/{cast.unit_b.code}/board/").content.decode()
    assert people.chief.name not in other and "No one is assigned" in other


def test_a_block_board_shows_the_block_among_its_units_blocks_and_the_units_chiefs(
    cast: Cast, people: Staff
) -> None:
    html = english().get(f"/grids/{cast.block_a.code}/board/").content.decode()
    assert cast.block_a.name in html and "(this block)" in html
    assert 'class="area current"' in html
    assert people.block_chief.name in html and people.chief.name in html


def test_boards_are_posted_for_unit_grids_and_blocks_only(cast: Cast) -> None:
    town = english().get(f"/grids/{cast.town_a.code}/board/")
    assert town.status_code == 404 and "unit grids and their blocks" in town.content.decode()
    assert english().get("/grids/999/board/").status_code == 404


def test_a_photo_is_served_only_through_a_board_that_shows_the_person(
    cast: Cast, people: Staff
) -> None:
    client = english()
    photo = client.get(f"/grids/{cast.unit_a.code}/board/photos/{people.chief.pk}.jpg")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert (
        client.get(f"/grids/{cast.unit_b.code}/board/photos/{people.chief.pk}.jpg").status_code
        == 404
    )
    no_photo = f"/grids/{cast.unit_a.code}/board/photos/{people.block_chief.pk}.jpg"
    assert client.get(no_photo).status_code == 404


def test_printing_the_board_needs_a_login_and_the_grid_in_ones_scope(
    cast: Cast, people: Staff
) -> None:
    address = f"/grids/{cast.unit_a.code}/board.pdf"
    client = english()
    assert client.get(address).status_code == 302
    client.force_login(cast.bob)  # town B's dispatcher
    refused = client.get(address)
    assert refused.status_code == 403 and "your own grids" in refused.content.decode()
    assert "board.pdf" not in client.get(f"/grids/{cast.unit_a.code}/board/").content.decode()
    client.force_login(cast.alice)
    assert (
        f"/grids/{cast.unit_a.code}/board.pdf"
        in client.get(f"/grids/{cast.unit_a.code}/board/").content.decode()
    )


def test_the_printed_board_is_an_a3_pdf_with_its_chinese_text(cast: Cast, people: Staff) -> None:
    client = Client()  # Chinese, the default language
    client.force_login(cast.alice)
    response = client.get(f"/grids/{cast.unit_a.code}/board.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    first = pdf.pages[0]
    assert (
        round(float(first.mediabox.width), 2),
        round(float(first.mediabox.height), 2),
    ) == A3_POINTS
    text = "".join(page.extract_text() for page in pdf.pages)
    assert cast.unit_a.name in text
    assert people.chief.name in text and people.block_chief.name in text
    assert task_list_for_grid(cast.unit_a)[0].name in text
    # The fonts travel with the file: a print shop's computer has no Chinese font to lend.
    assert "Noto-Sans-CJK-SC" in " ".join(embedded_fonts(pdf))


def test_printing_a_board_leaves_truncated_uploads_refused(cast: Cast, people: Staff) -> None:
    """The PDF library accepts cut-short pictures for the whole process when loaded; after a
    board is printed, a photo cut short in the middle is still refused, not half-decoded."""
    client = Client()
    client.force_login(cast.alice)
    assert client.get(f"/grids/{cast.unit_a.code}/board.pdf").status_code == 200
    png = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(png, format="PNG")
    data = png.getvalue().index(b"IDAT")
    cut = png.getvalue()[: data - 4] + (1).to_bytes(4, "big") + png.getvalue()[data:]
    with pytest.raises(ValidationError) as error:
        clean_image(SimpleUploadedFile("cut.png", cut))
    assert error.value.code == "image_content"
