"""Configuration of the catalog by the district's administrators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import ForeignKey, ManyToManyField, Q, QuerySet
from django.forms import BaseInlineFormSet, ModelChoiceField, ModelMultipleChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.catalog.models import Category, FallbackOwner, Responsibility, TaskItem
from wangge.catalog.services import task_item_validate
from wangge.grids.choices import GridLevel
from wangge.grids.models import Grid
from wangge.people.admin_scope import M, ScopedAdmin, request_scope
from wangge.people.scope import AccessScope


class CategoryLevelFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("main", _("Main classes")), ("sub", _("Sub-classes"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "main":
            return queryset.filter(parent__isnull=True)
        if self.value() == "sub":
            return queryset.filter(parent__isnull=False)
        return queryset


class MainClassFilter(admin.SimpleListFilter):
    title = _("main class")
    parameter_name = "main_class"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(str(c.pk), str(c)) for c in Category.objects.filter(parent__isnull=True)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value():
            return queryset.filter(parent_id=self.value())
        return queryset


class SubclassFormSet(BaseInlineFormSet):
    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        # A sub-class always has its main class's family, so the inline does not ask for it.
        form.instance.family = self.instance.family


class SubclassInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    formset = SubclassFormSet
    extra = 0
    verbose_name = _("sub-class")
    verbose_name_plural = _("sub-classes")
    fields = [
        "code",
        "name",
        "limit_amount",
        "limit_unit",
        "limit_calendar",
        "urgent",
        "auto_dispatch",
        "is_active",
    ]
    show_change_link = True


class CatalogAdmin(ScopedAdmin[M]):
    """Rows without a grid are district-wide configuration, which only a district-wide scope
    writes; a town's own rows are written by those whose scope reaches the town."""

    grid_field: str | None = None

    def scoped(self, scope: AccessScope, queryset: QuerySet[M]) -> QuerySet[M]:
        if self.grid_field is None or scope.everything:
            return queryset
        return queryset.filter(
            Q(**{f"{self.grid_field}__isnull": True}) | scope.grid_q(self.grid_field)
        )

    def _may_write(self, request: HttpRequest, obj: Any) -> bool:
        scope = request_scope(request)
        if scope.is_district_wide:
            return True
        if self.grid_field is None:
            return False
        grid = getattr(obj, self.grid_field) if obj is not None else None
        # A new row is checked by its form: it must name a grid in scope.
        return obj is None or (grid is not None and scope.can_see_grid(grid))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return super().has_add_permission(request, *args) and self._may_write(request, None)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)


def refuse_district_wide_rows(form: forms.ModelForm[Any], field: str) -> None:
    """Leaving the grid empty makes a district-wide row, which needs a district-wide scope."""
    scope: AccessScope = form.scope  # type: ignore[attr-defined]
    if form.cleaned_data.get(field) is None and not scope.is_district_wide:
        form.add_error(field, _("Choose a grid within your responsibility."))


@admin.register(Category)
class CategoryAdmin(CatalogAdmin[Category]):
    list_display = ["code", "name", "family", "parent", "time_limit", "urgent", "is_active"]
    list_display_links = ["code", "name"]
    list_filter = [
        "family",
        CategoryLevelFilter,
        MainClassFilter,
        "urgent",
        "auto_dispatch",
        "is_active",
    ]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    ordering = ["family", "code"]
    fieldsets = [
        (None, {"fields": ["family", "code", "name", "parent", "is_active"]}),
        (
            _("Registration and closure"),
            {"fields": ["registration_standard", "closure_standard"]},
        ),
        (
            _("Time limit"),
            {"fields": ["limit_amount", "limit_unit", "limit_calendar", "urgent"]},
        ),
        (_("Smart-scene detection"), {"fields": ["auto_dispatch"]}),
    ]

    def get_inlines(self, request: HttpRequest, obj: Category | None) -> list[type[Any]]:
        # Only a main class has sub-classes; a sub-class page would show an empty table.
        if obj is not None and obj.parent_id is None:
            return [SubclassInline]
        return []

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("time limit"))
    def time_limit(self, obj: Category) -> str:
        if obj.limit_amount is None:
            return "—"
        unit, calendar = obj.get_limit_unit_display(), obj.get_limit_calendar_display()
        return f"{obj.limit_amount} {unit} ({calendar})"


class TaskItemForm(forms.ModelForm):
    class Meta:
        model = TaskItem
        fields = [
            "grid_kind",
            "town",
            "task_class",
            "name",
            "description",
            "categories",
            "position",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        refuse_district_wide_rows(self, "town")
        if "grid_kind" in data and "categories" in data:
            task_item_validate(
                grid_kind=data["grid_kind"], town=data.get("town"), categories=data["categories"]
            )
        return data


@admin.register(TaskItem)
class TaskItemAdmin(CatalogAdmin[TaskItem]):
    form = TaskItemForm
    grid_field = "town"
    list_display = ["name", "task_class", "grid_kind", "town", "position"]
    list_filter = [
        "grid_kind",
        ("town", admin.RelatedOnlyFieldListFilter),
        "task_class",
        "is_active",
    ]
    list_select_related = ["town"]
    search_fields = ["name", "task_class", "description"]
    ordering = ["grid_kind", "town__path", "position"]
    filter_horizontal = ["categories"]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        # Towns add their own items (规定+自选); no other level has a list of its own.
        if db_field.name == "town":
            towns = Grid.objects.filter(level=GridLevel.TOWN)
            kwargs["queryset"] = request_scope(request).grids(towns)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField | None:
        if db_field.name == "categories":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=False).select_related(
                "parent"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ResponsibilityForm(forms.ModelForm[Responsibility]):
    class Meta:
        model = Responsibility
        fields = ["category", "grid", "department"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        refuse_district_wide_rows(self, "grid")
        return cleaned


@admin.register(Responsibility)
class ResponsibilityAdmin(CatalogAdmin[Responsibility]):
    form = ResponsibilityForm
    grid_field = "grid"
    list_display = ["category", "grid", "department"]
    list_filter = ["category__family"]
    list_select_related = ["category", "grid", "department"]
    search_fields = ["category__code", "category__name", "department__name", "grid__name"]
    autocomplete_fields = ["category"]
    # The grid and people admins belong to other apps and may lack search_fields, which
    # autocomplete needs; a raw id works whatever they declare.
    raw_id_fields = ["grid", "department"]


@admin.register(FallbackOwner)
class FallbackOwnerAdmin(CatalogAdmin[FallbackOwner]):
    list_display = ["family", "organisation", "town_centre"]
    list_select_related = ["organisation"]
    raw_id_fields = ["organisation"]
