from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.api import serializers as s
from wangge.catalog.models import Category
from wangge.catalog.selectors import task_list_for_grid
from wangge.core.coords import point_to_wgs84, to_wgs84
from wangge.grids.choices import LEVEL_BY_NAME
from wangge.grids.locator import NOT_FOUND, grid_index
from wangge.grids.models import Grid
from wangge.people.models import Organisation
from wangge.people.scope import AccessScope, access_scope


class ScopedMixin:
    @cached_property
    def scope(self) -> AccessScope:
        request: Request = self.request  # type: ignore[attr-defined]
        return access_scope(request.user)


@extend_schema(
    parameters=[
        OpenApiParameter("level", str, description="district, town, area, unit or block"),
        OpenApiParameter("kind", str),
        OpenApiParameter("parent", str, description="code of the parent grid"),
        OpenApiParameter("q", str, description="part of a code or name"),
    ]
)
class GridList(ScopedMixin, generics.ListAPIView[Grid]):
    """The grids you may see, flat, in tree order."""

    serializer_class = s.GridSerializer

    def get_queryset(self) -> QuerySet[Grid]:
        queryset = self.scope.grids(Grid.objects.order_by("path"))
        params = self.request.query_params
        if level := params.get("level"):
            if level not in LEVEL_BY_NAME:
                raise ValidationError({"level": f"must be one of {', '.join(LEVEL_BY_NAME)}"})
            queryset = queryset.filter(level=LEVEL_BY_NAME[level])
        if kind := params.get("kind"):
            queryset = queryset.filter(kind=kind)
        if parent := params.get("parent"):
            queryset = queryset.filter(parent__code=parent)
        if q := params.get("q"):
            queryset = queryset.filter(code__startswith=q) | queryset.filter(name__contains=q)
        return queryset


class GridDetail(ScopedMixin, generics.RetrieveAPIView[Grid]):
    """One grid with its boundary (GeoJSON, WGS-84), its chain up from the district and its
    children."""

    serializer_class = s.GridDetailSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet[Grid]:
        return self.scope.grids(Grid.objects.all())

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "scope": self.scope}


class GridTasks(ScopedMixin, APIView):
    """The patrol task list of a grid: the district's items for its kind, then its town's
    (Minhang seed 000: "规定+自选"), each with the sub-classes a find is reported under."""

    @extend_schema(responses=s.TaskItemSerializer(many=True))
    def get(self, request: Request, code: str) -> Response:
        grid = get_object_or_404(self.scope.grids(Grid.objects.all()), code=code)
        return Response(s.TaskItemSerializer(task_list_for_grid(grid), many=True).data)


class GridTree(ScopedMixin, APIView):
    """The grid tree you may see, nested, from ``root`` (or your top grids) down ``depth``
    levels."""

    @extend_schema(
        parameters=[
            OpenApiParameter("root", str, description="code of the top grid"),
            OpenApiParameter(
                "depth", int, description="levels below the root (default 2, at most 4)"
            ),
        ],
        responses=s.GridTreeNodeSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        try:
            depth = int(request.query_params.get("depth", 2))
        except ValueError as exc:
            raise ValidationError({"depth": "must be a whole number"}) from exc
        if not 0 <= depth <= 4:
            raise ValidationError({"depth": "must be from 0 to 4"})
        visible = self.scope.grids(Grid.objects.all())
        if root_code := request.query_params.get("root"):
            roots = [get_object_or_404(visible, code=root_code)]
        elif self.scope.everything:
            roots = list(Grid.objects.filter(parent__isnull=True).order_by("path"))
        else:
            # The scope keeps only the outermost grids it reaches: those are the roots.
            roots = list(Grid.objects.filter(path__in=self.scope.grid_paths).order_by("path"))
        nodes: dict[int, dict[str, Any]] = {}
        result = []
        for root in roots:
            rows = visible.filter(path__startswith=root.path, level__lte=root.level + depth)
            for grid in rows.order_by("path").only(
                "id", "code", "name", "level", "kind", "parent_id"
            ):
                node = {
                    "code": grid.code,
                    "name": grid.name,
                    "level": grid.level,
                    "kind": grid.kind,
                    "children": [],
                }
                nodes[grid.pk] = node
                if grid.pk == root.pk:
                    result.append(node)
                elif grid.parent_id in nodes:
                    nodes[grid.parent_id]["children"].append(node)
        return Response(result)


class Locate(APIView):
    """Which grid holds a point, and its chain up to the district. Public: citizens' report pages
    use it. Coordinates are WGS-84 unless ``crs`` says gcj02 (Amap, Tencent) or bd09 (Baidu).
    A point on a shared edge belongs to the grid with the smallest code."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(parameters=[s.LocateQuerySerializer], responses={200: s.LocationSerializer})
    def get(self, request: Request) -> Response:
        query = s.LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        location = grid_index().locate(
            *point_to_wgs84(
                query.validated_data["lng"],
                query.validated_data["lat"],
                query.validated_data["crs"],
            )
        )
        if location is None:
            return Response(
                {"detail": "No grid holds this point."}, status=status.HTTP_404_NOT_FOUND
            )
        return Response(s.LocationSerializer(location).data)

    @extend_schema(
        request=s.LocateBatchSerializer, responses={200: s.LocationSerializer(many=True)}
    )
    def post(self, request: Request) -> Response:
        """Many points at once; each answer is a location or null."""
        batch = s.LocateBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        points = np.asarray(batch.validated_data["points"], dtype=float)
        if (np.abs(points[:, 0]) > 180).any() or (np.abs(points[:, 1]) > 90).any():
            raise ValidationError({"points": "each point is [longitude, latitude] in degrees"})
        lng, lat = to_wgs84(points[:, 0], points[:, 1], batch.validated_data["crs"])
        index = grid_index()
        answers: list[dict[str, Any] | None] = []
        for grid_id in index.locate_ids(lng, lat).tolist():
            if grid_id == NOT_FOUND:
                answers.append(None)
            else:
                chain = index.chain(grid_id)
                answers.append(s.LocationSerializer({"grid": chain[-1], "chain": chain}).data)
        return Response(answers)


class CategoryList(generics.ListAPIView[Category]):
    """The case catalog: main classes with their sub-classes, standards and time limits."""

    serializer_class = s.CategorySerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Category]:
        queryset = Category.objects.filter(parent__isnull=True, is_active=True)
        if family := self.request.query_params.get("family"):
            queryset = queryset.filter(family=family)
        active = Category.objects.filter(is_active=True).order_by("code")
        return queryset.prefetch_related(Prefetch("subclasses", active)).order_by("family", "code")


class OrganisationList(ScopedMixin, generics.ListAPIView[Organisation]):
    """The organisations you may see."""

    serializer_class = s.OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        queryset = self.scope.organisations(Organisation.objects.select_related("jurisdiction"))
        if kind := self.request.query_params.get("kind"):
            queryset = queryset.filter(kind=kind)
        return queryset.order_by("jurisdiction__path", "kind", "name")
