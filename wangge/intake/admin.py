"""The intake's configuration in the admin: API keys, detection systems and cameras are seen and
switched on or off here, and made by the ``open311 key`` and ``detections`` commands (which show
a secret once and place a camera in its grid). Intakes, the record of how each case came in, are
read here and never changed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from wangge.intake.models import ApiKey, Camera, DetectionSystem, Intake
from wangge.people.admin_scope import M, ScopedAdmin, request_scope
from wangge.people.scope import AccessScope


class DistrictConfigurationAdmin(ScopedAdmin[M]):
    """Which systems may report and for which cameras is the district's configuration: only a
    district-wide scope changes it. Nothing is added here: a secret is shown once, by the
    command, and a camera is placed in its grid by the command too."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            super().has_change_permission(request, obj) and request_scope(request).is_district_wide
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (
            super().has_delete_permission(request, obj) and request_scope(request).is_district_wide
        )


@admin.register(DetectionSystem)
class DetectionSystemAdmin(DistrictConfigurationAdmin[DetectionSystem]):
    # The secret is not a field of any form here: it is never shown again.
    list_display = ["code", "name", "channel", "min_confidence", "is_active", "created_at"]
    list_filter = ["channel", "is_active"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "channel", "min_confidence", "is_active", "created_at"]
    readonly_fields = ["code", "created_at"]

    def scoped(
        self, scope: AccessScope, queryset: QuerySet[DetectionSystem]
    ) -> QuerySet[DetectionSystem]:
        return queryset if scope.is_district_wide else queryset.none()


@admin.register(Camera)
class CameraAdmin(DistrictConfigurationAdmin[Camera]):
    list_display = ["code", "name", "grid", "system", "is_active"]
    list_filter = ["system", "is_active"]
    list_select_related = ["grid", "system"]
    search_fields = ["code", "name", "grid__code", "grid__name"]
    fields = ["code", "name", "lng", "lat", "grid", "system", "is_active"]
    # Moving a camera places it in another grid, which the command does through the locator.
    readonly_fields = ["code", "lng", "lat", "grid", "system"]

    def scoped(self, scope: AccessScope, queryset: QuerySet[Camera]) -> QuerySet[Camera]:
        return queryset if scope.everything else queryset.filter(scope.grid_q("grid"))


@admin.register(ApiKey)
class ApiKeyAdmin(DistrictConfigurationAdmin[ApiKey]):
    # Only the digest is stored, and it is not shown: switching a key off is how one revokes it.
    list_display = ["name", "prefix", "channel", "is_active", "created_at"]
    list_filter = ["channel", "is_active"]
    search_fields = ["name", "prefix"]
    fields = ["name", "prefix", "channel", "is_active", "created_at"]
    readonly_fields = ["name", "prefix", "channel", "created_at"]

    def scoped(self, scope: AccessScope, queryset: QuerySet[ApiKey]) -> QuerySet[ApiKey]:
        return queryset if scope.is_district_wide else queryset.none()


@admin.register(Intake)
class IntakeAdmin(ScopedAdmin[Intake]):
    """Read only: an intake is evidence of what a door delivered."""

    list_display = ["case", "source", "key", "api_key", "received_at"]
    list_filter = ["source", "api_key"]
    list_select_related = ["case", "api_key"]
    search_fields = ["case__number", "key"]
    date_hierarchy = "received_at"
    fields = readonly_fields = (
        "case",
        "source",
        "key",
        "token",
        "api_key",
        "details",
        "received_at",
    )

    def scoped(self, scope: AccessScope, queryset: QuerySet[Intake]) -> QuerySet[Intake]:
        return queryset if scope.everything else queryset.filter(scope.grid_q("case__grid"))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
