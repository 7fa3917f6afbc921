"""The grid records in the admin: each user lists, adds and changes the records of the grids their
roles reach. Every write goes through the services, which place a record in the grid under its
point; a point outside the user's grids is refused beside the form."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from wangge.core.forms import ServiceCheckedForm
from wangge.grids.models import Grid
from wangge.people.admin_scope import ScopedAdmin
from wangge.people.scope import AccessScope
from wangge.records.models import Building, Company, Facility, GridRecord, Shop
from wangge.records.services import record_save, record_validate

R = TypeVar("R", bound=GridRecord)
PLACE = ["name", "address", "lng", "lat", "grid", "is_active"]


class RecordForm(ServiceCheckedForm[Any]):
    scope: AccessScope

    def check(self, candidate: GridRecord) -> None:
        record_validate(candidate)
        grid = Grid.objects.only("path").get(pk=candidate.grid_id)
        if not self.scope.can_see_grid(grid):
            raise ValidationError({"lng": _("This point is outside your responsibility.")})


class RecordAdmin(ScopedAdmin[R]):
    form = RecordForm
    list_filter = ["is_active", "grid__kind"]
    list_select_related = ["grid"]
    # The grid is where the point is: the services place the record, nobody picks it.
    readonly_fields = ["grid", "created_at", "updated_at"]
    list_per_page = 100

    def scoped(self, scope: AccessScope, queryset: QuerySet[R]) -> QuerySet[R]:
        return queryset if scope.everything else queryset.filter(scope.grid_q("grid"))

    def save_model(
        self, request: HttpRequest, obj: R, form: forms.ModelForm[R], change: bool
    ) -> None:
        record_save(record=obj)


@admin.register(Shop)
class ShopAdmin(RecordAdmin[Shop]):
    list_display = ["name", "code", "grid", "business_type", "holder_name", "is_active"]
    search_fields = ["name", "code", "licence", "address", "holder_name", "grid__code"]
    fields = [
        *PLACE,
        "code",
        "licence",
        "business_type",
        "holder_name",
        "holder_phone",
        "qr_code",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [*RecordAdmin.readonly_fields, "qr_code"]

    @admin.display(description=_("QR code"))
    def qr_code(self, shop: Shop) -> SafeString:
        if not shop.pk:
            return mark_safe("")
        return format_html(
            '<a href="{}"><img src="{}" width="160" height="160" alt=""></a>',
            reverse("web:shop-report", args=[shop.code]),
            reverse("web:shop-qr", args=[shop.code]),
        )


@admin.register(Building)
class BuildingAdmin(RecordAdmin[Building]):
    list_display = ["name", "address", "code", "grid", "floors", "use", "is_active"]
    list_filter = [*RecordAdmin.list_filter, "use"]
    search_fields = ["name", "code", "address", "grid__code"]
    fields = [*PLACE, "code", "floors", "use", "created_at", "updated_at"]


@admin.register(Facility)
class FacilityAdmin(RecordAdmin[Facility]):
    list_display = ["code", "name", "category", "grid", "owner", "is_active"]
    list_select_related = ["grid", "category"]
    search_fields = ["code", "name", "address", "owner", "maintainer", "grid__code"]
    fields = [*PLACE, "code", "category", "owner", "maintainer", "created_at", "updated_at"]
    # The class is the one the code names.
    readonly_fields = [*RecordAdmin.readonly_fields, "category"]


@admin.register(Company)
class CompanyAdmin(RecordAdmin[Company]):
    list_display = ["name", "credit_code", "park", "grid", "is_active"]
    search_fields = ["name", "credit_code", "park", "address", "grid__code"]
    fields = [*PLACE, "credit_code", "park", "created_at", "updated_at"]
