from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models.signals import post_save
from django.utils import timezone

from wangge.core.rows import insert_new, row_by_key
from wangge.grids.models import GridTreeVersion
from wangge.intake.models import ApiKey

pytestmark = pytest.mark.django_db


@pytest.fixture
def key() -> ApiKey:
    return ApiKey.objects.create(name="partner app", prefix="abcdefgh", digest="d" * 64)


def test_a_row_comes_back_by_its_key_as_the_query_compiler_gives_it(key: ApiKey) -> None:
    found = row_by_key(ApiKey, digest=key.digest)
    assert found is not None
    expected = ApiKey.objects.get(pk=key.pk)
    for field in ApiKey._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert found.is_active is True and timezone.is_aware(found.created_at)
    assert not found._state.adding


def test_a_uuid_and_the_primary_key_are_read_as_the_compiler_reads_them() -> None:
    version = GridTreeVersion.objects.create(pk=1)
    found = row_by_key(GridTreeVersion, ("revision",), pk=1)
    assert found is not None and found.revision == version.revision
    assert isinstance(found.revision, uuid.UUID)


def test_a_key_no_row_has_finds_nothing(key: ApiKey) -> None:
    assert row_by_key(ApiKey, digest="e" * 64) is None


def test_fields_not_named_load_when_first_used(key: ApiKey, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        found = row_by_key(ApiKey, ("id", "channel"), digest=key.digest)
    assert found is not None
    with django_assert_num_queries(1):
        assert found.name == "partner app"


def test_an_inserted_row_reads_back_as_save_would_have_written_it() -> None:
    key = insert_new(ApiKey(name="partner app", prefix="abcdefgh", digest="d" * 64))
    assert key.pk is not None and not key._state.adding
    stored = ApiKey.objects.get(pk=key.pk)
    assert (stored.name, stored.channel, stored.is_active) == ("partner app", "citizen", True)
    assert timezone.now() - stored.created_at < datetime.timedelta(minutes=1)  # auto_now_add
    version = insert_new(GridTreeVersion())
    assert GridTreeVersion.objects.get(pk=version.pk).revision == version.revision


def test_a_row_saved_before_is_not_inserted_again(key: ApiKey) -> None:
    with pytest.raises(ValueError, match="saved already"):
        insert_new(key)


@pytest.fixture
def heard() -> Iterator[list[ApiKey]]:
    saved: list[ApiKey] = []

    def receiver(sender: type[ApiKey], instance: ApiKey, **kwargs: Any) -> None:
        saved.append(instance)

    post_save.connect(receiver, sender=ApiKey)
    yield saved
    post_save.disconnect(receiver, sender=ApiKey)


def test_a_model_someone_listens_to_is_saved_with_its_signals(heard: list[ApiKey]) -> None:
    key = insert_new(ApiKey(name="partner app", prefix="abcdefgh", digest="d" * 64))
    assert heard == [key]
    assert ApiKey.objects.filter(pk=key.pk).exists()
