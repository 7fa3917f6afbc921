"""Open311 GeoReport v2 under ``/open311/v2/``: discovery, services, service definitions,
requests (read and write) and tokens, each in XML and JSON by suffix. The catalog's sub-classes
are the services; a case is a service request. Reports go through the intake pipeline like
every other channel; nothing here decides anything about a case."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from wangge.cases.models import Case, CaseEvent
from wangge.cases.workflow import Status
from wangge.catalog.models import Category
from wangge.catalog.selectors import service_code, service_code_q, subclass_by_service_code
from wangge.core.calendar import CHINA
from wangge.grids.choices import GridLevel
from wangge.grids.models import Grid
from wangge.intake.keys import api_key_check
from wangge.intake.models import Intake
from wangge.intake.services import Report, intake_submit
from wangge.open311.attributes import AttributeRefused, attributes_of, attributes_read
from wangge.open311.formats import errors, render

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this endpoint's discovery document last changed shape.
CHANGESET = datetime.datetime(2026, 11, 23, tzinfo=CHINA)
WINDOW = datetime.timedelta(days=90)  # the specification's default and widest date range
MAX_PAGE_SIZE = 1000
SOURCE = "open311"

View = Callable[..., HttpResponse]


class Refusal(Exception):
    """An Open311 error: its status code and description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _answering(view: View) -> View:
    """Turn a Refusal into the specification's error body, in the format asked for."""

    def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            _printable(request)
            return view(request, fmt, **kwargs)
        except Refusal as refusal:
            return errors(fmt, refusal.status, refusal.description)

    wrapped.__doc__ = view.__doc__
    return wrapped


def _printable(request: HttpRequest) -> None:
    # No text column (PostgreSQL's least of all) stores a NUL character, nor means one. The
    # path and the query are refused before any view (core.middleware); the form's body is
    # this door's to check.
    posted = request.POST
    values = [item for _key, items in posted.lists() for item in items]
    if any("\x00" in value for value in [*values, *posted.keys()]):
        raise Refusal(400, _("The request contains a NUL character"))


def _category(code: str) -> Category:
    category = subclass_by_service_code(code)
    if category is None:
        raise Refusal(404, _("service_code %(code)s was not found") % {"code": code})
    return category


def _jurisdiction(request: HttpRequest) -> Grid | None:
    """The district named by ``jurisdiction_id``; none named (or empty) means all of them."""
    value = (
        request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or ""
    ).strip()
    if not value:
        return None
    district = Grid.objects.filter(code=value, level=GridLevel.DISTRICT).first()
    if district is None:
        raise Refusal(404, _("jurisdiction_id %(id)s was not found") % {"id": value})
    return district


@require_http_methods(["GET"])
@_answering
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Where the endpoint is and what it speaks."""
    body = {
        "changeset": CHANGESET,
        "contact": settings.WANGGE_OPEN311_CONTACT,
        "key_service": _("API keys are issued by the district operations centre."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": request.build_absolute_uri(reverse("open311:root")).rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", body)


@require_http_methods(["GET"])
@_answering
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every sub-class one may report, grouped by its main class."""
    _jurisdiction(request)
    categories = Category.objects.filter(parent__isnull=False, is_active=True).select_related(
        "parent"
    )
    body = [
        {
            "service_code": service_code(category),
            "service_name": category.name,
            "description": category.registration_standard,
            "metadata": True,
            "type": "realtime",
            "keywords": f"{category.get_family_display()}, {category.parent.name}",
            "group": category.parent.name,
        }
        for category in categories
        if category.parent is not None
    ]
    return render(fmt, "services", body)


@require_http_methods(["GET"])
@_answering
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    """The attributes a report of this service may carry."""
    _jurisdiction(request)
    category = _category(code)
    body = {"service_code": service_code(category), "attributes": attributes_of(category)}
    return render(fmt, "service_definition", body)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_answering
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: service requests by id, service, date and status. POST: report one."""
    if request.method == "POST":
        return _report(request, fmt)
    district = _jurisdiction(request)
    params = request.GET
    cases = _cases(district)
    if ids := _listed(params.get("service_request_id")):
        cases = cases.filter(number__in=ids)
    else:
        if codes := _listed(params.get("service_code")):
            cases = cases.filter(reduce(or_, (service_code_q(c, "category") for c in codes)))
        start, end = _window(params.get("start_date"), params.get("end_date"))
        cases = cases.filter(reported_at__gte=start, reported_at__lte=end)
        if states := _listed(params.get("status")):
            unknown = set(states) - {"open", "closed"}
            if unknown:
                raise Refusal(400, _("status is open or closed"))
            closed = [s.value for s in Status if not s.is_open]
            if states == ["open"]:
                cases = cases.exclude(status__in=closed)
            elif states == ["closed"]:
                cases = cases.filter(status__in=closed)
    page, size = _page(params.get("page"), params.get("page_size"))
    window = cases.order_by("-reported_at", "-pk")[(page - 1) * size : page * size]
    return render(fmt, "service_requests", [_request_body(request, case) for case in window])


@require_http_methods(["GET"])
@_answering
def request_detail(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    """One service request."""
    case = _cases(_jurisdiction(request)).filter(number=number).first()
    if case is None:
        raise Refusal(404, _("service_request_id %(id)s was not found") % {"id": number})
    return render(fmt, "service_requests", [_request_body(request, case)])


@require_http_methods(["GET"])
@_answering
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """The service request a token stands for."""
    try:
        key = uuid.UUID(token)
    except ValueError:
        key = None
    intake = Intake.objects.select_related("case").filter(token=key).first() if key else None
    if intake is None:
        raise Refusal(404, _("token %(token)s was not found") % {"token": token})
    body = [{"service_request_id": intake.case.number, "token": str(intake.token)}]
    return render(fmt, "service_requests", body)


def _report(request: HttpRequest, fmt: str) -> HttpResponse:
    posted = request.POST
    api_key = api_key_check(posted.get("api_key", ""))
    if api_key is None:
        raise Refusal(403, _("api_key is missing or not valid"))
    _jurisdiction(request)
    code = posted.get("service_code", "").strip()
    if not code:
        raise Refusal(400, _("service_code is required"))
    category = _category(code)
    lat, lng = _coordinate(posted, "lat", 90), _coordinate(posted, "long", 180)
    description = posted.get("description", "").strip()
    if not description:
        raise Refusal(400, _("description is required"))
    if len(description) > 4000:
        raise Refusal(400, _("description is longer than 4000 characters"))
    try:
        attributes = attributes_read(category, posted)
    except AttributeRefused as exc:
        raise Refusal(400, str(exc)) from exc
    name = " ".join(
        part for part in (posted.get("last_name", ""), posted.get("first_name", "")) if part
    )
    details: dict[str, Any] = {
        field: posted[field]
        for field in ("email", "device_id", "account_id", "address_id")
        if posted.get(field)
    }
    if attributes:
        details["attributes"] = attributes
    address = " ".join(
        part
        for part in (posted.get("address_string", ""), attributes.get("location_detail", ""))
        if part
    )
    report = Report(
        channel=api_key.channel,
        category=category,
        lng=lng,
        lat=lat,
        description=description,
        address=address[:200],
        media_urls=tuple(url for url in posted.getlist("media_url") if url.strip()),
        reporter_name=name[:50],
        reporter_phone=posted.get("phone", "")[:30],
        details=details,
    )
    try:
        intake = intake_submit(report, source=SOURCE, api_key=api_key)
    except ValidationError as exc:
        raise Refusal(400, " ".join(exc.messages)) from exc
    body = [
        {
            "service_request_id": intake.case.number,
            "token": str(intake.token),
            "service_notice": "",
            "account_id": details.get("account_id"),
        }
    ]
    return render(fmt, "service_requests", body)


def _coordinate(posted: Any, name: str, limit: float) -> float:
    raw = posted.get(name, "").strip()
    if not raw:
        raise Refusal(400, _("lat and long are required: each report is placed in its grid"))
    try:
        value = float(raw)
    except ValueError as exc:
        raise Refusal(400, _("%(name)s is not a number") % {"name": name}) from exc
    if not -limit <= value <= limit:
        raise Refusal(400, _("%(name)s is out of range") % {"name": name})
    return value


def _listed(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _moment(value: str | None, name: str) -> datetime.datetime | None:
    if not value:
        return None
    moment = parse_datetime(value.strip())
    if moment is None:
        raise Refusal(400, _("%(name)s is not a W3C date and time") % {"name": name})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _window(
    start_value: str | None, end_value: str | None
) -> tuple[datetime.datetime, datetime.datetime]:
    start, end = _moment(start_value, "start_date"), _moment(end_value, "end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise Refusal(400, _("end_date is before start_date"))
    if end - start > WINDOW:
        raise Refusal(400, _("start_date and end_date may not span more than 90 days"))
    return start, end


def _page(page_value: str | None, size_value: str | None) -> tuple[int, int]:
    try:
        page = int(page_value or 1)
        size = int(size_value or MAX_PAGE_SIZE)
    except ValueError as exc:
        raise Refusal(400, _("page and page_size are whole numbers")) from exc
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise Refusal(
            400, _("page starts at 1; page_size is 1 to %(max)d") % {"max": MAX_PAGE_SIZE}
        )
    return page, size


def _cases(district: Grid | None) -> QuerySet[Case]:
    last_event = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-sequence").values("at")
    cases = Case.objects.select_related("category", "holder", "duplicate_of").annotate(
        updated_at=Subquery(last_event[:1])
    )
    if district is not None:
        cases = cases.filter(grid__path__startswith=district.path)
    return cases


def _request_body(request: HttpRequest, case: Case) -> dict[str, Any]:
    status = Status(case.status)
    notes = str(case.get_status_display())
    if case.duplicate_of is not None:
        notes = _("%(status)s: see %(number)s") % {
            "status": notes,
            "number": case.duplicate_of.number,
        }
    return {
        "service_request_id": case.number,
        "status": "open" if status.is_open else "closed",
        "status_notes": notes,
        "service_name": case.category.name,
        "service_code": service_code(case.category),
        "description": case.description,
        "agency_responsible": case.holder.name if case.holder else "",
        "service_notice": "",
        "requested_datetime": case.reported_at,
        "updated_datetime": getattr(case, "updated_at", None) or case.reported_at,
        "expected_datetime": case.due_by,
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lng,
        "media_url": "",
    }
