from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wangge.metrics.models import ColourModel
from wangge.metrics.scoring import FACTOR_LABELS, FactorKey


@admin.register(ColourModel)
class ColourModelAdmin(admin.ModelAdmin):
    list_display = ["__str__", "yellow_score", "red_score", "min_cases"]
    autocomplete_fields = ["town"]
    fieldsets = [
        (None, {"fields": ["town"]}),
        (
            _("Colour from score"),
            {
                "fields": [
                    "yellow_score",
                    "red_score",
                    "min_cases",
                    "recurrence_days",
                    "recurrence_metres",
                ],
                "description": _(
                    "A factor at its yellow threshold adds half its weight to the score, at its "
                    "red threshold all of it."
                ),
            },
        ),
        # django-stubs' field options are a TypedDict that a built dict does not match.
        *[  # type: ignore[list-item]
            (
                FACTOR_LABELS[key],
                {"fields": [f"{key}_weight", f"{key}_yellow_at", f"{key}_red_at"]},
            )
            for key in FactorKey
        ],
    ]
