"""Test material shared across apps."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
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


# How hard the property tests of the doors try: each example is a request through the whole
# stack, and the fixtures (a district, its people) are made once for all the examples.
DOOR_CHECKS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# JSON of any shape, with the numbers JSON has no word for (NaN, Infinity): what a broken or
# hostile client may send in place of any field.
JSON_JUNK = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(),
        st.text(max_size=12),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=4,
)


def some_fields(
    data: st.DataObject, plausible: dict[str, st.SearchStrategy[Any]], most: int = 4
) -> dict[str, Any]:
    """Up to ``most`` of the fields of ``plausible``, each drawn either as a client would fill
    it (from its strategy there) or as JSON junk: the plausible ones take a request past the
    first checks, to those behind them."""
    names = data.draw(st.lists(st.sampled_from(sorted(plausible)), unique=True, max_size=most))
    return {name: data.draw(st.one_of(plausible[name], JSON_JUNK), label=name) for name in names}
