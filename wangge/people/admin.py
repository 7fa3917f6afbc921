"""Admin for organisations, people and their roles.

Two rules hold throughout: every list and every choice goes through the access scope (a town
administrator sees and picks only their town's organisations, people and grids), and every write
goes through the services (so the admin cannot put a role where ``role_assign`` would refuse it,
and an administrator role makes its holder staff whichever door it came through)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.core.forms import ServiceCheckedForm
from wangge.core.images import clean_image
from wangge.people.admin_scope import ScopedAdmin, ScopedChoices
from wangge.people.models import Organisation, Person, RoleAssignment
from wangge.people.scope import AccessScope, role_is_current
from wangge.people.services import (
    organisation_create,
    organisation_update,
    organisation_validate,
    role_assign,
    role_delete,
    role_update,
    role_validate,
)

# Organisations


class OrganisationForm(ServiceCheckedForm[Organisation]):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "parent", "jurisdiction", "phone", "is_active"]

    def check(self, candidate: Organisation) -> None:
        organisation_validate(candidate)


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin[Organisation]):
    form = OrganisationForm
    list_display = ["name", "kind", "jurisdiction", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    list_select_related = ["jurisdiction", "parent"]
    raw_id_fields = ["jurisdiction"]
    autocomplete_fields = ["parent"]

    def scoped(
        self, scope: AccessScope, queryset: models.QuerySet[Organisation]
    ) -> models.QuerySet[Organisation]:
        return scope.organisations(queryset)

    def save_model(
        self,
        request: HttpRequest,
        obj: Organisation,
        form: forms.ModelForm[Organisation],
        change: bool,
    ) -> None:
        if change:
            organisation_update(organisation=obj)
            return
        saved = organisation_create(
            name=obj.name,
            kind=obj.kind,
            jurisdiction=obj.jurisdiction,
            parent=obj.parent,
            short_name=obj.short_name,
            phone=obj.phone,
        )
        obj.pk = saved.pk
        obj._state.adding = False
        if not obj.is_active:
            organisation_update(organisation=obj)


# Roles


class RoleAssignmentForm(ServiceCheckedForm[RoleAssignment]):
    class Meta:
        model = RoleAssignment
        fields = ["person", "role", "grid", "starts_on", "ends_on"]

    def can_check(self, cleaned: dict[str, Any]) -> bool:
        return cleaned.get("person") is not None and bool(cleaned.get("role"))

    def check(self, candidate: RoleAssignment) -> None:
        role_validate(candidate)


def _save_assignment(assignment: RoleAssignment) -> None:
    if assignment.pk is None:
        saved = role_assign(
            person=assignment.person,
            role=assignment.role,
            grid=assignment.grid,
            starts_on=assignment.starts_on,
            ends_on=assignment.ends_on,
        )
        assignment.pk = saved.pk
        assignment._state.adding = False
    else:
        role_update(assignment=assignment)


class RoleAssignmentFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen: set[tuple[str, int | None]] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("role"):
                continue
            grid = data.get("grid")
            key = (data["role"], grid.pk if grid else None)
            if key in seen:
                raise ValidationError(_("The same role is listed twice for the same grid."))
            seen.add(key)


class RoleAssignmentInline(ScopedChoices, admin.TabularInline[RoleAssignment, Person]):
    formset = RoleAssignmentFormSet
    model = RoleAssignment
    form = RoleAssignmentForm
    fields = ["role", "grid", "starts_on", "ends_on"]
    raw_id_fields = ["grid"]
    extra = 0


class PersonForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ["name", "phone", "photo", "organisation", "user", "is_active"]

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        # A new upload is re-encoded without its metadata; a kept photo was cleaned before.
        return clean_image(photo) if isinstance(photo, UploadedFile) else photo


@admin.register(Person)
class PersonAdmin(ScopedAdmin[Person]):
    form = PersonForm
    list_display = ["name", "organisation", "phone", "user", "is_active"]
    list_filter = ["is_active", "organisation__kind"]
    search_fields = ["name", "phone"]
    list_select_related = ["organisation", "user"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]
    inlines = [RoleAssignmentInline]

    def scoped(
        self, scope: AccessScope, queryset: models.QuerySet[Person]
    ) -> models.QuerySet[Person]:
        return scope.persons(queryset)

    def save_formset(
        self,
        request: HttpRequest,
        form: forms.ModelForm[Person],
        formset: Any,
        change: bool,
    ) -> None:
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        assignments = formset.save(commit=False)
        for removed in formset.deleted_objects:
            role_delete(assignment=removed)
        for assignment in assignments:
            _save_assignment(assignment)
        formset.save_m2m()


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin[RoleAssignment]):
    form = RoleAssignmentForm
    list_display = ["person", "role", "grid", "starts_on", "ends_on", "is_current"]
    list_filter = ["role"]
    search_fields = ["person__name", "person__phone", "grid__code", "grid__name"]
    list_select_related = ["person__organisation", "grid"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["grid"]

    def scoped(
        self, scope: AccessScope, queryset: models.QuerySet[RoleAssignment]
    ) -> models.QuerySet[RoleAssignment]:
        return scope.role_assignments(queryset)

    @admin.display(description=_("current"), boolean=True)
    def is_current(self, assignment: RoleAssignment) -> bool:
        # The scope's own test: a role shown as current is one that grants access.
        return role_is_current(assignment)

    def save_model(
        self,
        request: HttpRequest,
        obj: RoleAssignment,
        form: forms.ModelForm[RoleAssignment],
        change: bool,
    ) -> None:
        _save_assignment(obj)

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        role_delete(assignment=obj)

    def delete_queryset(
        self, request: HttpRequest, queryset: models.QuerySet[RoleAssignment]
    ) -> None:
        for assignment in queryset:
            role_delete(assignment=assignment)
