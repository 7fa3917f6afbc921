from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.grids.choices import GridKind, GridLevel

PATH_SEPARATOR = "/"
CODE_MAX_LENGTH = 32
NAME_MAX_LENGTH = 100


class Grid(models.Model):
    """A node of the grid tree: district, town, area, unit or block, with its boundary.

    ``path`` lists the codes from the district down to this grid ("310112/310112001/"), so the
    ancestors are read from the row itself and the descendants are one indexed prefix query.
    The boundary is a GeoJSON Polygon or MultiPolygon in WGS-84; the bounding box is kept beside
    it for map windows and quick filters.
    """

    code = models.CharField(_("code"), max_length=CODE_MAX_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    level = models.PositiveSmallIntegerField(_("level"), choices=GridLevel.choices)
    kind = models.CharField(
        _("kind"), max_length=32, choices=GridKind.choices, default=GridKind.ADMINISTRATIVE
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    geometry = models.JSONField(_("boundary (GeoJSON, WGS-84)"))
    min_lng = models.FloatField(editable=False)
    min_lat = models.FloatField(editable=False)
    max_lng = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "kind"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to the parent."""
        return self.path.rstrip(PATH_SEPARATOR).split(PATH_SEPARATOR)[:-1]

    @property
    def parent_code(self) -> str | None:
        codes = self.ancestor_codes
        return codes[-1] if codes else None

    @property
    def level_name(self) -> str:
        """The level as import and export spell it: district, town, area, unit, block."""
        return GridLevel(self.level).name.lower()

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.min_lng, self.min_lat, self.max_lng, self.max_lat)

    def ancestors(self) -> models.QuerySet[Grid]:
        return Grid.objects.filter(code__in=self.ancestor_codes).order_by("level")

    def descendants(self, include_self: bool = False) -> models.QuerySet[Grid]:
        queryset = Grid.objects.filter(path__startswith=self.path)
        return queryset if include_self else queryset.exclude(pk=self.pk)

    def set_bbox(self, bbox: tuple[float, float, float, float]) -> None:
        self.min_lng, self.min_lat, self.max_lng, self.max_lat = bbox

    def as_feature(self) -> dict[str, Any]:
        """This grid as a GeoJSON Feature with the properties import and export agree on."""
        return {
            "type": "Feature",
            "properties": {
                "code": self.code,
                "name": self.name,
                "level": self.level_name,
                "kind": self.kind,
                "parent_code": self.parent_code,
            },
            "geometry": self.geometry,
        }


class GridTreeVersion(models.Model):
    """A single row whose revision every change of the grid tree renews.

    Each process keeps its point-to-grid index in memory; comparing the revision tells it, with
    one cheap query, when another process has changed the tree and the index must be rebuilt.
    A random revision, unlike a counter, never names two different trees (say, after a rollback).
    """

    revision = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grid tree version")
        verbose_name_plural = _("grid tree version")

    def __str__(self) -> str:
        return str(self.revision)
