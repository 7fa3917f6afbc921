"""The admin's side of the access scope: every admin page of every app lists, offers and writes
only what the user's roles reach. Admin classes derive from ``ScopedAdmin`` (or, for inlines,
mix in ``ScopedChoices``)."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.http import HttpRequest

from wangge.grids.models import Grid
from wangge.people.models import Organisation, Person
from wangge.people.scope import AccessScope, access_scope

M = TypeVar("M", bound=models.Model)


def request_scope(request: HttpRequest) -> AccessScope:
    """The requesting user's scope, worked out once per request: the admin asks for it for the
    list, each choice field and each permission check."""
    scope: AccessScope | None = getattr(request, "_wangge_access_scope", None)
    if scope is None:
        scope = access_scope(request.user)
        request._wangge_access_scope = scope  # type: ignore[attr-defined]
    return scope


def scoped_choices(scope: AccessScope, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """The rows of a grid, organisation, person or user queryset that the scope reaches."""
    model = queryset.model
    if model is Grid:
        return scope.grids(queryset)
    if model is Organisation:
        return scope.organisations(queryset)
    if model is Person:
        return scope.persons(queryset)
    if model is get_user_model() and not scope.everything:
        # Accounts not yet given to anyone, or given to someone in scope; never a superuser's,
        # which would hand its powers to whoever the person is.
        visible = scope.persons(Person.objects.all()).values("pk")
        return queryset.filter(Q(person__isnull=True) | Q(person__in=visible)).exclude(
            is_superuser=True
        )
    return queryset


class ScopedChoices:
    """Choices of every foreign key cut down to the user's scope."""

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        model = db_field.remote_field.model
        kwargs.setdefault(
            "queryset", scoped_choices(request_scope(request), model._default_manager.all())
        )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class ScopedAdmin(ScopedChoices, admin.ModelAdmin[M]):
    """An admin whose list, choices and forms follow the user's scope.

    Subclasses say in ``scoped`` which rows a scope reaches. A foreign key already set keeps its
    value among the choices (a town centre's parent is the district centre, which its
    administrator does not see but must be able to leave as it is). The form class gets the
    ``scope`` so its checks can refuse what lies outside it.
    """

    def scoped(self, scope: AccessScope, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[M]:
        return self.scoped(request_scope(request), super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        # An account whose roles have all ended keeps its staff flag until the next role change;
        # it must not see an app it can reach nothing in.
        return super().has_module_permission(request) and not request_scope(request).is_empty

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[M]]:
        form = super().get_form(request, obj, change, **kwargs)
        # get_form builds a fresh class each call, so these belong to this request alone.
        form.scope = request_scope(request)  # type: ignore[attr-defined]
        if obj is not None:
            for name, field in form.base_fields.items():
                current = getattr(obj, f"{name}_id", None)
                choices = getattr(field, "queryset", None)
                if isinstance(field, forms.ModelChoiceField) and choices is not None and current:
                    field.queryset = choices | choices.model._default_manager.filter(pk=current)
        return form
