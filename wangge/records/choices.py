from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    """The kinds of grid record (Jiading seed 004: 人、地、事、物、组织 in each grid): places where
    people trade and live, the city's facilities, and the organisations in the parks."""

    SHOP = "shop", _("Shop")
    BUILDING = "building", _("Building")
    FACILITY = "facility", _("Facility")
    COMPANY = "company", _("Company")


class BuildingUse(models.TextChoices):
    """What a building is used for, as housing and planning records class it."""

    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    OFFICE = "office", _("Office")
    INDUSTRIAL = "industrial", _("Industrial")
    PUBLIC = "public", _("Public service")
    MIXED = "mixed", _("Mixed")
    OTHER = "other", _("Other")
