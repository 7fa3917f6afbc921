from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "wangge.records"
    verbose_name = _("Grid records")

    def ready(self) -> None:
        from wangge.grids.models import GridTreeVersion
        from wangge.records.services import records_relocate

        # Every change of the tree saves its revision, in the transaction that changed it.
        post_save.connect(records_relocate, sender=GridTreeVersion, dispatch_uid="records")
