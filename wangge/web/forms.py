"""Forms of the web pages: the public ones, where anyone may type anything, and the console's
steps on a case, each with the fields its step asks for."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.cases.models import Case, WhistleCall
from wangge.cases.services import photos_within_limit
from wangge.cases.workflow import NEEDS, Action, Need, Remark
from wangge.catalog.models import Category
from wangge.people.models import Organisation

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


RATINGS = [(n, f"{n} " + "★" * n) for n in range(5, 0, -1)]


class MultiplePhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several pictures in one input; each is checked by the services when the step is taken."""

    widget = MultiplePhotosInput(attrs={"accept": "image/*"})

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        single = super().clean
        cleaned = [single(one, initial) for one in files]
        photos_within_limit(len(cleaned))
        return cleaned


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


# What each reason is asked as, so that a dispatcher rejecting and a department returning a case
# are each asked their own question.
REASON_LABELS = {
    Action.REJECT: _("Why is it not registered?"),
    Action.RETURN: _("Why is it not for your department?"),
    Action.REWORK: _("What is still to be done?"),
    Action.HAND_TO_ENFORCEMENT: _("Why could self-governance not settle it?"),
    Action.TRACK_CHRONIC: _("Why does it need long-term tracking?"),
    Action.UNTRACK_CHRONIC: _("Why does the tracking end?"),
    Action.SUSPEND: _("Why is it put on hold?"),
}
# Steps that may bring a note and photos without needing them: the site on arrival, the check
# before closure.
OPTIONAL_EVIDENCE = frozenset({Action.ARRIVE, Action.VERIFY})


class StepForm(forms.Form):
    """What the case page's forms share: the version the user saw, and a key that tells one
    form of the page from the others (a remark on a whistle call has one per call)."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    key: str

    def keep(self, names: set[str]) -> None:
        for name in [name for name in self.fields if name not in names | {"version"}]:
            del self.fields[name]

    @property
    def has_inputs(self) -> bool:
        """Whether the user has anything to fill in, or just confirms the step."""
        return any(not field.widget.is_hidden for field in self.fields.values())


class CaseActionForm(StepForm):
    """One step of the workflow on a case, with the fields that step needs (``NEEDS``)."""

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    department = forms.ModelChoiceField(label=_("Department"), queryset=Organisation.objects.none())
    duplicate_of = forms.CharField(label=_("Number of the original case"), max_length=20)
    rating = forms.TypedChoiceField(label=_("Satisfaction"), choices=RATINGS, coerce=int)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("Photos"), required=False)

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        action: Action,
        departments: QuerySet[Organisation],
        cases: QuerySet[Case],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, files, prefix=action.value, initial=initial)
        self.action = self.key = action
        self.cases = cases
        needs = NEEDS[action]
        wanted = {
            name
            for need, name in (
                (Need.REASON, "reason"),
                (Need.DEPARTMENT, "department"),
                (Need.DUPLICATE_OF, "duplicate_of"),
                (Need.RATING, "rating"),
            )
            if need in needs
        }
        if Need.EVIDENCE in needs or action in OPTIONAL_EVIDENCE:
            wanted |= {"note", "photos"}
        self.keep(wanted)
        if "reason" in self.fields and action in REASON_LABELS:
            self.fields["reason"].label = REASON_LABELS[action]
        if "department" in self.fields:
            self.fields["department"].queryset = departments  # type: ignore[attr-defined]
        if Need.EVIDENCE in needs:
            self.fields["note"].label = _("What was done")

    def clean_duplicate_of(self) -> Case:
        number = self.cleaned_data["duplicate_of"].strip()
        original = self.cases.filter(number=number).first()
        if original is None:
            raise ValidationError(_("No case you can see has this number."), code="unknown")
        return original

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        wants_evidence = Need.EVIDENCE in NEEDS[self.action]
        if wants_evidence and not cleaned.get("note", "").strip() and not cleaned.get("photos"):
            self.add_error("note", _("Say what was done, or add a photo of the result."))
        return cleaned


class CaseRemarkForm(StepForm):
    """A remark on a case (escalate, supervise, consult, whistle, respond, rate), with the
    fields it uses; a response or a rating names the whistle call it answers."""

    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    response_minutes = forms.IntegerField(
        label=_("Answer within (minutes)"), min_value=1, max_value=1440, initial=30
    )
    respond_by = forms.DateTimeField(
        label=_("Answer by (optional)"), required=False, widget=LocalDateTimeInput
    )
    call = forms.ModelChoiceField(queryset=WhistleCall.objects.none(), widget=forms.HiddenInput)
    arrive_by = forms.DateTimeField(label=_("On site by"), widget=LocalDateTimeInput)
    rating = forms.TypedChoiceField(label=_("Rating"), choices=RATINGS, coerce=int)

    FIELDS: dict[Remark, tuple[str, ...]] = {
        Remark.ESCALATE: ("note",),
        Remark.SUPERVISE: ("note", "respond_by"),
        Remark.CONSULT: ("note", "departments"),
        Remark.WHISTLE: ("departments", "note", "response_minutes"),
        Remark.RESPOND: ("call", "arrive_by"),
        Remark.RATE: ("call", "rating"),
    }
    NOTE_LABELS = {
        Remark.ESCALATE: _("Why does it go up a level?"),
        Remark.SUPERVISE: _("What does the supervision order ask?"),
        Remark.CONSULT: _("What did the consultation decide?"),
        Remark.WHISTLE: _("What are the departments needed for?"),
    }

    def __init__(
        self,
        data: Any = None,
        *,
        remark: Remark,
        departments: QuerySet[Organisation] | None = None,
        calls: QuerySet[WhistleCall] | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, prefix=remark.value, initial=initial)
        self.remark = remark
        self.keep(set(self.FIELDS[remark]))
        if remark in self.NOTE_LABELS:
            self.fields["note"].label = self.NOTE_LABELS[remark]
        if remark == Remark.WHISTLE:
            self.fields["note"].required = False
            self.fields["departments"].label = _("Summon")
        if remark == Remark.CONSULT:
            self.fields["departments"].required = False
            self.fields["departments"].label = _("Who took part")
        if "departments" in self.fields and departments is not None:
            self.fields["departments"].queryset = departments  # type: ignore[attr-defined]
        self.key = remark.value
        if "call" in self.fields:
            if calls is not None:
                self.fields["call"].queryset = calls  # type: ignore[attr-defined]
            # One form per call on a page: the call's id keeps their fields' ids apart.
            call = self.initial.get("call") or self.data.get(self.add_prefix("call"), "")
            call_id = getattr(call, "pk", call)
            self.key = f"{remark.value}-{call_id}"
            self.auto_id = f"id_%s_{call_id}"
