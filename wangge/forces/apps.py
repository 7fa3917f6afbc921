from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForcesConfig(AppConfig):
    name = "wangge.forces"
    verbose_name = _("Forces on the grid")
