from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.choices import CalendarSource


class CalendarDay(models.Model):
    """A date that differs from the plain rule (Monday to Friday work, weekends rest): a weekday
    off for a public holiday (放假), or a weekend day worked in its place (调休上班).

    Rows come from the chinesecalendar package or from an administrator; write them through
    ``wangge.core.services`` so that every process notices the change.
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=CalendarSource.choices,
        default=CalendarSource.ADMINISTRATOR,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        kind = _("working day") if self.is_workday else _("rest day")
        return f"{self.date:%Y-%m-%d} {kind} {self.name}".rstrip()


class CalendarYear(models.Model):
    """A year whose exceptions are complete, so the calendar may trust them. In any other year
    it counts weekends only and warns: deadlines still come out, a little early around holidays."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(1950), MaxValueValidator(2200)]
    )
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=CalendarSource.choices,
        default=CalendarSource.ADMINISTRATOR,
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarVersion(models.Model):
    """A single row whose revision every change of the calendar renews.

    Each process keeps its working calendar in memory; comparing the revision tells it, with one
    cheap query, when another process has changed the calendar. As with the grid tree's version,
    a random revision never names two different calendars (say, after a rollback).
    """

    revision = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar version")
        verbose_name_plural = _("calendar version")

    def __str__(self) -> str:
        return str(self.revision)
