from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShiftDays(models.TextChoices):
    """The days a shift runs on, by the working calendar: its holidays are rest days and its
    adjusted weekend workdays (调休上班) are working days."""

    WORKING = "working", _("Working days")
    REST = "rest", _("Rest days and holidays")
    EVERY = "every", _("Every day")


class MemberPart(models.TextChoices):
    """A member's part in a joint body (Minhang seed 000): the "1" of a "1+2+N" unit workstation
    (the residents' or villagers' committee that hosts it), the "2" (the police and city
    management officers of either body) and the "N" or "X" (market supervision, housing,
    assistants, lawyers and the other forces)."""

    HOST = "1", _("Host (the 1)")
    ENFORCEMENT = "2", _("Police or city management (the 2)")
    OTHER = "n", _("Other forces (the N or X)")


class GapReason(models.TextChoices):
    """Why the duty table named nobody when a case changed hands."""

    NO_SHIFT = "no_shift", _("No shift covers this time")
    NO_ENTRY = "no_entry", _("Nobody is on the duty table for this grid and kind of case")
    UNAVAILABLE = "unavailable", _("Nobody on the duty table is available")
