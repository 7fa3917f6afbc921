from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.cases.choices import STATUS_CHOICES, Channel, Light
from wangge.cases.workflow import Status


class Case(models.Model):
    """A civic problem on its way from discovery to evaluation.

    Written only by the services in ``cases.services``: each change bumps ``version`` with a
    conditional update (two people acting at once: one wins, the other is told) and appends a
    ``CaseEvent`` in the same transaction. The timestamps per state make the KPIs cheap.
    """

    number = models.CharField(_("number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # The foreign keys have no index of their own where a composite index below begins with
    # them, and only a partial one (non-NULL rows) where most cases leave them empty: every
    # index costs each case written, a million at a time by an import.
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    grid = models.ForeignKey(
        "grids.Grid",
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    lng = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # A citizen's name and phone stay with the centres unless the citizen allows otherwise.
    reporter_name = models.CharField(_("reporter's name"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=30, blank=True)
    reporter_shares_contact = models.BooleanField(
        _("contact may be shown to departments"), default=False
    )
    urgent = models.BooleanField(_("urgent"), default=False)
    proactive = models.BooleanField(_("proactively discovered"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=STATUS_CHOICES, default=Status.REPORTED.value
    )
    status_before_suspension = models.CharField(max_length=20, choices=STATUS_CHOICES, blank=True)
    holder = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("held by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_cases",
        db_index=False,
    )
    holder_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("held by (person)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="held_cases",
        db_index=False,
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        db_index=False,
    )
    on_site_by = models.DateTimeField(_("on site by"), null=True, blank=True)
    first_result_by = models.DateTimeField(_("first result by"), null=True, blank=True)
    due_by = models.DateTimeField(_("due by"), null=True, blank=True)
    # The deadline the light reads now: for an urgent case, on site by, then first result by,
    # then due by; for the others, due by.
    clock_due = models.DateTimeField(_("next deadline"), null=True, blank=True)
    light = models.CharField(_("light"), max_length=8, choices=Light.choices, default=Light.NONE)
    # When a green light turns yellow: stored with the deadline so the sweep finds it by index.
    yellow_at = models.DateTimeField(_("yellow at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # While overdue, the next time the case climbs a level: area chief, town chief, district.
    escalate_at = models.DateTimeField(_("escalates at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    # The reporter's own rating from their tracking page, beside the centre's callback above.
    reporter_rating = models.PositiveSmallIntegerField(
        _("reporter's rating"), null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    reported_at = models.DateTimeField(_("reported at"))
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    on_site_at = models.DateTimeField(_("on site at"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["status", "due_by"]),
            # Covering for the command centre's counters: a scope's open cases are counted by
            # their holders, lights and urgency from this index alone, never from the rows.
            models.Index(
                fields=["grid", "status", "holder", "light", "urgent"], name="case_grid_cover"
            ),
            # The centre's live list, newest first or nearest deadline first: read in order and
            # left after a page, instead of sorting every open case for each refresh.
            models.Index(fields=["reported_at"], name="case_reported"),
            models.Index(fields=["clock_due"], name="case_clock_due"),
            models.Index(fields=["holder", "status"]),
            models.Index(fields=["light", "status"]),
            # Likely duplicates: the same kind of problem, reported lately.
            models.Index(fields=["category", "reported_at"]),
            # The sweep's two questions, each over running clocks only: which green lights have
            # reached their yellow time, which running clocks have passed their deadline.
            models.Index(
                fields=["yellow_at"], condition=models.Q(light="green"), name="case_turning_yellow"
            ),
            models.Index(
                fields=["clock_due"],
                condition=models.Q(light__in=["green", "yellow"]),
                name="case_running_clock",
            ),
            models.Index(
                fields=["escalate_at"], condition=models.Q(light="red"), name="case_escalating"
            ),
            *(
                models.Index(
                    fields=[name],
                    condition=models.Q(**{f"{name}__isnull": False}),
                    name=f"case_{name}",
                )
                for name in ("reporter", "holder_person", "handler", "duplicate_of")
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def workflow_status(self) -> Status:
        return Status(self.status)


class CaseEvent(models.Model):
    """One change of a case, append-only: who did what, when, from which status to which, with
    what note, where and with which evidence. The timeline and every KPI read from these."""

    # Indexed by the unique (case, sequence) below, which begins with it.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", db_index=False)
    sequence = models.PositiveIntegerField(_("sequence"))
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=20, choices=STATUS_CHOICES, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=STATUS_CHOICES)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)
    lng = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["case", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["case", "sequence"], name="case_event_unique_sequence")
        ]
        # The events the sweep, an import or the system writes have no actor or organisation.
        indexes = [
            models.Index(
                fields=[name],
                condition=models.Q(**{f"{name}__isnull": False}),
                name=f"case_event_{name}",
            )
            for name in ("actor", "organisation")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Case events are append-only.")
        super().save(*args, **kwargs)


def _photo_path(photo: CasePhoto, filename: str) -> str:
    # Unguessable names: a photo is served only through the case it belongs to, never by path.
    day = photo.event.at
    suffix = PurePosixPath(filename).suffix.lower()
    return f"cases/{day:%Y/%m}/{photo.case.number}-{uuid.uuid4().hex[:12]}{suffix}"


class CasePhoto(models.Model):
    """A picture brought with a step: the problem as reported, the site on arrival, the result
    after handling, the check before closure. Re-encoded without its metadata on the way in
    (``core.images``), and shown only to those who may see the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(CaseEvent, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=_photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=_photo_path, blank=True)

    class Meta:
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")
        ordering = ["event__sequence", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.event_id} {self.image.name}"


class CaseNumberCounter(models.Model):
    """The day's last case number: numbers read 2026112400001, by day, in order of arrival."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class Notification(models.Model):
    """The outbox: a message that a case needs someone's attention, written in the transaction
    that changed the case and delivered afterwards by the worker. A worker claims a row by a
    conditional update, so two workers never send it twice; a claim that is not finished within
    the lease is taken again after a restart. A failed attempt waits longer each time before the
    next; after the last allowed attempt the row is given up (``failed_at``) and left alone."""

    class Kind(models.TextChoices):
        RED_LIGHT = "red_light", _("Overdue")
        ESCALATION = "escalation", _("Escalation")
        SUPERVISION = "supervision", _("Supervision order")
        WHISTLE = "whistle", _("Whistle")
        WHISTLE_LATE = "whistle_late", _("Whistle not answered")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    # Whom it is for, when not the case's holder: a summoned department, a whistle's blower.
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("for"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    claimed_by = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # After a failed attempt, no worker takes the row again before this.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # What the workers still have to deliver: neither sent nor given up.
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="notification_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case_id}"


class Whistle(models.Model):
    """一键吹哨 (Jiading seed 004): a grid summons one or more departments to a case, each to
    answer within a limit."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="whistles")
    organisation = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("blown by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    blown_at = models.DateTimeField(_("blown at"))
    respond_by = models.DateTimeField(_("respond by"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("whistle")
        verbose_name_plural = _("whistles")

    def __str__(self) -> str:
        return f"{self.case} · {self.blown_at:%Y-%m-%d %H:%M}"


class WhistleCall(models.Model):
    """One summoned department: its answer (一键响应: who comes, by when), or its lateness, and
    the grid's rating after closure (一键评价), which the department sees without the rater."""

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="calls")
    department = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="whistle_calls",
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responder = models.ForeignKey(
        "people.Person",
        verbose_name=_("responder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    arrive_by = models.DateTimeField(_("arrives by"), null=True, blank=True)
    overdue = models.BooleanField(_("overdue"), default=False)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("whistle call")
        verbose_name_plural = _("whistle calls")
        constraints = [
            models.UniqueConstraint(fields=["whistle", "department"], name="whistle_call_unique")
        ]
        indexes = [
            models.Index(
                fields=["whistle"],
                condition=models.Q(responded_at__isnull=True, overdue=False),
                name="whistle_call_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.whistle} → {self.department}"
