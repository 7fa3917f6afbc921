from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class GridLevel(models.IntegerChoices):
    """The five levels of the grid tree; the number is the depth from the district down."""

    DISTRICT = 1, _("District")
    TOWN = 2, _("Town")
    AREA = 3, _("Area")
    UNIT = 4, _("Unit")
    BLOCK = 5, _("Block")


class GridKind(models.TextChoices):
    """What a grid covers. Minhang's three kinds, then the special grids of Jiading's 网格+."""

    ADMINISTRATIVE = "administrative", _("Administrative")
    RESIDENTIAL = "residential", _("Residential")
    VILLAGE = "village", _("Village")
    STREET = "street", _("Street")
    EXTENDED = "extended", _("Extended")
    INDUSTRIAL_PARK = "industrial_park", _("Industrial park")
    MARKET = "market", _("Market")
    COMMERCIAL_COMPLEX = "commercial_complex", _("Commercial complex")
    OFFICE_BUILDING = "office_building", _("Office building")
    SHOPFRONT_STREET = "shopfront_street", _("Shopfront street")
    PARK = "park", _("Park")

    @classmethod
    def task_list_kind(cls, kind: str) -> str:
        """The base task list a kind follows: villages patrol like residential areas, the special
        grids like extended grids (Minhang seed 000: 居村 3/10, 街面 3/11, 拓展 3/5)."""
        if kind == cls.VILLAGE:
            return cls.RESIDENTIAL
        if kind in {cls.RESIDENTIAL, cls.STREET, cls.ADMINISTRATIVE}:
            return kind
        return cls.EXTENDED


LEVEL_BY_NAME = {level.name.lower(): level for level in GridLevel}
