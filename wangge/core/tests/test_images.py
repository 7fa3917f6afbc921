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


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "red").save(out, format="PNG")
    return out.getvalue()


def _broken_files() -> list[bytes]:
    png = _png()
    data = png.index(b"IDAT")
    return [
        png[:11] + b"\0" + png[12:],  # a header chunk of length 0
        png[: data - 4] + (1).to_bytes(4, "big") + png[data:],  # a data chunk cut short
        # The camera-make tag renumbered as one whose values are numbers, holding text.
        photo_with_exif(6).read().replace(b"\x01\x0f\x00\x02", b"\x01\x53\x00\x02", 1),
    ]


@pytest.mark.parametrize("content", _broken_files(), ids=["header", "data", "exif"])
def test_it_refuses_broken_files_as_not_pictures(content: bytes) -> None:
    with pytest.raises(ValidationError) as error:
        clean_image(SimpleUploadedFile("photo.png", content))
    assert error.value.code == "image_content"
