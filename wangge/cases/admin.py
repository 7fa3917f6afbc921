"""The cases in the admin: to read, not to write. Every change of a case goes through the
services (the console and the API), which check the workflow and write the event."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.cases.models import Case, CaseEvent, Notification
from wangge.cases.selectors import cases_visible
from wangge.cases.services import actor_for


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnly, admin.TabularInline[CaseEvent, Case]):
    model = CaseEvent
    fields = readonly_fields = (
        "sequence",
        "at",
        "action",
        "from_status",
        "to_status",
        "actor",
        "organisation",
        "note",
    )
    ordering = ["sequence"]
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin[Case]):
    list_display = [
        "number",
        "status",
        "light",
        "urgent",
        "category",
        "grid",
        "holder",
        "reported_at",
        "due_by",
        "escalation_level",
    ]
    list_filter = ["status", "light", "urgent", "channel", "proactive"]
    search_fields = ["number", "description", "address"]
    list_select_related = ["category", "grid", "holder"]
    date_hierarchy = "reported_at"
    inlines = [EventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        # Cases follow their own visibility rule (departments see their own work only).
        return cases_visible(actor_for(request.user), super().get_queryset(request)).defer(
            "grid__geometry"
        )


class DeliveryFilter(admin.SimpleListFilter):
    """Where a notification stands: still to be delivered (perhaps after failed attempts), sent,
    or given up after its last attempt — the ones someone has to pass on by other means."""

    title = _("delivery")
    parameter_name = "delivery"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("waiting", _("waiting")), ("sent", _("sent")), ("given_up", _("given up"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "waiting":
            return queryset.filter(sent_at__isnull=True, failed_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        if self.value() == "given_up":
            return queryset.filter(failed_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnly, admin.ModelAdmin[Notification]):
    list_display = [
        "case",
        "kind",
        "escalation_level",
        "organisation",
        "created_at",
        "sent_at",
        "failed_at",
        "attempts",
        "last_error",
    ]
    list_filter = [DeliveryFilter, "kind", "sent_at"]
    search_fields = ["case__number"]
    list_select_related = ["case", "organisation"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notification]:
        visible = cases_visible(actor_for(request.user)).values("pk")
        return super().get_queryset(request).filter(case__in=visible)
