from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from wangge.catalog.models import Category, FallbackOwner, Responsibility, TaskItem
from wangge.catalog.services import fallback_owner_set, responsibility_set
from wangge.grids.models import Grid
from wangge.people.models import Organisation

pytestmark = pytest.mark.django_db

MODELS = [Category, TaskItem, Responsibility, FallbackOwner]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_passes_the_admin_checks(model: type[Model]) -> None:
    assert admin.site.is_registered(model)
    assert admin.site.get_model_admin(model).check() == []


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_it_lists_each_model(
    model: type[Model],
    admin_client: Client,
    category: Callable[[str, str], Category],
    town_a: Grid,
    construction_commission: Organisation,
) -> None:
    responsibility_set(category=category("facility", "0101"), department=construction_commission)
    fallback_owner_set(family="event", town_centre=True)
    url = reverse(f"admin:catalog_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "01"}).status_code == 200


def test_it_shows_a_main_class_with_its_subclasses(
    admin_client: Client, category: Callable[[str, str], Category]
) -> None:
    main = category("facility", "01")
    response = admin_client.get(reverse("admin:catalog_category_change", args=[main.pk]))
    assert response.status_code == 200
    assert "上水井盖" in response.content.decode()


def test_it_filters_categories_by_family_and_urgency(
    admin_client: Client, category: Callable[[str, str], Category]
) -> None:
    url = reverse("admin:catalog_category_changelist")
    response = admin_client.get(url, {"family": "facility", "urgent__exact": "1", "level": "sub"})
    assert response.status_code == 200
    assert "无主井盖" in response.content.decode()
    assert "暴露垃圾" not in response.content.decode()


def test_it_adds_a_subclass_inline_with_its_main_class_s_family(admin_client: Client) -> None:
    main = Category.objects.create(family="facility", code="07", name="智能设施")
    url = reverse("admin:catalog_category_change", args=[main.pk])
    response = admin_client.post(
        url,
        {
            "family": "facility",
            "code": "07",
            "name": "智能设施",
            "is_active": "on",
            "limit_unit": "days",
            "limit_calendar": "working",
            "subclasses-TOTAL_FORMS": "1",
            "subclasses-INITIAL_FORMS": "0",
            "subclasses-MIN_NUM_FORMS": "0",
            "subclasses-MAX_NUM_FORMS": "1000",
            "subclasses-0-code": "0701",
            "subclasses-0-name": "智能消火栓",
            "subclasses-0-limit_amount": "2",
            "subclasses-0-limit_unit": "days",
            "subclasses-0-limit_calendar": "natural",
            "subclasses-0-is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Category.objects.get(code="0701")
    assert (added.family, added.parent) == ("facility", main)


@pytest.mark.parametrize(
    ("grid_kind", "code", "error"),
    [("village", "0501", "grid_kind"), ("street", "05", "categories")],
)
def test_it_keeps_the_task_item_rules_in_the_admin(
    admin_client: Client,
    category: Callable[[str, str], Category],
    grid_kind: str,
    code: str,
    error: str,
) -> None:
    before = TaskItem.objects.count()
    response = admin_client.post(
        reverse("admin:catalog_taskitem_add"),
        {
            "grid_kind": grid_kind,
            "task_class": "自选",
            "name": "自选项",
            "categories": [category("event", code).pk],
            "position": "0",
        },
    )
    assert response.status_code == 200
    assert error in response.context["adminform"].form.errors
    assert TaskItem.objects.count() == before
