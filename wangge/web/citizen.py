"""The citizen's pages, opened from the QR code on a grid board or a shopfront: report a problem
with a photo, see whether it was reported already, follow it by its tracking page, and rate the
result."""

from __future__ import annotations

import io
import uuid
from typing import Any

import segno
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control

from wangge.cases.choices import Channel
from wangge.cases.models import Case
from wangge.cases.remarks import case_rate_by_reporter, reporter_rating_refused
from wangge.cases.workflow import TransitionRefused
from wangge.grids.models import Grid
from wangge.intake.citizen import (
    QR_SOURCE,
    ReportPlace,
    board_place,
    citizen_report_allowed,
    reward_points,
    sender_fingerprint,
    shop_place,
)
from wangge.intake.duplicates import likely_duplicates
from wangge.intake.models import Intake
from wangge.intake.services import Report, intake_submit
from wangge.records.selectors import shop_by_code
from wangge.web.forms import CitizenReportForm, RatingForm, form_started


def citizen_report(request: HttpRequest, code: str) -> HttpResponse:
    """The report form of one grid board's QR code."""
    return _report(request, board_place(code))


def shop_report(request: HttpRequest, code: str) -> HttpResponse:
    """The report form of one shopfront's QR code: the report lies at the shop."""
    return _report(request, shop_place(code))


def _report(request: HttpRequest, place: ReportPlace | None) -> HttpResponse:
    if place is None:
        raise Http404
    if request.method != "POST":
        form = CitizenReportForm(initial={"key": uuid.uuid4(), "started": form_started()})
        return render(request, "web/citizen_report.html", {"place": place, "form": form})
    form = CitizenReportForm(request.POST, request.FILES)
    context: dict[str, Any] = {"place": place, "form": form}
    if not form.is_valid():
        return render(request, "web/citizen_report.html", context, status=400)
    v = form.cleaned_data
    lng, lat = place.where(v["lng"], v["lat"])
    if not v["confirmed"]:
        earlier = likely_duplicates(category=v["category"], lng=lng, lat=lat, at=timezone.now())
        if earlier:
            again = request.POST.copy()
            again["confirmed"] = "on"
            followed = [(found, follow_path(found.case.number)) for found in earlier]
            context.update(form=CitizenReportForm(again), earlier=followed)
            return render(request, "web/citizen_report.html", context)
    sender = sender_fingerprint(request.META.get("REMOTE_ADDR", ""))
    try:
        citizen_report_allowed(sender=sender, phone=v["phone"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, "web/citizen_report.html", context, status=429)
    try:
        intake = intake_submit(
            Report(
                channel=Channel.CITIZEN,
                category=v["category"],
                lng=lng,
                lat=lat,
                description=v["description"],
                photos=(v["photo"],) if v["photo"] else (),
                reporter_name=v["name"],
                reporter_phone=v["phone"],
                details={"sender": sender, **place.details},
            ),
            source=QR_SOURCE,
            key=str(v["key"]),
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return render(request, "web/citizen_report.html", context, status=400)
    return redirect("web:citizen-track", token=intake.token)


def _timeline(case: Case) -> list[dict[str, Any]]:
    # Only where the case got and when: names, notes and photos stay inside.
    return [
        {"status": event.get_to_status_display(), "at": event.at}
        for event in case.events.order_by("sequence")
        if event.from_status != event.to_status or event.action == "report"
    ]


def citizen_track(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """The reporter's own page: where the case is, their points, and the rating after closure."""
    intake = get_object_or_404(Intake.objects.select_related("case"), token=token)
    case = intake.case
    refused = reporter_rating_refused(case)
    form = RatingForm(request.POST or None)
    if request.method == "POST" and refused is None and form.is_valid():
        try:
            case_rate_by_reporter(case=case, rating=form.cleaned_data["rating"])
        except TransitionRefused as exc:
            form.add_error(None, exc.reason)
        else:
            return redirect("web:citizen-track", token=token)
    context = {
        "case": case,
        "status": case.get_status_display(),
        "timeline": _timeline(case),
        "rewards": reward_points(case.reporter_phone),
        "rating_form": form if refused is None else None,
        # A rating sent where none is taken (an open case, one rated already) is told why.
        "refused": refused.reason if refused is not None and request.method == "POST" else "",
    }
    # A rating not taken is a bad request, whether its form or the case said no.
    status = 400 if request.method == "POST" else 200
    return render(request, "web/citizen_track.html", context, status=status)


# Case numbers run in order through each day: a page open to anyone by number would let anyone
# read every case, and each day's count, by counting up. The link to follow a case is signed.
_FOLLOW_SALT = "wangge.web.citizen.follow"


def follow_path(number: str) -> str:
    """The address at which anyone told of case ``number`` may follow it."""
    return reverse("web:citizen-follow", args=[signing.dumps(number, salt=_FOLLOW_SALT)])


def citizen_follow(request: HttpRequest, signed: str) -> HttpResponse:
    """Anyone's view of a case they were told is already reported: where it is, nothing more."""
    try:
        number = signing.loads(signed, salt=_FOLLOW_SALT)
    except signing.BadSignature as exc:
        raise Http404 from exc
    case = get_object_or_404(Case, number=number)
    context = {"case": case, "status": case.get_status_display(), "timeline": _timeline(case)}
    return render(request, "web/citizen_track.html", context)


@cache_control(max_age=86400)
def grid_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code for a grid's board: it opens the grid's report page."""
    grid = get_object_or_404(Grid.objects.defer("geometry"), code=code)
    return _qr(request, reverse("web:citizen-report", args=[grid.code]))


@cache_control(max_age=86400)
def shop_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code for a shopfront: it opens the shop's report page."""
    shop = shop_by_code(code)
    if shop is None:
        raise Http404
    return _qr(request, reverse("web:shop-report", args=[shop.code]))


def _qr(request: HttpRequest, path: str) -> HttpResponse:
    out = io.BytesIO()
    segno.make(request.build_absolute_uri(path), error="m").save(out, kind="svg", scale=8, border=2)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")
