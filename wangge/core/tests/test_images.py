from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wangge.core.images import clean_image
from wangge.core.testing import photo_with_exif


def test_it_strips_the_location_and_the_camera_from_a_photo() -> None:
    upload = photo_with_exif()
    assert Image.open(io.BytesIO(upload.read())).getexif()  # the test photo really has EXIF
    cleaned = clean_image(upload)
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert cleaned.name == "IMG_0001.jpg"


def test_it_turns_the_photo_upright_before_forgetting_the_orientation() -> None:
    cleaned = clean_image(photo_with_exif(orientation=6))  # 6: rotate 90° clockwise to view
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.size == (20, 40)


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.jpg", b"<?php system($_GET['c']); ?>"), ("photo.png", b"GIF89a" + b"\0" * 50)],
)
def test_it_refuses_files_that_only_claim_to_be_pictures(name: str, content: bytes) -> None:
    with pytest.raises(ValidationError):
        clean_image(SimpleUploadedFile(name, content))


def test_it_refuses_formats_it_does_not_serve() -> None:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="GIF")
    with pytest.raises(ValidationError) as error:
        clean_image(SimpleUploadedFile("a.gif", out.getvalue()))
    assert error.value.code == "image_format"
