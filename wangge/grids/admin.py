from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from shapely.geometry import shape

from wangge.core.forms import ServiceCheckedForm
from wangge.grids.models import Grid
from wangge.grids.services import grid_create, grid_delete, grid_update, grid_validate
from wangge.people.admin_scope import ScopedAdmin
from wangge.people.scope import AccessScope


class GridForm(ServiceCheckedForm[Grid]):
    scope: AccessScope

    class Meta:
        model = Grid
        fields = ["code", "name", "level", "kind", "parent", "geometry"]

    def check(self, candidate: Grid) -> None:
        # Only a superuser starts a new tree; anyone else adds and moves grids inside theirs.
        if candidate.parent is None and not self.scope.everything:
            raise ValidationError({"parent": _("Choose the parent grid.")})
        if candidate.parent is not None and not self.scope.can_see_grid(candidate.parent):
            raise ValidationError({"parent": _("This grid is outside your responsibility.")})
        grid_validate(candidate)


@admin.register(Grid)
class GridAdmin(ScopedAdmin[Grid]):
    form = GridForm
    list_display = ["indented_name", "code", "level", "kind", "updated_at"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    ordering = ["path"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path", "bbox_text", "preview"]
    fields = ["code", "name", "level", "kind", "parent", "geometry", "path", "bbox_text", "preview"]
    list_per_page = 200
    actions = None  # Bulk delete would bypass the service that keeps the tree consistent.

    def scoped(self, scope: AccessScope, queryset: QuerySet[Grid]) -> QuerySet[Grid]:
        return scope.grids(queryset)

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, grid: Grid) -> SafeString:
        return format_html(
            '<span style="padding-left:{}em;white-space:nowrap">{}</span>',
            (grid.level - 1) * 1.5,
            grid.name,
        )

    @admin.display(description=_("bounding box"))
    def bbox_text(self, grid: Grid) -> str:
        return ", ".join(f"{value:.6f}" for value in grid.bbox) if grid.pk else ""

    @admin.display(description=_("boundary"))
    def preview(self, grid: Grid) -> SafeString:
        if not grid.pk:
            return mark_safe("")
        boundary = shape(grid.geometry)
        min_x, min_y, max_x, max_y = boundary.bounds
        width, height = max(max_x - min_x, 1e-9), max(max_y - min_y, 1e-9)
        # shapely's SVG is in lon/lat; flip y so north is up.
        return format_html(
            '<svg viewBox="{} {} {} {}" width="320" height="240" '
            'preserveAspectRatio="xMidYMid meet" transform="scale(1,-1)">{}</svg>',
            min_x,
            min_y,
            width,
            height,
            mark_safe(boundary.svg(scale_factor=max(width, height) / 200, fill_color="#4a90d9")),
        )

    def save_model(
        self, request: HttpRequest, obj: Grid, form: forms.ModelForm[Grid], change: bool
    ) -> None:
        if change:
            grid_update(grid=obj)
        else:
            saved = grid_create(
                code=obj.code,
                name=obj.name,
                level=obj.level,
                kind=obj.kind,
                geometry=obj.geometry,
                parent=obj.parent,
            )
            obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Grid) -> None:
        grid_delete(grid=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.children.exists())
