"""Which sub-classes the system dispatches on its own: the district's choice, scene by scene
(003_7ab3c9b0f83cb58d.txt: 逐步实现智能化自动派单), kept through every reload of the defaults."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from wangge.catalog.models import Category
from wangge.catalog.services import LoadSummary, catalog_load_defaults

pytestmark = pytest.mark.django_db


def test_no_scene_is_switched_on_until_the_district_says_so(catalog: LoadSummary) -> None:
    assert not Category.objects.filter(auto_dispatch=True).exists()


def test_reloading_the_defaults_keeps_the_district_s_choice(catalog: LoadSummary) -> None:
    rubbish = Category.objects.get(family="event", code="0102")
    rubbish.auto_dispatch = True
    rubbish.save()
    assert not catalog_load_defaults().changed
    assert Category.objects.get(pk=rubbish.pk).auto_dispatch


def test_only_a_sub_class_is_dispatched_automatically(catalog: LoadSummary) -> None:
    main = Category.objects.get(family="event", code="01", parent__isnull=True)
    main.auto_dispatch = True
    with pytest.raises(ValidationError) as refused:
        main.full_clean()
    assert "auto_dispatch" in refused.value.message_dict
