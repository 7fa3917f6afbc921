from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CategoryFamily(models.TextChoices):
    """部件 (facilities: things that are broken) and 事件 (events: things that happen)."""

    FACILITY = "facility", _("Facility")
    EVENT = "event", _("Event")


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    DAYS = "days", _("days")


class LimitCalendar(models.TextChoices):
    """Natural time runs day and night; working time counts only working hours of working days
    (the Chinese calendar, with its adjusted weekend workdays)."""

    NATURAL = "natural", _("natural time")
    WORKING = "working", _("working time")
