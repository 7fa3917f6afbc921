"""The periodic reports (Minhang seed 000: departments report their data quarterly; towns month by
month): a town's monthly and a department's quarterly report as a page, an XLSX workbook and an
A4 PDF, each for those who may see the town or department."""

from __future__ import annotations

import io
from typing import Any

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from wangge.cases.models import Case
from wangge.people.testing import Cast
from wangge.web.tests import test_leader
from wangge.web.tests.test_leader import LATER

pytestmark = pytest.mark.django_db
# The leader view's history: in town A a patrol find, and a case dispatched to 城管's town
# office that ran out of time in June 2025; in town B a citizen's report.
cast, category, cases = test_leader.cast, test_leader.category, test_leader.cases


def get(user: Any, address: str) -> Any:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    with time_machine.travel(LATER, tick=False):
        return client.get(address)


def indicators_of(workbook: bytes) -> dict[str, tuple[Any, Any]]:
    """The first sheet's rows: indicator → (value, target)."""
    sheet = load_workbook(io.BytesIO(workbook)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    return {row[0]: (row[1], row[3]) for row in rows if row[0]}


def test_a_towns_monthly_workbook_holds_its_indicators_and_its_unit_grids(
    cast: Cast, cases: dict[str, Case]
) -> None:
    town = f"/reports/towns/{cast.town_a.code}/2025/6/"
    response = get(cast.alice, town + "report.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    figures = indicators_of(response.content)
    # June in town A: one case registered and none closed (0% against Yingpu's 97%), one that
    # ran out of time; the patrol found it, so proactive discovery is 100% (target 85%).
    assert figures["Closure rate"] == (0.0, 97.0)
    assert figures["Proactive discovery rate"] == (100.0, 85.0)
    assert figures["Cases overdue"][0] == 1.0
    assert figures["On-time closure rate"][0] is None  # nothing closed: no figure
    breakdown = load_workbook(io.BytesIO(response.content)).worksheets[1]
    names = [row[0] for row in breakdown.iter_rows(min_row=3, values_only=True)]
    assert cast.unit_a.name in names and cast.unit_b.name not in names


def test_a_towns_monthly_report_prints_as_a_pdf_with_its_chinese_title_and_figures(
    cast: Cast, cases: dict[str, Case]
) -> None:
    response = get(cast.alice, f"/reports/towns/{cast.town_a.code}/2025/6/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "江川路街道" in text  # the town's name, in the title
    assert "Closure rate" in text and "0%" in text and "97%" in text
    page = get(cast.alice, f"/reports/towns/{cast.town_a.code}/2025/6/").content.decode()
    assert 'href="report.pdf"' in page and 'href="report.xlsx"' in page


def test_a_departments_quarterly_report_counts_its_own_cases(
    cast: Cast, cases: dict[str, Case]
) -> None:
    address = f"/reports/departments/{cast.chengguan_a.pk}/2025/q2/report.xlsx"
    figures = indicators_of(get(cast.dora, address).content)
    # The overdue case was dispatched to 城管's town-A office: it counts for the office.
    assert figures["Cases overdue"][0] == 1.0
    months = load_workbook(io.BytesIO(get(cast.carol, address).content)).worksheets[1]
    assert [row[0] for row in months.iter_rows(min_row=3, values_only=True)] == [
        "2025-04",
        "2025-05",
        "2025-06",
    ]


def test_reports_are_for_those_who_may_see_the_town_or_department(cast: Cast) -> None:
    town_b = f"/reports/towns/{cast.town_b.code}/2025/6/"
    refused = get(cast.alice, town_b)  # a town-A dispatcher
    assert refused.status_code == 403
    assert "reports of your own area only" in refused.content.decode()
    assert get(cast.alice, town_b + "report.xlsx").status_code == 403
    assert get(cast.carol, town_b).status_code == 200  # the district
    assert get(cast.alice, f"/reports/towns/{cast.town_a.code}/2025/13/").status_code == 404
    assert get(cast.alice, f"/reports/towns/{cast.unit_a.code}/2025/6/").status_code == 404
    assert (
        get(cast.alice, f"/reports/departments/{cast.chengguan_a.pk}/2025/q5/").status_code == 404
    )
    assert Client().get(town_b).status_code == 302
