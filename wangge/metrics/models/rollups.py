"""The rollups: sums of the counters of ``metrics.contributions`` by day and key, kept up to
date in the transaction of every case event (``metrics.rollups``) and rebuilt from the events by
``wangge kpi rebuild``. Keys are plain integers, not foreign keys: a rollup is derived data, and
0 stands for "none" (no department, no reporter) so that the keys can be unique and upserted."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.metrics.indicators import ATTENDANCE, INDICATORS


class Counted(models.Model):
    """The counters, one column each (``indicators.COUNTERS``)."""

    found_proactive = models.BigIntegerField(default=0)
    found_complaint = models.BigIntegerField(default=0)
    rejected = models.BigIntegerField(default=0)
    merged = models.BigIntegerField(default=0)
    registered = models.BigIntegerField(default=0)
    chronic = models.BigIntegerField(default=0)
    registered_closed = models.BigIntegerField(default=0)
    acceptance_seconds = models.BigIntegerField(default=0)
    closed = models.BigIntegerField(default=0)
    closed_on_time = models.BigIntegerField(default=0)
    closed_front_end = models.BigIntegerField(default=0)
    closed_reworked = models.BigIntegerField(default=0)
    handling_seconds = models.BigIntegerField(default=0)
    callbacks = models.BigIntegerField(default=0)
    callbacks_resolved = models.BigIntegerField(default=0)
    ratings = models.BigIntegerField(default=0)
    ratings_satisfied = models.BigIntegerField(default=0)
    overdue = models.BigIntegerField(default=0)
    reworks = models.BigIntegerField(default=0)
    returns = models.BigIntegerField(default=0)
    whistle_calls = models.BigIntegerField(default=0)
    whistle_responses = models.BigIntegerField(default=0)
    whistle_response_seconds = models.BigIntegerField(default=0)
    whistle_late = models.BigIntegerField(default=0)
    whistle_ratings = models.BigIntegerField(default=0)
    whistle_rating_sum = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class CaseRollup(Counted):
    """Counters by day × the case's grid × sub-class × channel × department: the drill-down.
    At city size it holds nearly a row per case; dashboards read ``ScopeRollup`` instead."""

    day = models.DateField()
    grid_id = models.IntegerField()
    category_id = models.IntegerField()
    channel = models.CharField(max_length=20)
    department_id = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("case rollup")
        verbose_name_plural = _("case rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["grid_id", "day", "category_id", "channel", "department_id"],
                name="case_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} grid {self.grid_id} / {self.category_id} / {self.channel}"


class ScopeKind(models.TextChoices):
    GRID = "grid", _("Grid")
    DEPARTMENT = "department", _("Department")
    INSPECTOR = "inspector", _("Inspector")


class ScopeRollup(Counted):
    """Counters by scope × day: a grid at any level (every case counts for its grid and each
    grid above it), a department, an inspector (the reporter). Any scope over any period is a
    sum of one row per day, read along the unique key's index."""

    scope = models.CharField(max_length=12, choices=ScopeKind.choices)
    scope_id = models.IntegerField()
    day = models.DateField()

    class Meta:
        verbose_name = _("scope rollup")
        verbose_name_plural = _("scope rollups")
        constraints = [
            models.UniqueConstraint(fields=["scope", "scope_id", "day"], name="scope_rollup_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.scope_id} {self.day}"


INDICATOR_CHOICES = [(key, indicator.label) for key, indicator in INDICATORS.items()] + [
    (ATTENDANCE.key, ATTENDANCE.label)
]


class Target(models.Model):
    """The value an indicator should reach: for one grid or one department, or by default (both
    empty). A scope's own target wins over the default; Yingpu's 85% proactive discovery and 97%
    closure (seed 003) are the defaults a new installation starts with."""

    indicator = models.CharField(_("indicator"), max_length=40, choices=INDICATOR_CHOICES)
    grid = models.ForeignKey(
        "grids.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    department = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    value = models.DecimalField(_("target"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "grid", "department"], name="target_unique_scope"
            ),
            models.UniqueConstraint(
                fields=["indicator"],
                condition=models.Q(grid__isnull=True, department__isnull=True),
                name="target_unique_default",
            ),
            models.CheckConstraint(
                condition=models.Q(grid__isnull=True) | models.Q(department__isnull=True),
                name="target_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}: {self.value}"
