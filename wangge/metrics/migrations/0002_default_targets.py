from __future__ import annotations

from decimal import Decimal

from django.db import migrations

# Yingpu seed 003: "先行发现率达 85%、结案率达 97%".
DEFAULTS = {"proactive_discovery_rate": Decimal(85), "closure_rate": Decimal(97)}


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Target = apps.get_model("metrics", "Target")
    for indicator, value in DEFAULTS.items():
        Target.objects.get_or_create(
            indicator=indicator, grid=None, department=None, defaults={"value": value}
        )


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Target = apps.get_model("metrics", "Target")
    Target.objects.filter(grid=None, department=None, indicator__in=DEFAULTS).delete()


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
