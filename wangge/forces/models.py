from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.catalog.choices import CategoryFamily
from wangge.forces.choices import GapReason, MemberPart, ShiftDays
from wangge.forces.shifts import Times

# Duty tables


class Shift(models.Model):
    """A stretch of the day that duty tables cover: the day shift of the eight office hours
    (8 小时之内) or an after-hours shift (8 小时之外), as in Yingpu's day and night force tables
    (seed 003: 8 小时之内按日常巡查模式正常运转。8 小时之外结合非警务流转运转模式).

    A shift runs from ``starts`` to ``ends`` on the days ``days`` names; an end before the start
    falls on the next morning, an end equal to the start makes a full day. No two shifts may
    ever run at the same moment (``wangge.forces.shifts``), so a moment has one shift or none.
    """

    name = models.CharField(_("name"), max_length=30, unique=True)
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))
    days = models.CharField(
        _("days"), max_length=8, choices=ShiftDays.choices, default=ShiftDays.EVERY
    )

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts", "name"]

    def __str__(self) -> str:
        return f"{self.name} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def times(self) -> Times:
        return Times(self.starts, self.ends, self.days)


class Membership(models.Model):
    """A person serving in a joint body that does not employ them: the community police officer
    and the city-management officer of a "1+2+N" unit workstation, the members of a "2+X" joint
    patrol team (Minhang seed 000: 下沉执法人员以居村网格兼职等方式; 公安和城管为主体的
    “2+X”联勤执法队伍)."""

    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    part = models.CharField(
        _("part"), max_length=2, choices=MemberPart.choices, default=MemberPart.OTHER
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["organisation", "part", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "person"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.organisation}"


class DutyEntry(models.Model):
    """One line of a grid's duty table: who of ``organisation`` is on duty over ``grid`` (and the
    grids beneath it) during ``shift`` for a kind of case (every kind, a family, or one main
    class), and who stands in for them, in order, when they are not available.

    When a case changes hands the most specific line answers: its main class before its family,
    its family before every kind, and among those the deepest grid, as in the responsibility
    table."""

    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="duty_entries",
    )
    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="entries"
    )
    family = models.CharField(
        _("family"),
        max_length=16,
        choices=CategoryFamily.choices,
        blank=True,
        help_text=_("Empty for every kind of case."),
    )
    main_class = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("main class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"parent__isnull": True},
        help_text=_("Empty for the whole family."),
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("on duty"),
        on_delete=models.PROTECT,
        related_name="duty_entries",
    )

    class Meta:
        verbose_name = _("duty table entry")
        verbose_name_plural = _("duty table entries")
        ordering = ["grid__path", "organisation__name", "shift__starts", "family"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "organisation", "shift", "family"],
                condition=Q(main_class__isnull=True),
                name="duty_entry_unique_family",
            ),
            models.UniqueConstraint(
                fields=["grid", "organisation", "shift", "main_class"],
                condition=Q(main_class__isnull=False),
                name="duty_entry_unique_main_class",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid.name} · {self.organisation} · {self.shift.name} · {self.person}"


class DutySubstitute(models.Model):
    """Someone who stands in for a duty table entry's person (替班), in the order given."""

    entry = models.ForeignKey(
        DutyEntry,
        verbose_name=_("duty table entry"),
        on_delete=models.CASCADE,
        related_name="substitutes",
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        verbose_name = _("substitute")
        verbose_name_plural = _("substitutes")
        ordering = ["entry", "position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "person"], name="substitute_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.person}"


class OnCall(models.Model):
    """Who of an organisation answers when its duty table names nobody (备勤): Yingpu's seven
    departments keep staff on call outside the eight hours (seed 003: 8 小时之外七大部门安排工作人员
    备勤)."""

    organisation = models.OneToOneField(
        "people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="on_call",
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("on call"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("on-call person")
        verbose_name_plural = _("on-call people")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.person}"


class DutyGap(models.Model):
    """A case changed hands and the duty table named nobody for it: the case went to the
    organisation's on-call person, or to nobody in particular, and the centre is shown the gap
    to fill. Written in the same transaction as the case's step, so a step taken back leaves
    no gap behind."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="duty_gaps"
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="duty_gaps",
    )
    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("grid"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    shift = models.ForeignKey(
        Shift,
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=GapReason.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("went to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("duty gap")
        verbose_name_plural = _("duty gaps")
        ordering = ["-at"]
        indexes = [models.Index(fields=["acknowledged_at", "at"])]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.grid.name} · {self.at:%Y-%m-%d %H:%M}"


# Attendance


class Attendance(models.Model):
    """One person's turn on one run of a shift (电子考勤, Minhang attachment 001: 全区统一建立执法
    力量进网格电子考勤制度): checked in from the phone inside the grid they are assigned to, and
    checked out from it at the end. ``day`` is the date the run began."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="+"
    )
    day = models.DateField(_("day"))
    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("checked in at"))
    check_in_lng = models.FloatField(_("check-in longitude"))
    check_in_lat = models.FloatField(_("check-in latitude"))
    check_in_distance_m = models.FloatField(_("metres outside the grid at check-in"), default=0)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    check_out_lng = models.FloatField(_("check-out longitude"), null=True, blank=True)
    check_out_lat = models.FloatField(_("check-out latitude"), null=True, blank=True)
    check_out_distance_m = models.FloatField(
        _("metres outside the grid at check-out"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "shift", "day"], name="attendance_unique")
        ]
        indexes = [models.Index(fields=["day", "shift"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.shift.name} · {self.day}"


# Patrols


class Checkpoint(models.Model):
    """A fixed point of a grid that patrols must pass (定点巡更; Jing'an seed 002: 全覆盖发现、
    定点化巡更). A patrol visits it when one of its track points comes within ``radius_m``."""

    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    lng = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    radius_m = models.PositiveIntegerField(_("radius (m)"), default=30)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["grid__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "name"], name="checkpoint_unique_name")
        ]
        indexes = [models.Index(fields=["lng", "lat"])]

    def __str__(self) -> str:
        return f"{self.grid.name} · {self.name}"


class Patrol(models.Model):
    """One person's patrol, from start to stop: its GPS track, the blocks it passed through, the
    checkpoints it visited and the cases its person reported on the way. ``grid`` is where it
    patrols, and decides who sees it; the last point says where it is now without reading the
    track."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="patrols"
    )
    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    last_lng = models.FloatField(_("last longitude"), null=True, blank=True)
    last_lat = models.FloatField(_("last latitude"), null=True, blank=True)
    last_at = models.DateTimeField(_("last seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_at__isnull=True), name="patrol_one_active"
            )
        ]
        indexes = [models.Index(fields=["ended_at", "grid"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.grid.name} · {self.started_at:%Y-%m-%d %H:%M}"


class TrackPoint(models.Model):
    """One GPS fix of a patrol as the phone took it, in WGS-84. A phone sends its fixes in
    batches and sends a batch again when the answer is lost: a fix the patrol has is kept once."""

    patrol = models.ForeignKey(
        Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="points"
    )
    at = models.DateTimeField(_("at"))
    lng = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)

    class Meta:
        verbose_name = _("track point")
        verbose_name_plural = _("track points")
        ordering = ["patrol", "at"]
        constraints = [models.UniqueConstraint(fields=["patrol", "at"], name="track_point_once")]

    def __str__(self) -> str:
        return f"{self.at:%H:%M:%S} {self.lng:.6f},{self.lat:.6f}"


class PatrolBlock(models.Model):
    """A block a patrol's track passed through on a day: together, the blocks covered that day
    (Minhang seed 000: 确保每个责任路段每天有人在岗巡查)."""

    patrol = models.ForeignKey(
        Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="blocks"
    )
    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("block"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("day"))
    first_at = models.DateTimeField(_("first passed at"))

    class Meta:
        verbose_name = _("block covered")
        verbose_name_plural = _("blocks covered")
        ordering = ["patrol", "first_at"]
        constraints = [
            models.UniqueConstraint(fields=["patrol", "grid", "day"], name="patrol_block_once")
        ]
        indexes = [models.Index(fields=["day", "grid"])]

    def __str__(self) -> str:
        return f"{self.grid} · {self.day}"


class CheckpointVisit(models.Model):
    """A checkpoint a patrol passed: the first time one of its points came within reach."""

    patrol = models.ForeignKey(
        Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="visits"
    )
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="visits"
    )
    at = models.DateTimeField(_("at"))
    distance_m = models.FloatField(_("distance (m)"))

    class Meta:
        verbose_name = _("checkpoint visit")
        verbose_name_plural = _("checkpoint visits")
        ordering = ["patrol", "at"]
        constraints = [
            models.UniqueConstraint(fields=["patrol", "checkpoint"], name="checkpoint_visit_once")
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint} · {self.at:%H:%M}"


class PatrolFind(models.Model):
    """A case that a patrol's person reported while patrolling: what the patrol found."""

    patrol = models.ForeignKey(
        Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="finds"
    )
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="patrol_find"
    )

    class Meta:
        verbose_name = _("patrol find")
        verbose_name_plural = _("patrol finds")

    def __str__(self) -> str:
        return f"{self.patrol} · {self.case}"
