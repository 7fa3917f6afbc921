from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.cases.workflow import STATUS_LABELS

# The lazy labels themselves: translated when shown, never at import.
STATUS_CHOICES = [(status.value, label) for status, label in STATUS_LABELS.items()]


class Channel(models.TextChoices):
    """Where a case came from (Jing'an seed 002: 12345, 12319, media, video, grids,
    representatives; Yingpu seed 003: phones, smart-scene video, citizen QR codes)."""

    PATROL = "patrol", _("Grid patrol")
    VIDEO = "video", _("Video patrol")
    AI = "ai", _("Smart-scene detection")
    HOTLINE_12345 = "hotline_12345", _("12345 hotline")
    HOTLINE_12319 = "hotline_12319", _("12319 hotline")
    MEDIA = "media", _("Media")
    CITIZEN = "citizen", _("Citizen report")
    REPRESENTATIVE = "representative", _("NPC or CPPCC representative")
    DEPARTMENT = "department", _("Department inspection")

    @classmethod
    def grid_forces(cls) -> frozenset[str]:
        """Channels of the grid's own forces: what they find before any complaint is
        proactively discovered (先行发现)."""
        return frozenset({cls.PATROL, cls.VIDEO, cls.AI})


class Light(models.TextChoices):
    """The clock of an open case, with the colour the console paints it."""

    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Due soon")
    RED = "red", _("Overdue")
    NONE = "none", _("No clock")

    @property
    def colour(self) -> str:
        return {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828", "none": "#9e9e9e"}[
            self.value
        ]
