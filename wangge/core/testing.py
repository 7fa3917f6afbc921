"""Test material shared across apps."""

from __future__ import annotations

import io
from datetime import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wangge.core.calendar import CHINA

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo_with_exif(orientation: int = 1) -> SimpleUploadedFile:
    """A phone-like JPEG, 40×20, that says where it was taken and how it is turned."""
    image = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # camera make
    exif.get_ifd(GPS_IFD)[2] = (31.0, 6.0, 46.0)  # latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.JPG", out.getvalue(), content_type="image/jpeg")


def beijing(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock instant in China Standard Time, as deadlines are read."""
    return datetime(year, month, day, hour, minute, tzinfo=CHINA)
