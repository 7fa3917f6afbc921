"""Uploaded pictures, checked by their content and stripped of metadata.

A phone's photo carries EXIF: the GPS position of whoever took it, the device, the time. Every
upload is decoded by Pillow (so a file that only claims to be a picture is refused), turned
upright by its EXIF orientation, and written again without any metadata.
"""

from __future__ import annotations

import io
import struct
import warnings
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000  # a 48-megapixel phone photo still passes after the 4:3 crop
MAX_SIDE = 4096
MAX_BYTES = 20 * 1024 * 1024


def clean_image(upload: UploadedFile | ContentFile[bytes]) -> ContentFile[bytes]:
    """The picture re-encoded without metadata, or ValidationError saying why it is refused."""
    if (upload.size or 0) > MAX_BYTES:
        raise ValidationError(_("The picture is too large."), code="image_size")
    upload.seek(0)
    try:
        # Pillow only warns below twice its own limit; ours is lower and refuses outright.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(upload)
        with probe:
            image_format = probe.format or ""
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Only JPEG, PNG or WebP pictures are accepted."), code="image_format"
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The picture is too large."), code="image_size")
            probe.load()
            image = ImageOps.exif_transpose(probe)
    # Pillow reports some broken files as SyntaxError ("broken PNG file"), ValueError
    # ("Truncated IHDR chunk") or struct.error (an EXIF tag of the wrong type) rather than
    # OSError; they are as much "not a picture", never a server error.
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        struct.error,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError(_("The file is not a picture."), code="image_content") from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    # Saving without exif=/pnginfo= writes no metadata at all.
    options = {} if image_format == "PNG" else {"quality": 88}
    image.save(out, format=image_format, **options)
    stem = Path(getattr(upload, "name", "") or "picture").stem[:60] or "picture"
    return ContentFile(out.getvalue(), name=f"{stem}.{ALLOWED_FORMATS[image_format]}")


THUMBNAIL_SIDE = 320


def thumbnail(picture: ContentFile[bytes], side: int = THUMBNAIL_SIDE) -> ContentFile[bytes]:
    """A small JPEG of a picture already cleaned, for lists and timelines on a phone."""
    with Image.open(io.BytesIO(picture.read())) as image:
        image.thumbnail((side, side))
        small = image.convert("RGB")
    picture.seek(0)
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=80)
    stem = Path(picture.name or "picture").stem
    return ContentFile(out.getvalue(), name=f"{stem}-thumb.jpg")
