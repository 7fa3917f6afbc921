from __future__ import annotations

from django.contrib import admin

from wangge.catalog.admin import CatalogAdmin
from wangge.metrics.models import Target


@admin.register(Target)
class TargetAdmin(CatalogAdmin[Target]):
    """Default targets and department targets are district-wide configuration; a town's
    administrator sets the targets of the town's grids."""

    grid_field = "grid"
    list_display = ["indicator", "grid", "department", "value"]
    list_filter = ["indicator"]
    autocomplete_fields = ["grid", "department"]
