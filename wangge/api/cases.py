"""The cases API: list, detail with timeline and the caller's actions, submit, act."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.cases.choices import Channel
from wangge.cases.models import Case, CaseEvent, CasePhoto, WhistleCall
from wangge.cases.remarks import case_remark
from wangge.cases.selectors import cases_visible, reporter_visible
from wangge.cases.services import (
    MAX_PHOTOS,
    Actor,
    CaseConflict,
    Evidence,
    actor_for,
    case_act,
    case_facts,
    channels_open_to,
)
from wangge.cases.workflow import Action, Remark, Status, TransitionRefused, allowed_actions
from wangge.catalog.models import Category
from wangge.core.coords import CRS, point_to_wgs84
from wangge.grids.models import Grid
from wangge.intake.duplicates import Likely, likely_duplicates
from wangge.intake.services import Report, intake_submit
from wangge.people.models import Organisation


class EventSerializer(serializers.ModelSerializer[CaseEvent]):
    actor = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.name", default=None)

    class Meta:
        model = CaseEvent
        fields = [
            "sequence",
            "action",
            "from_status",
            "to_status",
            "at",
            "actor",
            "organisation",
            "note",
            "lng",
            "lat",
            "data",
        ]

    def get_actor(self, event: CaseEvent) -> str | None:
        # Who reported is the reporter's to share: departments see the report without a name.
        if event.actor is None or (event.action == "report" and not self.context["reporter"]):
            return None
        return event.actor.username


class CaseSerializer(serializers.ModelSerializer[Case]):
    category = serializers.CharField(source="category.name")
    grid = serializers.CharField(source="grid.code")
    grid_name = serializers.CharField(source="grid.name")
    holder = serializers.CharField(source="holder.name", default=None)
    holder_person = serializers.CharField(source="holder_person.name", default=None)

    class Meta:
        model = Case
        fields = [
            "number",
            "status",
            "light",
            "urgent",
            "proactive",
            "channel",
            "category",
            "grid",
            "grid_name",
            "holder",
            "holder_person",
            "address",
            "lng",
            "lat",
            "reported_at",
            "due_by",
            "escalation_level",
            "version",
        ]


class CaseDetailSerializer(CaseSerializer):
    description = serializers.CharField()
    events = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    likely_duplicates = serializers.SerializerMethodField()
    whistles = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    reporter = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "description",
            "on_site_by",
            "first_result_by",
            "rating",
            "reporter",
            "actions",
            "likely_duplicates",
            "whistles",
            "photos",
            "events",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_likely_duplicates(self, case: Case) -> list[dict[str, Any]]:
        """For a report not yet registered: earlier ones of its kind close by, to merge into."""
        if case.status != Status.REPORTED:
            return []
        likely = likely_duplicates(
            category=case.category, lng=case.lng, lat=case.lat, at=case.reported_at, exclude=case
        )
        visible = set(
            cases_visible(self.context["actor"])
            .filter(pk__in=[found.case.pk for found in likely])
            .values_list("pk", flat=True)
        )
        return [_nearby(found) for found in likely if found.case.pk in visible]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_photos(self, case: Case) -> list[dict[str, Any]]:
        """Every photo of the case, with the step it came with."""
        request = self.context["request"]
        photos = CasePhoto.objects.filter(case=case).select_related("event")
        addresses = {
            photo.pk: request.build_absolute_uri(
                reverse("api:case-photo", args=[case.number, photo.pk])
            )
            for photo in photos
        }
        return [
            {
                "url": addresses[photo.pk],
                "thumbnail": addresses[photo.pk] + "?size=thumbnail",
                "sequence": photo.event.sequence,
                "action": photo.event.action,
            }
            for photo in photos
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_whistles(self, case: Case) -> list[dict[str, Any]]:
        """Each summoned department's call: its answer, lateness and rating."""
        calls = WhistleCall.objects.filter(whistle__case=case).select_related(
            "whistle", "department"
        )
        return [
            {
                "call": call.pk,
                "department": call.department.name,
                "respond_by": call.whistle.respond_by,
                "responded_at": call.responded_at,
                "arrive_by": call.arrive_by,
                "overdue": call.overdue,
                "rating": call.rating,
            }
            for call in calls.order_by("pk")
        ]

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, case: Case) -> list[dict[str, Any]]:
        context = {**self.context, "reporter": reporter_visible(case, self.context["actor"])}
        events = case.events.select_related("actor", "organisation").order_by("sequence")
        return EventSerializer(events, many=True, context=context).data  # type: ignore[return-value]

    def get_actions(self, case: Case) -> list[str]:
        """What the caller may do now (each may still need a reason, a department…)."""
        return [a.value for a in allowed_actions(case_facts(case, self.context["actor"]))]

    def get_reporter(self, case: Case) -> dict[str, str] | None:
        if not reporter_visible(case, self.context["actor"]):
            return None
        return {"name": case.reporter_name, "phone": case.reporter_phone}


def _photos_field() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(),
        max_length=MAX_PHOTOS,
        required=False,
        default=list,
        help_text="pictures (multipart); each is checked by its content and stripped of metadata",
    )


def _nearby(found: Likely) -> dict[str, Any]:
    case = found.case
    return {
        "number": case.number,
        "status": case.status,
        "reported_at": case.reported_at,
        "distance_m": round(found.distance_m, 1),
    }


class NearbySerializer(serializers.Serializer[Any]):
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(parent__isnull=False, is_active=True)
    )
    lng = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    crs = serializers.ChoiceField(choices=[c.value for c in CRS], default=CRS.WGS84.value)


class CaseNearby(APIView):
    """Before reporting: has someone already reported this here lately? Follow that case
    instead (its number, status and distance; nothing about who reported it)."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[NearbySerializer])
    def get(self, request: Request) -> Response:
        query = NearbySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        lng, lat = point_to_wgs84(v["lng"], v["lat"], v["crs"])
        likely = likely_duplicates(category=v["category"], lng=lng, lat=lat, at=timezone.now())
        return Response([_nearby(found) for found in likely])


class SubmitSerializer(serializers.Serializer[Any]):
    channel = serializers.CharField(
        required=False, help_text="default: patrol for grid forces, else department or citizen"
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(parent__isnull=False, is_active=True)
    )
    lng = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    crs = serializers.ChoiceField(choices=[c.value for c in CRS], default=CRS.WGS84.value)
    address = serializers.CharField(max_length=200, required=False, default="")
    description = serializers.CharField(max_length=2000)
    photos = _photos_field()
    fixed_on_spot = serializers.CharField(
        max_length=2000,
        required=False,
        default="",
        allow_blank=True,
        help_text="what the patrol did there and then: the case is handled in the same step",
    )
    found_at = serializers.DateTimeField(
        required=False,
        default=None,
        help_text="when the reporter made the report, if the phone kept it until the network "
        "came back: the case is reported then, and the find is the patrol's that was under way "
        "then",
    )


class ActSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(required=False, default="", allow_blank=True)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    department = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True), required=False, default=None
    )
    duplicate_of = serializers.CharField(required=False, default=None)
    rating = serializers.IntegerField(required=False, default=None)
    lng = serializers.FloatField(required=False, default=None)
    lat = serializers.FloatField(required=False, default=None)
    photos = _photos_field()


APP_SOURCE = "app"


class ActorView(APIView):
    """A view that knows its caller as the workflow does, worked out once per request."""

    actor: Actor

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.actor = actor_for(request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request, "view": self, "actor": self.actor}

    def visible(self) -> QuerySet[Case]:
        """The caller's cases, with what every answer shows; a grid's outline is not shown."""
        queryset = cases_visible(self.actor).select_related(
            "category", "grid", "holder", "holder_person"
        )
        return queryset.defer("grid__geometry")


class CaseList(ActorView, generics.ListCreateAPIView[Case]):
    """Cases you may see, newest first; POST reports a new one."""

    serializer_class = CaseSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("light", str),
            OpenApiParameter("grid", str, description="a grid code: its subtree"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Case]:
        queryset = self.visible()
        params = self.request.query_params
        if value := params.get("status"):
            queryset = queryset.filter(status=value)
        if value := params.get("light"):
            queryset = queryset.filter(light=value)
        if value := params.get("grid"):
            grid = get_object_or_404(Grid, code=value)
            queryset = queryset.filter(grid__path__startswith=grid.path)
        return queryset.order_by("-reported_at")

    @extend_schema(
        request=SubmitSerializer,
        responses={201: CaseDetailSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="the same key again returns the case made the first time",
            )
        ],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "channel" not in values:
            open_to = channels_open_to(self.actor)
            values["channel"] = next(
                c for c in (Channel.PATROL, Channel.DEPARTMENT, Channel.CITIZEN) if c in open_to
            )
        key = request.headers.get("Idempotency-Key", "").strip()
        # A key is a token the phone made (a UUID, say): printable ASCII, as a header's value
        # should be. PostgreSQL's text cannot even hold some of the rest (NUL).
        if len(key) > 64 or not (key.isascii() and key.isprintable()):
            raise ValidationError(
                {"Idempotency-Key": "at most 64 printable ASCII characters, such as a UUID"}
            )
        report = Report(reporter=request.user, **{**values, "photos": tuple(values["photos"])})
        try:
            # A phone that resends after losing the answer gets the same case back: keys are
            # the reporter's own, so nobody reaches another's case by guessing one.
            intake = intake_submit(
                report, source=APP_SOURCE, key=f"{request.user.pk}:{key}" if key else ""
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        body = CaseDetailSerializer(intake.case, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


class CaseDetail(ActorView, generics.RetrieveAPIView[Case]):
    """One case with its timeline and the actions you may take on it."""

    serializer_class = CaseDetailSerializer
    lookup_field = "number"

    def get_queryset(self) -> QuerySet[Case]:
        return self.visible()


class CasePhotoFile(ActorView):
    """One photo of a case you may see, as stored: re-encoded, without metadata."""

    @extend_schema(
        parameters=[OpenApiParameter("size", str, enum=["thumbnail"])],
        responses={(200, "image/*"): bytes},
    )
    def get(self, request: Request, number: str, pk: int) -> FileResponse:
        case = get_object_or_404(self.visible(), number=number)
        photo = get_object_or_404(CasePhoto, pk=pk, case=case)
        small = request.query_params.get("size") == "thumbnail" and photo.thumbnail
        response = FileResponse((photo.thumbnail if small else photo.image).open("rb"))
        response["Cache-Control"] = "private, max-age=86400"
        return response


class StepView(ActorView):
    """A view that takes one step on a case."""

    def acting(self, number: str, step: Callable[[Case, Actor], object]) -> Response:
        """Take ``step`` on a case the caller may see and answer as every step answers: the
        case after it, 400 with the reason it was refused (nothing written), or 409 when
        someone else acted first."""
        case = get_object_or_404(self.visible(), number=number)
        try:
            step(case, self.actor)
        except TransitionRefused as exc:
            return Response(
                {"detail": exc.reason, "code": exc.code}, status=status.HTTP_400_BAD_REQUEST
            )
        except CaseConflict as exc:
            return Response(
                {"detail": str(exc), "code": "conflict"}, status=status.HTTP_409_CONFLICT
            )
        case.refresh_from_db()
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)


class CaseAct(StepView):
    """Take one action on a case, as seen at ``version``. 400 says why not (nothing is
    written); 409 says someone else acted first (reload and decide again)."""

    @extend_schema(request=ActSerializer, responses={200: CaseDetailSerializer})
    def post(self, request: Request, number: str, action: str) -> Response:
        try:
            chosen = Action(action)
        except ValueError as exc:
            raise ValidationError({"action": f"unknown action {action!r}"}) from exc
        data = ActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        duplicate_of = None
        if v["duplicate_of"]:
            duplicate_of = get_object_or_404(self.visible(), number=v["duplicate_of"])

        def step(case: Case, actor: Actor) -> object:
            return case_act(
                case=case,
                action=chosen,
                actor=actor,
                version=v["version"],
                reason=v["reason"],
                department=v["department"],
                duplicate_of=duplicate_of,
                rating=v["rating"],
                evidence=Evidence(
                    note=v["note"], lng=v["lng"], lat=v["lat"], photos=tuple(v["photos"])
                ),
            )

        return self.acting(number, step)


class RemarkSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    departments = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.filter(is_active=True),
        many=True,
        required=False,
        default=list,
    )
    respond_by = serializers.DateTimeField(required=False, default=None)
    response_minutes = serializers.IntegerField(
        min_value=1, max_value=1440, required=False, default=30
    )
    call = serializers.IntegerField(required=False, default=None, help_text="whistle call id")
    arrive_by = serializers.DateTimeField(required=False, default=None)
    rating = serializers.IntegerField(required=False, default=None)


class CaseRemark(StepView):
    """Escalate, supervise (督办), consult (会商研判), blow the whistle (吹哨), respond to it
    (响应) or rate a summoned department after closure (评价). 400 says why not; 409 means
    someone acted first."""

    @extend_schema(request=RemarkSerializer, responses={200: CaseDetailSerializer})
    def post(self, request: Request, number: str, remark: str) -> Response:
        try:
            chosen = Remark(remark)
        except ValueError as exc:
            raise ValidationError({"remark": f"unknown remark {remark!r}"}) from exc
        data = RemarkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if chosen == Remark.RESPOND and v["arrive_by"] is None:
            raise ValidationError({"arrive_by": "say when you will be on site"})

        def step(case: Case, actor: Actor) -> object:
            call = None
            if chosen in (Remark.RESPOND, Remark.RATE):
                call = get_object_or_404(WhistleCall, pk=v["call"], whistle__case=case)
            return case_remark(
                case=case,
                remark=chosen,
                actor=actor,
                version=v["version"],
                note=v["note"],
                departments=v["departments"],
                respond_by=v["respond_by"],
                response=datetime.timedelta(minutes=v["response_minutes"]),
                call=call,
                arrive_by=v["arrive_by"],
                rating=v["rating"],
            )

        return self.acting(number, step)
