"""The grid records API: the shops, buildings, facilities and companies of a grid (Jiading seed
004: 人、地、事、物、组织 in each grid)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.api.views import ScopedMixin
from wangge.grids.models import Grid
from wangge.records.choices import RecordKind
from wangge.records.models import Building, Company, Facility, Shop
from wangge.records.selectors import records_visible

PLACE = ["id", "name", "address", "lng", "lat", "grid_code", "is_active"]
MAX_LIMIT = 1000


class ShopSerializer(serializers.ModelSerializer[Shop]):
    grid_code = serializers.CharField(source="grid.code", read_only=True)

    class Meta:
        model = Shop
        fields = [
            *PLACE,
            "code",
            "licence",
            "business_type",
            "holder_name",
            "holder_phone",
        ]


class BuildingSerializer(serializers.ModelSerializer[Building]):
    grid_code = serializers.CharField(source="grid.code", read_only=True)

    class Meta:
        model = Building
        fields = [*PLACE, "code", "floors", "use"]


class FacilitySerializer(serializers.ModelSerializer[Facility]):
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Facility
        fields = [*PLACE, "code", "category", "category_name", "owner", "maintainer"]


class CompanySerializer(serializers.ModelSerializer[Company]):
    grid_code = serializers.CharField(source="grid.code", read_only=True)

    class Meta:
        model = Company
        fields = [*PLACE, "credit_code", "park"]


# Each kind under the name its list has in the answer, with the serializer of its records.
LISTS: dict[RecordKind, tuple[str, type[serializers.ModelSerializer[Any]]]] = {
    RecordKind.SHOP: ("shops", ShopSerializer),
    RecordKind.BUILDING: ("buildings", BuildingSerializer),
    RecordKind.FACILITY: ("facilities", FacilitySerializer),
    RecordKind.COMPANY: ("companies", CompanySerializer),
}


class RecordsQuerySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(
        choices=RecordKind.choices, required=False, help_text="one kind only"
    )
    active = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true or false: only those"
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_LIMIT, default=100, help_text="records of each kind"
    )
    offset = serializers.IntegerField(min_value=0, default=0)


class GridRecordsSerializer(serializers.Serializer[Any]):
    grid = serializers.DictField(help_text="code, name, level and kind of the grid")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="how many records of each kind there are"
    )
    shops = ShopSerializer(many=True, required=False)
    buildings = BuildingSerializer(many=True, required=False)
    facilities = FacilitySerializer(many=True, required=False)
    companies = CompanySerializer(many=True, required=False)


class GridRecords(ScopedMixin, APIView):
    """The records of a grid and of the grids under it: its shops with their shopfront holders
    and QR codes, buildings, facilities with their national codes, and companies. ``counts``
    says how many of each kind there are; each list holds ``limit`` of them from ``offset``."""

    @extend_schema(parameters=[RecordsQuerySerializer], responses=GridRecordsSerializer)
    def get(self, request: Request, code: str) -> Response:
        grid = get_object_or_404(self.scope.grids(Grid.objects.defer("geometry")), code=code)
        query = RecordsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        wanted = query.validated_data
        start = wanted["offset"]
        end = start + wanted["limit"]
        answer: dict[str, Any] = {
            "grid": {"code": grid.code, "name": grid.name, "level": grid.level, "kind": grid.kind},
            "counts": {},
        }
        for kind, (name, serializer) in LISTS.items():
            if wanted.get("kind") not in (None, kind):
                continue
            records = records_visible(kind, grid, self.scope)
            if wanted["active"] is not None:
                records = records.filter(is_active=wanted["active"])
            answer["counts"][name] = records.count()
            answer[name] = serializer(records[start:end], many=True).data
        return Response(answer)
