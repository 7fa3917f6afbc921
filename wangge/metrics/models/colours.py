from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wangge.metrics.scoring import (
    DEFAULT_FACTORS,
    DEFAULT_MODEL,
    FACTOR_LABELS,
    SHARES,
    Factor,
    FactorKey,
    ScoringModel,
)

_SHARE = [MinValueValidator(0.0), MaxValueValidator(1.0)]
_NOT_NEGATIVE = [MinValueValidator(0.0)]


def _weight(key: FactorKey) -> models.FloatField:
    return models.FloatField(
        format_lazy(_("{factor}: weight"), factor=FACTOR_LABELS[key]),
        default=DEFAULT_FACTORS[key].weight,
        validators=_NOT_NEGATIVE,
    )


def _threshold(key: FactorKey, colour: str) -> models.FloatField:
    share = key in SHARES
    default = getattr(DEFAULT_FACTORS[key], f"{colour}_at")
    name = _("{factor}: yellow at") if colour == "yellow" else _("{factor}: red at")
    return models.FloatField(
        format_lazy(name, factor=FACTOR_LABELS[key]),
        default=default,
        validators=_SHARE if share else _NOT_NEGATIVE,
        help_text=_("A share: 0.3 is 30%.") if share else "",
    )


class ColourModel(models.Model):
    """The parameters of the three-colour rating of blocks (三色管理; Jiading seed 004: each town
    builds its micro-grid rating "以模型算法为支撑"). The row without a town is the district's
    model; a town's own row replaces it for the town's blocks. Without any row the documented
    defaults apply (``metrics.scoring.DEFAULT_MODEL``, ``docs/three-colour.md``)."""

    town = models.OneToOneField(
        "grids.Grid",
        verbose_name=_("town"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="colour_model",
        limit_choices_to={"level": 2},
        help_text=_("Empty for the district's model, which every town without its own follows."),
    )
    yellow_score = models.FloatField(
        _("yellow from score"), default=DEFAULT_MODEL.yellow_score, validators=_NOT_NEGATIVE
    )
    red_score = models.FloatField(
        _("red from score"), default=DEFAULT_MODEL.red_score, validators=_NOT_NEGATIVE
    )
    min_cases = models.PositiveSmallIntegerField(
        _("fewest cases for a share"),
        default=DEFAULT_MODEL.min_cases,
        help_text=_("A share over fewer cases than this is not judged."),
    )
    recurrence_days = models.PositiveSmallIntegerField(
        _("recurrence within (days)"), default=DEFAULT_MODEL.recurrence_days
    )
    recurrence_metres = models.FloatField(
        _("recurrence within (metres)"),
        default=DEFAULT_MODEL.recurrence_metres,
        validators=_NOT_NEGATIVE,
    )
    density_weight = _weight(FactorKey.DENSITY)
    density_yellow_at = _threshold(FactorKey.DENSITY, "yellow")
    density_red_at = _threshold(FactorKey.DENSITY, "red")
    recurrence_weight = _weight(FactorKey.RECURRENCE)
    recurrence_yellow_at = _threshold(FactorKey.RECURRENCE, "yellow")
    recurrence_red_at = _threshold(FactorKey.RECURRENCE, "red")
    overdue_weight = _weight(FactorKey.OVERDUE)
    overdue_yellow_at = _threshold(FactorKey.OVERDUE, "yellow")
    overdue_red_at = _threshold(FactorKey.OVERDUE, "red")
    complaints_weight = _weight(FactorKey.COMPLAINTS)
    complaints_yellow_at = _threshold(FactorKey.COMPLAINTS, "yellow")
    complaints_red_at = _threshold(FactorKey.COMPLAINTS, "red")
    chronic_weight = _weight(FactorKey.CHRONIC)
    chronic_yellow_at = _threshold(FactorKey.CHRONIC, "yellow")
    chronic_red_at = _threshold(FactorKey.CHRONIC, "red")

    class Meta:
        verbose_name = _("three-colour model")
        verbose_name_plural = _("three-colour models")
        constraints = [
            models.UniqueConstraint(
                fields=["town"],
                condition=models.Q(town__isnull=True),
                name="colour_model_one_for_the_district",
            )
        ]

    def __str__(self) -> str:
        return str(self.town) if self.town_id else str(_("The district's model"))

    def clean(self) -> None:
        errors = {}
        if self.red_score < self.yellow_score:
            errors["red_score"] = _("Red starts at a score no lower than yellow.")
        for key in FactorKey:
            if getattr(self, f"{key}_red_at") < getattr(self, f"{key}_yellow_at"):
                errors[f"{key}_red_at"] = _("The red threshold is no lower than the yellow one.")
        if errors:
            raise ValidationError(errors)

    def as_scoring(self) -> ScoringModel:
        return ScoringModel(
            factors={
                key: Factor(
                    weight=getattr(self, f"{key}_weight"),
                    yellow_at=getattr(self, f"{key}_yellow_at"),
                    red_at=getattr(self, f"{key}_red_at"),
                )
                for key in FactorKey
            },
            yellow_score=self.yellow_score,
            red_score=self.red_score,
            min_cases=self.min_cases,
            recurrence_days=self.recurrence_days,
            recurrence_metres=self.recurrence_metres,
        )
