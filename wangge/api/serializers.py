from __future__ import annotations

from typing import Any

from rest_framework import serializers

from wangge.catalog.models import Category, TaskItem
from wangge.core.coords import CRS
from wangge.grids.locator import GridRef
from wangge.grids.models import Grid
from wangge.people.models import Organisation


class GridSerializer(serializers.ModelSerializer[Grid]):
    parent_code = serializers.CharField(read_only=True, allow_null=True)
    level_name = serializers.CharField(read_only=True)
    bbox = serializers.ListField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = Grid
        fields = ["id", "code", "name", "level", "level_name", "kind", "parent_code", "bbox"]


class GridDetailSerializer(GridSerializer):
    chain = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()

    class Meta(GridSerializer.Meta):
        fields = [*GridSerializer.Meta.fields, "geometry", "chain", "children"]

    def get_chain(self, grid: Grid) -> list[dict[str, Any]]:
        # Unscoped on purpose: the names and codes of a grid's ancestors are public (grid boards
        # show them, and the public locate endpoint answers them for any point).
        return GridSerializer(grid.ancestors(), many=True).data  # type: ignore[return-value]

    def get_children(self, grid: Grid) -> list[dict[str, Any]]:
        children = self.context["scope"].grids(grid.children.order_by("code"))
        return GridSerializer(children, many=True).data  # type: ignore[return-value]


class GridTreeNodeSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    kind = serializers.CharField()
    children = serializers.ListField(child=serializers.DictField())


class GridRefSerializer(serializers.Serializer[GridRef]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()
    kind = serializers.CharField()


class LocationSerializer(serializers.Serializer[Any]):
    grid = GridRefSerializer()
    chain = GridRefSerializer(many=True)


class LocateQuerySerializer(serializers.Serializer[Any]):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    crs = serializers.ChoiceField(choices=[c.value for c in CRS], default=CRS.WGS84.value)


class LocateBatchSerializer(serializers.Serializer[Any]):
    MAX_POINTS = 1000
    points = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2),
        min_length=1,
        max_length=MAX_POINTS,
        help_text="[[lng, lat], …], at most 1,000 points",
    )
    crs = serializers.ChoiceField(choices=[c.value for c in CRS], default=CRS.WGS84.value)


class SubCategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "registration_standard",
            "closure_standard",
            "limit_amount",
            "limit_unit",
            "limit_calendar",
            "urgent",
        ]


class CategorySerializer(serializers.ModelSerializer[Category]):
    subclasses = SubCategorySerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["id", "family", "code", "name", "subclasses"]


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    jurisdiction_code = serializers.CharField(source="jurisdiction.code", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "parent", "jurisdiction_code", "phone"]


class TaskItemSerializer(serializers.ModelSerializer[TaskItem]):
    categories = SubCategorySerializer(many=True, read_only=True)

    class Meta:
        model = TaskItem
        fields = ["id", "task_class", "name", "description", "categories"]
