from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from wangge.core.testing import photo_with_exif
from wangge.people.models import Person
from wangge.people.testing import Cast

pytestmark = pytest.mark.django_db


def test_a_photo_uploaded_in_the_admin_is_stored_without_its_metadata(
    client: Client, cast: Cast, settings: object, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    client.force_login(cast.root)
    response = client.post(
        "/admin/people/person/add/",
        {
            "name": "新巡查员",
            "phone": "13900000000",
            "photo": photo_with_exif(),
            "organisation": str(cast.workstation_a.pk),
            "is_active": "on",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(name="新巡查员")
    stored = Image.open(io.BytesIO(person.photo.read()))
    assert stored.format == "JPEG"
    assert not stored.getexif()


def test_a_file_that_is_not_a_picture_is_refused_with_a_reason(client: Client, cast: Cast) -> None:
    client.force_login(cast.root)
    response = client.post(
        "/admin/people/person/add/",
        {
            "name": "坏照片",
            "photo": SimpleUploadedFile("x.jpg", b"not a picture"),
            "organisation": str(cast.workstation_a.pk),
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert 'id="id_photo"' in response.content.decode()
    assert not Person.objects.filter(name="坏照片").exists()


def test_the_same_role_twice_in_one_save_is_refused_with_a_reason(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.root)
    role = {"role": "handler", "grid": "", "starts_on": "", "ends_on": ""}
    response = client.post(
        "/admin/people/person/add/",
        {
            "name": "重复角色",
            "organisation": str(cast.chengguan_a.pk),
            "is_active": "on",
            "roles-TOTAL_FORMS": "2",
            "roles-INITIAL_FORMS": "0",
            **{f"roles-0-{k}": v for k, v in role.items()},
            **{f"roles-1-{k}": v for k, v in role.items()},
        },
    )
    assert response.status_code == 200
    assert not Person.objects.filter(name="重复角色").exists()
