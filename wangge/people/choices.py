from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    """The bodies of grid governance (Jing'an seed 002: two-level platform, three-level management,
    four-level service; Minhang seed 000: "1+2+N" workstations and "2+X" joint teams)."""

    DISTRICT_CENTRE = "district_centre", _("District operations centre")
    TOWN_CENTRE = "town_centre", _("Town operations centre")
    DEPARTMENT = "department", _("Department")
    DEPARTMENT_OFFICE = "department_office", _("Department town office")
    WORKSTATION = "workstation", _("Workstation")
    JOINT_TEAM = "joint_team", _("Joint patrol team")
    UTILITY = "utility", _("Utility")
    COMMITTEE = "committee", _("Residents' or villagers' committee")
    PROPERTY_MANAGER = "property_manager", _("Property manager")


class Role(models.TextChoices):
    """What a person does on a grid or in an organisation (DESIGN glossary)."""

    ADMINISTRATOR = "administrator", _("Administrator")
    LEADER = "leader", _("Leader")
    DISPATCHER = "dispatcher", _("Dispatcher")
    DUTY_CHIEF = "duty_chief", _("Duty chief")
    TOWN_CHIEF = "town_chief", _("Town chief")
    AREA_CHIEF = "area_chief", _("Area grid chief")
    GRID_CHIEF = "grid_chief", _("Grid chief")
    DEPUTY_CHIEF = "deputy_chief", _("Deputy grid chief")
    STATION_CHIEF = "station_chief", _("Station chief")
    BLOCK_CHIEF = "block_chief", _("Block chief")
    INSPECTOR = "inspector", _("Inspector")
    SUPERVISOR = "supervisor", _("Supervisor")
    ASSISTANT = "assistant", _("Assistant")
    THREE_HEADS = "three_heads", _("Building, floor or household head")
    PROPERTY_GUARD = "property_guard", _("Property guard")
    VOLUNTEER = "volunteer", _("Volunteer")
    HANDLER = "handler", _("Department handler")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("Embedded enforcement officer")
