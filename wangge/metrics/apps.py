from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "wangge.metrics"
    verbose_name = _("Indicators and evaluation")
