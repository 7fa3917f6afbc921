"""Forms of the public pages, where anyone may type anything."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from wangge.catalog.models import Category

# A person needs some seconds to describe a problem; a script posting at once does not.
MIN_SECONDS = 3
SALT = "wangge.citizen-report"


def form_started() -> str:
    """When the form was handed out, signed so that it cannot be made up."""
    return signing.dumps(time.time(), salt=SALT)


class CitizenReportForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("What is the problem?"),
        queryset=Category.objects.filter(parent__isnull=False, is_active=True).select_related(
            "parent"
        ),
    )
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(label=_("Photo"), required=False)
    name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Your mobile number (optional, for the callback and reward points)"),
        max_length=11,
        required=False,
        validators=[RegexValidator(r"^1\d{10}$", _("A mobile number has 11 digits."))],
    )
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    key = forms.UUIDField(widget=forms.HiddenInput)
    started = forms.CharField(widget=forms.HiddenInput)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # Hidden from people by the page's style; a form-filling robot fills it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("website"):
            raise forms.ValidationError(_("This report looks automatic."), code="spam")
        try:
            started = float(signing.loads(cleaned.get("started", ""), salt=SALT, max_age=6 * 3600))
        except (signing.BadSignature, TypeError, ValueError) as exc:
            raise forms.ValidationError(
                _("The form has expired; please fill it in again."), code="expired"
            ) from exc
        if time.time() - started < MIN_SECONDS:
            raise forms.ValidationError(_("This report looks automatic."), code="spam")
        return cleaned


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the result?"),
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
