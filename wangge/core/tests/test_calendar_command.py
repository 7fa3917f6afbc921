from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from wangge.core.services import calendar_day_set

pytestmark = pytest.mark.django_db


def test_it_seeds_and_reports_what_changed() -> None:
    first, second = StringIO(), StringIO()
    call_command("calendar", "seed", stdout=first)
    call_command("calendar", "seed", stdout=second)
    assert "23 years newly covered" not in second.getvalue()
    assert "0 days created, 0 updated, 0 removed" in second.getvalue()
    assert "days created" in first.getvalue()


def test_it_warns_about_years_the_package_lacks() -> None:
    out, err = StringIO(), StringIO()
    call_command("calendar", "seed", "--year", "2025", "--year", "2099", stdout=out, stderr=err)
    assert ": 2025 (1 years)" in out.getvalue()
    assert "2099: the package" in err.getvalue()


def test_it_shows_a_covered_year() -> None:
    call_command("calendar", "seed", "--year", "2025", stdout=StringIO())
    calendar_day_set(date=date(2025, 3, 5), is_workday=False, name="停工")
    out = StringIO()
    call_command("calendar", "show", "2025", stdout=out)
    text = out.getvalue()
    assert "2025: covered (package" in text
    assert "2025-01-26 周日 work  春节 调休上班  [package]" in text
    assert "2025-03-05 周三 rest  停工  [administrator]" in text
    assert "247 working days" in text


def test_it_shows_an_uncovered_year() -> None:
    out = StringIO()
    call_command("calendar", "show", "2027", stdout=out)
    assert "2027: NOT covered — weekends only" in out.getvalue()
    assert "261 working days" in out.getvalue()
