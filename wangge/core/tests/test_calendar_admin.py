from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from wangge.core.choices import CalendarSource
from wangge.core.models import CalendarDay, CalendarYear
from wangge.core.selectors import current_calendar
from wangge.core.services import calendar_seed_from_package

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [CalendarDay, CalendarYear], ids=lambda m: m.__name__)
def test_it_passes_the_admin_checks_and_lists(model: type[Model], admin_client: Client) -> None:
    calendar_seed_from_package(years=[2025])
    assert admin.site.get_model_admin(model).check() == []
    url = reverse(f"admin:core_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    if model is CalendarDay:
        response = admin_client.get(url, {"date__year": "2025", "is_workday__exact": "1"})
        assert "春节 调休上班" in response.content.decode()


def test_it_makes_an_edited_day_the_administrators(admin_client: Client) -> None:
    calendar_seed_from_package(years=[2025])
    day = CalendarDay.objects.get(date=date(2025, 10, 8))
    assert not current_calendar().is_workday(day.date)
    response = admin_client.post(
        reverse("admin:core_calendarday_change", args=[day.pk]),
        {"is_workday": "on", "name": "区级加班"},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.is_workday, day.name) == (True, "区级加班")
    assert day.source == CalendarSource.ADMINISTRATOR
    assert current_calendar().is_workday(day.date)


def test_it_adds_a_day_and_a_year(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:core_calendarday_add"), {"date": "2027-02-08", "name": "春节"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2027, 2, 8)).source == CalendarSource.ADMINISTRATOR
    response = admin_client.post(reverse("admin:core_calendaryear_add"), {"year": "2027"})
    assert response.status_code == 302
    calendar = current_calendar()
    assert calendar.is_covered(2027)
    assert not calendar.is_workday(date(2027, 2, 8))


def test_it_deletes_through_the_service(admin_client: Client) -> None:
    calendar_seed_from_package(years=[2025])
    first = current_calendar()
    day = CalendarDay.objects.get(date=date(2025, 10, 1))
    response = admin_client.post(
        reverse("admin:core_calendarday_delete", args=[day.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert current_calendar() is not first
    assert current_calendar().is_workday(date(2025, 10, 1))


def test_it_lets_only_users_with_the_permission_edit(
    client: Client, django_user_model: type[Model]
) -> None:
    user = django_user_model.objects.create_user(  # type: ignore[attr-defined]
        username="clerk", password="x", is_staff=True
    )
    client.force_login(user)
    add = reverse("admin:core_calendarday_add")
    assert client.get(add).status_code == 403
    assert client.post(add, {"date": "2027-02-08", "is_workday": ""}).status_code == 403
    assert not CalendarDay.objects.exists()

    user.user_permissions.add(Permission.objects.get(codename="add_calendarday"))
    client.force_login(user)
    assert client.post(add, {"date": "2027-02-08", "name": "春节"}).status_code == 302
    assert CalendarDay.objects.filter(date=date(2027, 2, 8)).exists()
