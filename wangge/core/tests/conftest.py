from __future__ import annotations

from collections.abc import Iterator

import pytest

from wangge.core.calendar import WorkingCalendar


@pytest.fixture(autouse=True)
def no_calendar_from_another_test() -> Iterator[None]:
    """Each test's rows are rolled back, revision included; the process's cached calendar must
    not carry one test's days into the next."""
    from wangge.core.selectors import current_calendar_forget

    current_calendar_forget()
    yield
    current_calendar_forget()


@pytest.fixture
def package_calendar() -> WorkingCalendar:
    """The installed package's calendar with the default office hours, no database."""
    return WorkingCalendar.from_package()
