from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "wangge.metrics"
    verbose_name = _("Indicators and evaluation")

    def ready(self) -> None:
        from wangge.cases.signals import events_appended
        from wangge.grids.models import Grid, GridTreeVersion
        from wangge.metrics.rollups import forget_grids, on_events_appended

        events_appended.connect(on_events_appended, dispatch_uid="metrics_rollups")
        for model in (Grid, GridTreeVersion):
            post_save.connect(forget_grids, sender=model, dispatch_uid=f"metrics_{model.__name__}")
            post_delete.connect(
                forget_grids, sender=model, dispatch_uid=f"metrics_{model.__name__}_gone"
            )
