"""The quality review of closed cases (Minhang attachment 001: 建立质量考评制度 — "通过随机抽样、
定量抽取、分组互评、多人评分的方法，对前端管理、群众投诉案件进行多维度测评"). The rules are in
``wangge.metrics.review``; these are its rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Criterion(models.TextChoices):
    """What a rater scores on a closed case: one question per step of Jing'an's six-step
    process (002: 受理登记, 分办协调, 处置, 结案复核, 评价考核) and the clock."""

    REGISTRATION = "registration", _("Registered correctly")
    DISPATCH = "dispatch", _("Dispatched to the right body")
    HANDLING = "handling", _("Handled to standard")
    CLOSURE_PHOTO = "closure_photo", _("Closure photo matches")
    ON_TIME = "on_time", _("Time limit met")
    SATISFACTION = "satisfaction", _("Citizen satisfied")


class Grade(models.IntegerChoices):
    """An ordinal scale: agreement is measured with the ordinal metric, and a case fails if any
    criterion is graded "fails". "Not applicable" (a case fixed on the spot was never
    dispatched) is stored as no grade."""

    FAILS = 0, _("Fails")
    PARTLY = 1, _("Partly")
    MEETS = 2, _("Meets")


class QuotaBy(models.TextChoices):
    """How quota samples group the closed cases: at least k of each group."""

    NONE = "", _("No quota")
    TOWN = "town", _("Town")
    UNIT = "unit", _("Unit grid")
    DEPARTMENT = "department", _("Department")
    CATEGORY = "category", _("Category (main class)")


class ReviewRound(models.Model):
    """A review round: an operations centre samples the cases closed in its area over a period and
    has several raters score each one. Open while the raters work; once closed, the ratings are
    revealed, agreement is measured and disagreements go to the round's owner for a decision."""

    class State(models.TextChoices):
        OPEN = "open", _("Open for rating")
        CLOSED = "closed", _("Closed")

    centre = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("operations centre"),
        on_delete=models.PROTECT,
        related_name="review_rounds",
    )
    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    start = models.DateField(_("closed from"))
    end = models.DateField(_("closed until"))
    random_size = models.PositiveIntegerField(_("random sample, cases"), null=True, blank=True)
    random_share = models.DecimalField(
        _("random sample, share"), max_digits=4, decimal_places=3, null=True, blank=True
    )
    seed = models.BigIntegerField(_("seed"))
    quota_by = models.CharField(
        _("quota by"), max_length=16, choices=QuotaBy.choices, blank=True, default=QuotaBy.NONE
    )
    quota_min = models.PositiveSmallIntegerField(_("at least, per group"), default=0)
    all_red = models.BooleanField(_("every case that went red"), default=False)
    all_reworked = models.BooleanField(_("every reworked case"), default=False)
    raters_per_case = models.PositiveSmallIntegerField(_("raters per case"), default=2)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class ReviewSample(models.Model):
    """A closed case drawn into a round, and why: at random, for a quota group, because it went
    red or because it was reworked. A case is drawn into one round only, once."""

    class Reason(models.TextChoices):
        RANDOM = "random", _("Random")
        QUOTA = "quota", _("Quota")
        RED = "red", _("Went red")
        REWORKED = "reworked", _("Reworked")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="samples")
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="review"
    )
    reason = models.CharField(_("drawn as"), max_length=10, choices=Reason.choices)
    group = models.CharField(_("quota group"), max_length=100, blank=True)
    # The department the case was last dispatched to, kept at drawing time for the results.
    department = models.ForeignKey(
        "people.Organisation",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("review sample")
        verbose_name_plural = _("review samples")
        ordering = ["round", "pk"]

    def __str__(self) -> str:
        return f"{self.round} · {self.case}"


class ReviewAssignment(models.Model):
    """One rater on one sampled case: their scores are theirs alone until the round closes."""

    sample = models.ForeignKey(ReviewSample, on_delete=models.CASCADE, related_name="assignments")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rater"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["sample", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "rater"], name="review_rater_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.sample} · {self.rater}"


class ReviewScore(models.Model):
    """A rater's grade of one criterion; no row means "not applicable"."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.CharField(_("criterion"), max_length=16, choices=Criterion.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="review_score_once_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.criterion}={self.grade}"


class ReviewDecision(models.Model):
    """The round owner's consensus on a criterion the raters disagreed about; it replaces their
    grades in the results. No grade means the owner found the criterion not applicable."""

    sample = models.ForeignKey(ReviewSample, on_delete=models.CASCADE, related_name="decisions")
    criterion = models.CharField(_("criterion"), max_length=16, choices=Criterion.choices)
    grade = models.PositiveSmallIntegerField(
        _("grade"), choices=Grade.choices, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["sample", "criterion"], name="review_decision_once_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sample} · {self.criterion}"
