"""The forces' API for the phone and the centre: attendance check-in and check-out, patrols with
their tracks, who is patrolling where now, who is on duty, and the duty gaps."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.core.coords import CRS, from_wgs84, point_to_wgs84, to_wgs84
from wangge.forces.attendance import AttendanceRefused, attendance_check_in, attendance_check_out
from wangge.forces.duty import duty_answer
from wangge.forces.models import Attendance, DutyEntry, DutyGap, Patrol
from wangge.forces.patrols import (
    MAX_POINTS,
    Fix,
    PatrolRefused,
    patrol_grid_at,
    patrol_start,
    patrol_stop,
    patrol_track_add,
)
from wangge.forces.selectors import gaps_visible, patrols_now, patrols_visible
from wangge.grids.models import Grid
from wangge.people.models import Organisation, Person
from wangge.people.scope import AccessScope, access_scope

CRS_CHOICES = [c.value for c in CRS]


def _crs_field() -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=CRS_CHOICES, default=CRS.WGS84.value)


class ForcesView(APIView):
    """A view that knows the caller's scope and, for the phone's writes, their person."""

    @cached_property
    def scope(self) -> AccessScope:
        return access_scope(self.request.user)

    def person(self) -> Person:
        user_id = self.request.user.pk
        person = (
            Person.objects.filter(user_id=user_id, is_active=True).first()
            if user_id is not None
            else None
        )
        if person is None:
            raise PermissionDenied(_("Only staff on the grids take attendance and patrol."))
        return person


class PositionSerializer(serializers.Serializer[Any]):
    lng = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    crs = _crs_field()


def _position(request: Request) -> tuple[float, float]:
    data = PositionSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    v = data.validated_data
    return point_to_wgs84(v["lng"], v["lat"], v["crs"])


# Attendance


class AttendanceSerializer(serializers.ModelSerializer[Attendance]):
    shift = serializers.CharField(source="shift.name")
    grid = serializers.CharField(source="grid.code")
    grid_name = serializers.CharField(source="grid.name")

    class Meta:
        model = Attendance
        fields = [
            "id",
            "shift",
            "day",
            "grid",
            "grid_name",
            "checked_in_at",
            "check_in_distance_m",
            "checked_out_at",
            "check_out_distance_m",
        ]


def _refusal(exc: AttendanceRefused) -> Response:
    return Response(
        {
            "detail": exc.message,
            "code": exc.code,
            "distance_m": round(exc.distance_m, 1) if exc.distance_m is not None else None,
            "grid": exc.grid.code if exc.grid is not None else None,
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class CheckIn(ForcesView):
    """Check in (电子考勤) at the phone's position, inside your grid: 201 for a new check-in,
    200 for one already made for this shift; 400 with ``distance_m`` when you are outside it."""

    @extend_schema(request=PositionSerializer, responses={201: AttendanceSerializer})
    def post(self, request: Request) -> Response:
        person = self.person()
        lng, lat = _position(request)
        try:
            attendance, new = attendance_check_in(person=person, lng=lng, lat=lat)
        except AttendanceRefused as exc:
            return _refusal(exc)
        return Response(
            AttendanceSerializer(attendance).data,
            status=status.HTTP_201_CREATED if new else status.HTTP_200_OK,
        )


class CheckOut(ForcesView):
    """Check out at the phone's position, inside the grid you checked in to; 400 with
    ``distance_m`` when you are outside it."""

    @extend_schema(request=PositionSerializer, responses={200: AttendanceSerializer})
    def post(self, request: Request) -> Response:
        person = self.person()
        lng, lat = _position(request)
        try:
            attendance = attendance_check_out(person=person, lng=lng, lat=lat)
        except AttendanceRefused as exc:
            return _refusal(exc)
        return Response(AttendanceSerializer(attendance).data)


# Patrols


def _point(lng: float | None, lat: float | None, crs: str) -> dict[str, float] | None:
    if lng is None or lat is None:
        return None
    x, y = from_wgs84([lng], [lat], crs)
    return {"lng": float(x[0]), "lat": float(y[0])}


class PatrolSerializer(serializers.ModelSerializer[Patrol]):
    person = serializers.CharField(source="person.name")
    phone = serializers.CharField(source="person.phone")
    organisation = serializers.CharField(source="person.organisation.name")
    grid = serializers.CharField(source="grid.code")
    grid_name = serializers.CharField(source="grid.name")
    last_point = serializers.SerializerMethodField()

    class Meta:
        model = Patrol
        fields = [
            "id",
            "person",
            "phone",
            "organisation",
            "grid",
            "grid_name",
            "started_at",
            "ended_at",
            "last_at",
            "last_point",
        ]

    def get_last_point(self, patrol: Patrol) -> dict[str, float] | None:
        """Where the patrol was last heard from, in the ``crs`` asked for."""
        return _point(patrol.last_lng, patrol.last_lat, self.context.get("crs", CRS.WGS84))


class PatrolDetailSerializer(PatrolSerializer):
    blocks = serializers.SerializerMethodField()
    checkpoints = serializers.SerializerMethodField()
    finds = serializers.SerializerMethodField()

    class Meta(PatrolSerializer.Meta):
        fields = [*PatrolSerializer.Meta.fields, "blocks", "checkpoints", "finds"]

    def get_blocks(self, patrol: Patrol) -> list[dict[str, Any]]:
        """The blocks the track passed through, each day, first passed when."""
        rows = patrol.blocks.select_related("grid").order_by("first_at")
        return [
            {"code": row.grid.code, "name": row.grid.name, "day": row.day, "at": row.first_at}
            for row in rows
        ]

    def get_checkpoints(self, patrol: Patrol) -> list[dict[str, Any]]:
        """The checkpoints visited (定点巡更), first reached when and how close."""
        visits = patrol.visits.select_related("checkpoint").order_by("at")
        return [
            {"name": v.checkpoint.name, "at": v.at, "distance_m": round(v.distance_m, 1)}
            for v in visits
        ]

    def get_finds(self, patrol: Patrol) -> list[str]:
        """The numbers of the cases reported on the way."""
        return list(
            patrol.finds.order_by("case__reported_at").values_list("case__number", flat=True)
        )


class PatrolStartSerializer(serializers.Serializer[Any]):
    grid = serializers.CharField(
        required=False, help_text="the grid patrolled; default: the unit under the position"
    )
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False)
    crs = _crs_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "grid" not in attrs and ("lng" not in attrs or "lat" not in attrs):
            raise serializers.ValidationError(_("Give the grid, or the position to find it."))
        return attrs


class PatrolList(ForcesView):
    """Start a patrol at the phone's position (201; 200 returns the one already under way)."""

    @extend_schema(request=PatrolStartSerializer, responses={201: PatrolDetailSerializer})
    def post(self, request: Request) -> Response:
        person = self.person()
        data = PatrolStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if "grid" in v:
            grid = Grid.objects.filter(code=v["grid"]).first()
        else:
            grid = patrol_grid_at(*point_to_wgs84(v["lng"], v["lat"], v["crs"]))
        if grid is None or not self.scope.can_see_grid(grid):
            raise ValidationError({"grid": _("Patrol a grid within your responsibility.")})
        patrol, new = patrol_start(person=person, grid=grid)
        return Response(
            PatrolDetailSerializer(patrol).data,
            status=status.HTTP_201_CREATED if new else status.HTTP_200_OK,
        )


class PatrolsNow(ForcesView, generics.ListAPIView[Patrol]):
    """Who is patrolling where now: the patrols under way in your grids, each with its last
    point (in ``crs``), the most recently heard from first."""

    serializer_class = PatrolSerializer

    @extend_schema(parameters=[OpenApiParameter("crs", str, enum=CRS_CHOICES)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Patrol]:
        return patrols_now(self.scope)

    def get_serializer_context(self) -> dict[str, Any]:
        crs = self.request.query_params.get("crs", CRS.WGS84.value)
        if crs not in CRS_CHOICES:
            raise ValidationError({"crs": _("Unknown coordinate system.")})
        return {**super().get_serializer_context(), "crs": crs}


class PatrolView(ForcesView):
    def patrol(self, pk: int, *, own: bool) -> Patrol:
        """A patrol you may see; ``own``: one of your own, for the phone's writes."""
        patrol = get_object_or_404(patrols_visible(self.scope), pk=pk)
        if own and patrol.person != self.person():
            raise PermissionDenied(_("This is someone else's patrol."))
        return patrol


class PatrolDetail(PatrolView):
    """A patrol with the blocks it covered, the checkpoints it visited and its finds."""

    @extend_schema(responses={200: PatrolDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(PatrolDetailSerializer(self.patrol(pk, own=False)).data)


class FixSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField()
    lng = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    accuracy = serializers.FloatField(required=False, allow_null=True, default=None, min_value=0)


class TrackSerializer(serializers.Serializer[Any]):
    points = serializers.ListField(child=FixSerializer(), max_length=MAX_POINTS, allow_empty=False)
    crs = _crs_field()


class TrackResultSerializer(serializers.Serializer[Any]):
    added = serializers.IntegerField(help_text="points new to the patrol")
    outside = serializers.IntegerField(help_text="points from outside the patrol's time, left out")
    blocks = serializers.ListField(child=serializers.CharField(), help_text="blocks first covered")
    checkpoints = serializers.ListField(
        child=serializers.CharField(), help_text="checkpoints first visited"
    )


class PatrolTrack(PatrolView):
    """Add a batch of GPS points to your patrol (at most 1,000). Sending a batch again adds
    nothing; the answer says what was new: points, blocks covered and checkpoints visited."""

    @extend_schema(request=TrackSerializer, responses={200: TrackResultSerializer})
    def post(self, request: Request, pk: int) -> Response:
        patrol = self.patrol(pk, own=True)
        data = TrackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        points = data.validated_data["points"]
        lng, lat = to_wgs84(
            np.array([p["lng"] for p in points]),
            np.array([p["lat"] for p in points]),
            data.validated_data["crs"],
        )
        fixes = [
            Fix(p["at"], float(x), float(y), p["accuracy"])
            for p, x, y in zip(points, lng.tolist(), lat.tolist(), strict=True)
        ]
        try:
            result = patrol_track_add(patrol=patrol, fixes=fixes)
        except PatrolRefused as exc:
            return Response(
                {"detail": exc.message, "code": exc.code}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(
            TrackResultSerializer(
                {
                    "added": result.added,
                    "outside": result.outside,
                    "blocks": [grid.code for grid in result.blocks],
                    "checkpoints": [checkpoint.name for checkpoint in result.checkpoints],
                }
            ).data
        )


class PatrolStop(PatrolView):
    """Stop your patrol; stopping it again changes nothing."""

    @extend_schema(request=None, responses={200: PatrolDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        patrol = patrol_stop(patrol=self.patrol(pk, own=True))
        return Response(PatrolDetailSerializer(patrol).data)


# Duty


class DutyGapSerializer(serializers.ModelSerializer[DutyGap]):
    case = serializers.CharField(source="case.number")
    organisation = serializers.CharField(source="organisation.name")
    grid = serializers.CharField(source="grid.code")
    grid_name = serializers.CharField(source="grid.name")
    shift = serializers.CharField(source="shift.name", default=None)
    person = serializers.CharField(source="person.name", default=None)

    class Meta:
        model = DutyGap
        fields = [
            "id",
            "case",
            "organisation",
            "grid",
            "grid_name",
            "at",
            "shift",
            "reason",
            "person",
            "acknowledged_at",
        ]


class DutyGaps(ForcesView, generics.ListAPIView[DutyGap]):
    """The moments a case changed hands in your grids and the duty table named nobody: the
    case went to the on-call person (``person``) or to the office. ``open=true``: those not yet
    acknowledged."""

    serializer_class = DutyGapSerializer

    @extend_schema(parameters=[OpenApiParameter("open", bool)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[DutyGap]:
        gaps = gaps_visible(self.scope)
        if self.request.query_params.get("open") in ("true", "1"):
            gaps = gaps.filter(acknowledged_at__isnull=True)
        return gaps


class OnDutySerializer(serializers.Serializer[Any]):
    organisation = serializers.CharField()
    shift = serializers.CharField(allow_null=True)
    person = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    gap = serializers.CharField(allow_null=True, help_text="why the table names nobody")


class DutyNow(ForcesView):
    """Who is on duty now over a grid of yours, for each organisation you may see whose table
    covers it: the one on duty for every kind of case, or the on-call person with ``gap``."""

    @extend_schema(
        parameters=[OpenApiParameter("grid", str, required=True)],
        responses=OnDutySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("grid", "")
        grid = get_object_or_404(self.scope.grids(Grid.objects.all()), code=code)
        codes = [*grid.ancestor_codes, grid.code]
        bodies = self.scope.organisations(
            Organisation.objects.filter(
                pk__in=DutyEntry.objects.filter(grid__code__in=codes).values("organisation_id")
            )
        ).order_by("jurisdiction__path", "name")
        now = timezone.now()
        answers = []
        for organisation in bodies:
            answer = duty_answer(organisation=organisation, grid=grid, at=now)
            person = answer.person
            answers.append(
                {
                    "organisation": organisation.name,
                    "shift": answer.run.shift.name if answer.run else None,
                    "person": person.name if person else None,
                    "phone": person.phone if person else None,
                    "gap": answer.gap,
                }
            )
        return Response(OnDutySerializer(answers, many=True).data)
