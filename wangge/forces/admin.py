"""The forces in the admin: shifts (the district's), joint bodies' members, duty tables with their
substitutes, on-call people and checkpoints are kept here through the services; duty gaps,
attendance and patrols are read here, and a gap is acknowledged by the centre that fills it.
Every list and choice follows the user's scope, like the other apps' admin pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wangge.core.forms import ServiceCheckedForm
from wangge.forces.models import (
    Attendance,
    Checkpoint,
    CheckpointVisit,
    DutyEntry,
    DutyGap,
    DutySubstitute,
    Membership,
    OnCall,
    Patrol,
    PatrolBlock,
    PatrolFind,
    Shift,
)
from wangge.forces.services import (
    checkpoint_validate,
    duty_entry_set,
    duty_entry_update,
    duty_entry_validate,
    duty_gap_acknowledge,
    duty_substitutes_set,
    membership_add,
    membership_validate,
    on_call_set,
    on_call_validate,
    shift_create,
    shift_update,
    shift_validate,
)
from wangge.people.admin_scope import M, ScopedAdmin, ScopedChoices, request_scope
from wangge.people.scope import AccessScope


class ReadOnlyAdmin(ScopedAdmin[M]):
    """A record of what happened: read, never written here."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Shifts


class ShiftForm(ServiceCheckedForm[Shift]):
    class Meta:
        model = Shift
        fields = ["name", "starts", "ends", "days"]

    def check(self, candidate: Shift) -> None:
        shift_validate(candidate)


@admin.register(Shift)
class ShiftAdmin(ScopedAdmin[Shift]):
    """The shifts are the district's: every table uses them, so only a district-wide scope
    changes them."""

    form = ShiftForm
    list_display = ["name", "starts", "ends", "days"]

    def scoped(self, scope: AccessScope, queryset: QuerySet[Shift]) -> QuerySet[Shift]:
        return queryset

    def _district_wide(self, request: HttpRequest) -> bool:
        return request_scope(request).is_district_wide

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) and self._district_wide(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._district_wide(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._district_wide(request)

    def save_model(
        self, request: HttpRequest, obj: Shift, form: forms.ModelForm[Shift], change: bool
    ) -> None:
        if change:
            shift_update(shift=obj)
            return
        saved = shift_create(name=obj.name, starts=obj.starts, ends=obj.ends, days=obj.days)
        obj.pk = saved.pk
        obj._state.adding = False


# Members and on-call people


class MembershipForm(ServiceCheckedForm[Membership]):
    class Meta:
        model = Membership
        fields = ["organisation", "person", "part"]

    def can_check(self, cleaned: dict[str, Any]) -> bool:
        return cleaned.get("organisation") is not None and cleaned.get("person") is not None

    def check(self, candidate: Membership) -> None:
        membership_validate(candidate)


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin[Membership]):
    form = MembershipForm
    list_display = ["organisation", "part", "person"]
    list_filter = ["part", "organisation__kind"]
    list_select_related = ["organisation", "person"]
    search_fields = ["organisation__name", "person__name", "person__phone"]
    raw_id_fields = ["organisation", "person"]

    def scoped(self, scope: AccessScope, queryset: QuerySet[Membership]) -> QuerySet[Membership]:
        return queryset.filter(scope.organisation_q("organisation"))

    def save_model(
        self,
        request: HttpRequest,
        obj: Membership,
        form: forms.ModelForm[Membership],
        change: bool,
    ) -> None:
        saved = membership_add(organisation=obj.organisation, person=obj.person, part=obj.part)
        obj.pk = saved.pk
        obj._state.adding = False


class OnCallForm(ServiceCheckedForm[OnCall]):
    class Meta:
        model = OnCall
        fields = ["organisation", "person"]

    def can_check(self, cleaned: dict[str, Any]) -> bool:
        return cleaned.get("organisation") is not None and cleaned.get("person") is not None

    def check(self, candidate: OnCall) -> None:
        on_call_validate(candidate)


@admin.register(OnCall)
class OnCallAdmin(ScopedAdmin[OnCall]):
    form = OnCallForm
    list_display = ["organisation", "person"]
    list_select_related = ["organisation", "person"]
    search_fields = ["organisation__name", "person__name"]
    raw_id_fields = ["organisation", "person"]

    def scoped(self, scope: AccessScope, queryset: QuerySet[OnCall]) -> QuerySet[OnCall]:
        return queryset.filter(scope.organisation_q("organisation"))

    def save_model(
        self, request: HttpRequest, obj: OnCall, form: forms.ModelForm[OnCall], change: bool
    ) -> None:
        saved = on_call_set(organisation=obj.organisation, person=obj.person)
        obj.pk = saved.pk
        obj._state.adding = False


# Duty tables


class DutyEntryForm(ServiceCheckedForm[DutyEntry]):
    class Meta:
        model = DutyEntry
        fields = ["grid", "organisation", "shift", "family", "main_class", "person"]

    def can_check(self, cleaned: dict[str, Any]) -> bool:
        return all(cleaned.get(name) is not None for name in ("grid", "organisation", "person"))

    def check(self, candidate: DutyEntry) -> None:
        scope: AccessScope = self.scope  # type: ignore[attr-defined]
        if not scope.can_see_grid(candidate.grid):
            raise ValidationError({"grid": _("Choose a grid within your responsibility.")})
        duty_entry_validate(candidate)

    def clean(self) -> dict[str, Any]:
        # A main class names its family; the form need not ask for both.
        main_class = self.cleaned_data.get("main_class")
        if main_class is not None and not self.cleaned_data.get("family"):
            self.cleaned_data["family"] = main_class.family
        return super().clean()


class SubstituteFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        entry: DutyEntry = self.instance
        people = [
            form.cleaned_data["person"]
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("person") is not None
        ]
        if entry.organisation_id is None or entry.person_id is None:
            return
        try:
            duty_entry_validate(entry, people)
        except ValidationError as exc:
            # A formset's own errors are not tied to a field of the entry.
            raise ValidationError(exc.messages) from exc


class SubstituteInline(ScopedChoices, admin.TabularInline[DutySubstitute, DutyEntry]):
    model = DutySubstitute
    formset = SubstituteFormSet
    fields = ["position", "person"]
    raw_id_fields = ["person"]
    extra = 0


@admin.register(DutyEntry)
class DutyEntryAdmin(ScopedAdmin[DutyEntry]):
    form = DutyEntryForm
    inlines = [SubstituteInline]
    list_display = ["grid", "organisation", "shift", "family", "main_class", "person"]
    list_filter = ["shift", "family", "organisation__kind"]
    list_select_related = ["grid", "organisation", "shift", "main_class", "person"]
    search_fields = ["grid__code", "grid__name", "organisation__name", "person__name"]
    raw_id_fields = ["grid", "organisation", "person"]

    def scoped(self, scope: AccessScope, queryset: QuerySet[DutyEntry]) -> QuerySet[DutyEntry]:
        return queryset.filter(scope.grid_q("grid"))

    def save_model(
        self,
        request: HttpRequest,
        obj: DutyEntry,
        form: forms.ModelForm[DutyEntry],
        change: bool,
    ) -> None:
        if change:
            duty_entry_update(entry=obj)
            return
        saved = duty_entry_set(
            grid=obj.grid,
            organisation=obj.organisation,
            shift=obj.shift,
            person=obj.person,
            family=obj.family,
            main_class=obj.main_class,
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def save_formset(
        self,
        request: HttpRequest,
        form: forms.ModelForm[DutyEntry],
        formset: Any,
        change: bool,
    ) -> None:
        # Unsaved: only so the admin's history can tell what changed. The service writes.
        formset.save(commit=False)
        kept = sorted(
            (
                (f.cleaned_data.get("position") or 0, f.cleaned_data["person"])
                for f in formset.forms
                if f.cleaned_data
                and not f.cleaned_data.get("DELETE")
                and f.cleaned_data.get("person") is not None
            ),
            key=lambda pair: pair[0],
        )
        duty_substitutes_set(entry=form.instance, substitutes=[person for _, person in kept])


# Checkpoints


class CheckpointForm(ServiceCheckedForm[Checkpoint]):
    class Meta:
        model = Checkpoint
        fields = ["grid", "name", "lng", "lat", "radius_m", "is_active"]

    def can_check(self, cleaned: dict[str, Any]) -> bool:
        return cleaned.get("grid") is not None

    def check(self, candidate: Checkpoint) -> None:
        scope: AccessScope = self.scope  # type: ignore[attr-defined]
        if not scope.can_see_grid(candidate.grid):
            raise ValidationError({"grid": _("Choose a grid within your responsibility.")})
        checkpoint_validate(candidate)


@admin.register(Checkpoint)
class CheckpointAdmin(ScopedAdmin[Checkpoint]):
    form = CheckpointForm
    list_display = ["name", "grid", "radius_m", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["grid"]
    search_fields = ["name", "grid__code", "grid__name"]
    raw_id_fields = ["grid"]

    def scoped(self, scope: AccessScope, queryset: QuerySet[Checkpoint]) -> QuerySet[Checkpoint]:
        return queryset.filter(scope.grid_q("grid"))


# Records


@admin.register(DutyGap)
class DutyGapAdmin(ReadOnlyAdmin[DutyGap]):
    """Where the duty tables named nobody: the centre reads the gaps and acknowledges them as
    it fills the tables."""

    list_display = ["at", "organisation", "grid", "case", "shift", "reason", "person", "open"]
    list_filter = ["reason", ("acknowledged_at", admin.EmptyFieldListFilter), "shift"]
    list_select_related = ["organisation", "grid", "case", "shift", "person"]
    search_fields = ["case__number", "organisation__name", "grid__code", "grid__name"]
    date_hierarchy = "at"
    actions = ["acknowledge"]
    fields = readonly_fields = (
        "case",
        "organisation",
        "grid",
        "at",
        "shift",
        "reason",
        "person",
        "acknowledged_at",
        "acknowledged_by",
    )

    def scoped(self, scope: AccessScope, queryset: QuerySet[DutyGap]) -> QuerySet[DutyGap]:
        return queryset.filter(scope.grid_q("grid"))

    @admin.display(description=_("open"), boolean=True)
    def open(self, gap: DutyGap) -> bool:
        return gap.acknowledged_at is None

    @admin.action(description=_("Acknowledge the selected gaps"), permissions=["acknowledge"])
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[DutyGap]) -> None:
        gaps = list(queryset.filter(acknowledged_at__isnull=True))
        for gap in gaps:
            duty_gap_acknowledge(gap=gap, user=request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            ngettext("%(count)d gap acknowledged.", "%(count)d gaps acknowledged.", len(gaps))
            % {"count": len(gaps)},
            messages.SUCCESS,
        )

    def has_acknowledge_permission(self, request: HttpRequest) -> bool:
        # Those who may change gaps acknowledge them, by the action; nothing else of a gap
        # changes.
        return ScopedAdmin.has_change_permission(self, request)


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin[Attendance]):
    list_display = ["person", "shift", "day", "grid", "checked_in_at", "checked_out_at"]
    list_filter = ["shift", "day"]
    list_select_related = ["person", "shift", "grid"]
    search_fields = ["person__name", "person__phone", "grid__code", "grid__name"]
    date_hierarchy = "day"
    fields = readonly_fields = (
        "person",
        "shift",
        "day",
        "grid",
        "checked_in_at",
        "check_in_lng",
        "check_in_lat",
        "check_in_distance_m",
        "checked_out_at",
        "check_out_lng",
        "check_out_lat",
        "check_out_distance_m",
    )

    def scoped(self, scope: AccessScope, queryset: QuerySet[Attendance]) -> QuerySet[Attendance]:
        return queryset.filter(scope.grid_q("grid"))


class ReadOnlyInline(admin.TabularInline[Any, Patrol]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BlockInline(ReadOnlyInline):
    model = PatrolBlock
    fields = readonly_fields = ("grid", "day", "first_at")


class VisitInline(ReadOnlyInline):
    model = CheckpointVisit
    fields = readonly_fields = ("checkpoint", "at", "distance_m")


class FindInline(ReadOnlyInline):
    model = PatrolFind
    fields = readonly_fields = ("case",)


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyAdmin[Patrol]):
    list_display = ["person", "grid", "started_at", "ended_at", "last_at"]
    list_filter = [("ended_at", admin.EmptyFieldListFilter)]
    list_select_related = ["person", "grid"]
    search_fields = ["person__name", "grid__code", "grid__name"]
    date_hierarchy = "started_at"
    inlines = [BlockInline, VisitInline, FindInline]
    fields = readonly_fields = (
        "person",
        "grid",
        "started_at",
        "ended_at",
        "last_at",
        "last_lng",
        "last_lat",
    )

    def scoped(self, scope: AccessScope, queryset: QuerySet[Patrol]) -> QuerySet[Patrol]:
        return queryset.filter(scope.grid_q("grid"))
