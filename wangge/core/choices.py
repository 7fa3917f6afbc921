from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarSource(models.TextChoices):
    """Where a calendar entry came from. Seeding from the package never overwrites an
    administrator's entry: the administrator is the one who read the State Council's notice."""

    PACKAGE = "package", _("package")
    ADMINISTRATOR = "administrator", _("administrator")
