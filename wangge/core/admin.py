from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core.models import CalendarDay, CalendarYear
from wangge.core.services import (
    calendar_day_delete,
    calendar_day_set,
    calendar_year_cover,
    calendar_year_uncover,
)

WEEKDAYS = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    """Holidays and adjusted workdays. Whatever is saved here becomes the administrator's, and
    seeding from the package will leave it alone. Editing needs the model's permissions."""

    list_display = ["date", "weekday", "is_workday", "name", "source", "updated_at"]
    list_filter = ["is_workday", "source"]
    date_hierarchy = "date"
    search_fields = ["name"]
    ordering = ["date"]
    fields = ["date", "is_workday", "name", "source", "updated_at"]
    list_per_page = 200

    @admin.display(description=_("weekday"))
    def weekday(self, day: CalendarDay) -> str:
        return str(WEEKDAYS[day.date.weekday()])

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The date is the row's identity: another date is another row, added as such.
        return ["source", "updated_at", *(["date"] if obj is not None else [])]

    def save_model(
        self,
        request: HttpRequest,
        obj: CalendarDay,
        form: forms.ModelForm[CalendarDay],
        change: bool,
    ) -> None:
        saved = calendar_day_set(date=obj.date, is_workday=obj.is_workday, name=obj.name)
        obj.pk, obj.source, obj.updated_at = saved.pk, saved.source, saved.updated_at

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_day_delete(date=obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for date in queryset.values_list("date", flat=True):
            calendar_day_delete(date=date)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin[CalendarYear]):
    """Years whose holidays are complete. Add a year once all its exceptions are entered;
    delete it to make the calendar count weekends only there again."""

    list_display = ["year", "source", "loaded_at"]
    list_filter = ["source"]
    ordering = ["-year"]
    fields = ["year", "source", "loaded_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["source", "loaded_at", *(["year"] if obj is not None else [])]

    def save_model(
        self,
        request: HttpRequest,
        obj: CalendarYear,
        form: forms.ModelForm[CalendarYear],
        change: bool,
    ) -> None:
        saved = calendar_year_cover(year=obj.year)
        obj.pk, obj.source, obj.loaded_at = saved.pk, saved.source, saved.loaded_at

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        calendar_year_uncover(year=obj.year)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarYear]) -> None:
        for year in queryset.values_list("year", flat=True):
            calendar_year_uncover(year=year)
