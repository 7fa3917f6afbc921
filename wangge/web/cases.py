"""The case page: what the user may see of one case, and the steps they may take on it now, each
with its own form. Every step goes through the services the API uses; a refusal comes back on
the page beside what the user typed, and a step someone else took first is said so."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.cases.models import Case, CaseEvent, CasePhoto, Whistle, WhistleCall
from wangge.cases.remarks import DEFAULT_WHISTLE_RESPONSE, case_remark
from wangge.cases.selectors import cases_visible, departments_serving, reporter_visible
from wangge.cases.services import (
    Actor,
    CaseConflict,
    Evidence,
    actor_for,
    case_act,
    case_facts,
    case_route,
    case_visible_to,
)
from wangge.cases.sweep import TOP_ESCALATION
from wangge.cases.workflow import (
    ACTION_LABELS,
    REMARK_LABELS,
    Action,
    Remark,
    TransitionRefused,
    allowed_actions,
    plan_remark,
)
from wangge.people.models import Organisation
from wangge.web.forms import CaseActionForm, CaseRemarkForm, StepForm

# Steps that undo or refuse what came before look different from those that move a case on.
BACKWARD = frozenset({Action.REJECT, Action.RETURN, Action.REWORK})
ASIDE = frozenset(
    {Action.MERGE, Action.SUSPEND, Action.RESUME, Action.TRACK_CHRONIC, Action.UNTRACK_CHRONIC}
)
EVENT_LABELS = {
    "report": gettext_lazy("Reported"),
    "red_light": gettext_lazy("Overdue: the light turned red"),
    "whistle_late": gettext_lazy("A summoned department did not answer in time"),
    "reporter_rating": gettext_lazy("Rated by the reporter"),
    **{action.value: label for action, label in ACTION_LABELS.items()},
    **{remark.value: label for remark, label in REMARK_LABELS.items()},
}
# Between names in a list: "、" in Chinese.
SEPARATOR = gettext_lazy(", ")
# How long a summoned department is offered to be on site, when it answers.
ARRIVAL_OFFER = datetime.timedelta(minutes=30)


@dataclass
class Step:
    """One form of the page: what it posts to, what its button says, how it looks."""

    form: StepForm
    url: str
    label: str
    style: str = ""
    # Where to go once done, when not back to the case (the inbox's one-click answers).
    next: str = ""


@dataclass
class Entry:
    """One line of the timeline."""

    event: CaseEvent
    label: str
    who: str
    details: list[str]
    photos: list[dict[str, Any]]


def visible_case(actor: Actor, number: str) -> Case:
    """The case by its number if the actor may see it, else 404."""
    cases = cases_visible(actor).select_related(
        "category__parent", "grid", "holder", "holder_person", "handler"
    )
    return get_object_or_404(cases, number=number)


@login_required
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_for(request.user)
    return _render(request, visible_case(actor, number), actor)


@require_POST
@login_required
def case_act_view(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take one workflow step from the case page's form."""
    try:
        chosen = Action(action)
    except ValueError as exc:
        raise Http404(_("There is no such step.")) from exc
    actor = actor_for(request.user)
    case = visible_case(actor, number)
    form = _action_form(case, actor, chosen, data=request.POST, files=request.FILES)
    if not form.is_valid():
        return _render(request, case, actor, failed=form, status=400)
    v = form.cleaned_data
    try:
        case_act(
            case=case,
            action=chosen,
            actor=actor,
            version=v["version"],
            reason=v.get("reason", ""),
            department=v.get("department"),
            duplicate_of=v.get("duplicate_of"),
            rating=v.get("rating"),
            evidence=Evidence(note=v.get("note", ""), photos=tuple(v.get("photos") or ())),
        )
    except (TransitionRefused, CaseConflict) as exc:
        return _refused(request, case, actor, form, exc)
    messages.success(request, _("Done: %(step)s.") % {"step": chosen.label})
    return _after_step(request, case, actor)


@require_POST
@login_required
def case_remark_view(request: HttpRequest, number: str, remark: str) -> HttpResponse:
    """Escalate, supervise, consult, blow the whistle, answer it or rate a department."""
    try:
        chosen = Remark(remark)
    except ValueError as exc:
        raise Http404(_("There is no such step.")) from exc
    actor = actor_for(request.user)
    case = visible_case(actor, number)
    form = remark_form(case, actor, chosen, data=request.POST)
    if not form.is_valid():
        return _render(request, case, actor, failed=form, status=400)
    v = form.cleaned_data
    try:
        case_remark(
            case=case,
            remark=chosen,
            actor=actor,
            version=v["version"],
            note=v.get("note", ""),
            departments=list(v.get("departments") or ()),
            respond_by=v.get("respond_by"),
            response=(
                datetime.timedelta(minutes=v["response_minutes"])
                if v.get("response_minutes")
                else DEFAULT_WHISTLE_RESPONSE
            ),
            call=v.get("call"),
            arrive_by=v.get("arrive_by"),
            rating=v.get("rating"),
        )
    except (TransitionRefused, CaseConflict) as exc:
        return _refused(request, case, actor, form, exc)
    messages.success(request, _("Done: %(step)s.") % {"step": chosen.label})
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return _after_step(request, case, actor)


def _refused(
    request: HttpRequest,
    case: Case,
    actor: Actor,
    form: StepForm,
    exc: TransitionRefused | CaseConflict,
) -> HttpResponse:
    """The page again with the reason beside the user's input. A step refused on a version
    that is no longer the case's was overtaken: the user is told so and sees the case as it
    is now, their input kept for the step if it is still theirs to take."""
    case.refresh_from_db()
    stale = form.cleaned_data["version"] != case.version
    if stale:
        form.add_error(None, _("Someone else changed the case first: look at it again."))
        data = cast(QueryDict, form.data).copy()
        data[form.add_prefix("version")] = str(case.version)
        form.data = data
    elif isinstance(exc, TransitionRefused):
        form.add_error(None, exc.reason)
    return _render(request, case, actor, failed=form, status=409 if stale else 400)


def _after_step(request: HttpRequest, case: Case, actor: Actor) -> HttpResponse:
    """Back to the case, or to the inbox when the step took it out of the user's hands (a
    department that returned a wrong dispatch no longer sees the case)."""
    case.refresh_from_db()
    if case_visible_to(case, actor):
        return redirect("web:case", number=case.number)
    return redirect("web:inbox")


def _action_form(
    case: Case, actor: Actor, action: Action, data: Any = None, files: Any = None
) -> CaseActionForm:
    initial: dict[str, Any] = {"version": case.version}
    if action == Action.DISPATCH:
        initial["department"] = _routed(case)
    return CaseActionForm(
        data,
        files,
        action=action,
        departments=departments_serving(case.grid),
        cases=cases_visible(actor).exclude(pk=case.pk),
        initial=initial,
    )


def _routed(case: Case) -> Organisation | None:
    """The department the responsibility table names, offered first to the dispatcher."""
    try:
        return case_route(case).department
    except TransitionRefused:
        return None


def remark_form(
    case: Case,
    actor: Actor,
    remark: Remark,
    call: WhistleCall | None = None,
    data: Any = None,
) -> CaseRemarkForm:
    """The form of a remark on ``case`` (of a whistle ``call``, for answers and ratings), bound
    to ``data`` when given; an answer offers to be on site within half an hour."""
    initial: dict[str, Any] = {"version": case.version}
    if call is not None:
        initial["call"] = call
    if remark == Remark.RESPOND:
        arrival = timezone.localtime() + ARRIVAL_OFFER
        initial["arrive_by"] = arrival.replace(second=0, microsecond=0)
    return CaseRemarkForm(
        data,
        remark=remark,
        departments=departments_serving(case.grid),
        calls=WhistleCall.objects.filter(whistle__case=case),
        initial=initial,
    )


def _steps(case: Case, actor: Actor, calls: list[WhistleCall]) -> list[Step]:
    """The forms of the steps the actor may take now: the workflow's, then the remarks."""
    steps = []
    for action in allowed_actions(case_facts(case, actor)):
        style = "danger" if action in BACKWARD else "secondary" if action in ASIDE else ""
        url = reverse("web:case-act", args=[case.number, action.value])
        steps.append(Step(_action_form(case, actor, action), url, action.label, style))
    status = case.workflow_status

    def may(remark: Remark) -> bool:
        try:
            plan_remark(remark, status, actor.roles)
        except TransitionRefused:
            return False
        return True

    def remark_step(remark: Remark, call: WhistleCall | None = None) -> Step:
        url = reverse("web:case-remark", args=[case.number, remark.value])
        label = remark.label
        if call is not None:
            label = f"{label}: {call.department.name}"
        return Step(remark_form(case, actor, remark, call), url, label, "secondary")

    for remark in (Remark.WHISTLE, Remark.ESCALATE, Remark.SUPERVISE, Remark.CONSULT):
        if may(remark) and not (
            remark == Remark.ESCALATE and case.escalation_level >= TOP_ESCALATION
        ):
            steps.append(remark_step(remark))
    if may(Remark.RESPOND):
        mine = actor.organisation_ids
        for call in calls:
            if call.department_id in mine and call.responded_at is None:
                steps.append(remark_step(Remark.RESPOND, call))
    if may(Remark.RATE):
        steps.extend(remark_step(Remark.RATE, call) for call in calls if call.rating is None)
    return steps


def _with_failed(steps: list[Step], failed: StepForm | None) -> list[Step]:
    """The steps, the one whose form failed showing what the user typed and why not."""
    if failed is None:
        return steps
    for step in steps:
        if step.form.key == failed.key:
            step.form = failed
    return steps


def _render(
    request: HttpRequest,
    case: Case,
    actor: Actor,
    *,
    failed: StepForm | None = None,
    status: int = 200,
) -> HttpResponse:
    whistles = list(
        Whistle.objects.filter(case=case)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "calls",
                queryset=WhistleCall.objects.select_related("department").order_by("pk"),
            )
        )
        .order_by("blown_at")
    )
    calls = [call for whistle in whistles for call in whistle.calls.all()]
    steps = _with_failed(_steps(case, actor, calls), failed)
    photos = list(CasePhoto.objects.filter(case=case).select_related("event"))
    now = timezone.now()
    context = {
        "case": case,
        "steps": steps,
        # A step that is no longer the user's to take still says why, with what they typed.
        "lost": failed if failed and all(s.form is not failed for s in steps) else None,
        "photos": [_photo(case, photo) for photo in photos],
        "timeline": _timeline(case, actor, photos),
        "whistles": whistles,
        "reporter": reporter_visible(case, actor),
        "clocks": _clocks(case),
        "running": case.light != "none" and case.clock_due is not None,
        "overdue": case.clock_due is not None and case.clock_due <= now,
        "map": {"lng": case.lng, "lat": case.lat, "grid": case.grid.geometry},
    }
    return render(request, "web/case.html", context, status=status)


def _photo(case: Case, photo: CasePhoto) -> dict[str, Any]:
    url = reverse("api:case-photo", args=[case.number, photo.pk])
    label = EVENT_LABELS.get(photo.event.action, photo.event.action)
    return {
        "url": url,
        "thumbnail": f"{url}?size=thumbnail",
        "alt": _("Photo brought with: %(step)s") % {"step": label},
        "event_id": photo.event_id,
    }


def _clocks(case: Case) -> list[tuple[str, datetime.datetime, datetime.datetime | None]]:
    """Each deadline of the case with the time it was met, if it was."""
    clocks = (
        (_("On site by"), case.on_site_by, case.on_site_at),
        (_("First result by"), case.first_result_by, case.handled_at),
        (_("Due by"), case.due_by, case.closed_at),
    )
    return [(label, deadline, met) for label, deadline, met in clocks if deadline is not None]


def _timeline(case: Case, actor: Actor, photos: list[CasePhoto]) -> list[Entry]:
    events = list(case.events.select_related("actor__person", "organisation").order_by("sequence"))
    names = _organisation_names(event.data for event in events)
    show_reporter = reporter_visible(case, actor)
    entries = []
    for event in events:
        entries.append(
            Entry(
                event=event,
                label=str(EVENT_LABELS.get(event.action, event.action)),
                who=_who(event, show_reporter),
                details=_details(event, names),
                photos=[_photo(case, p) for p in photos if p.event_id == event.pk],
            )
        )
    return entries


def _who(event: CaseEvent, show_reporter: bool) -> str:
    # Who reported is the reporter's to share: departments see the report without a name.
    if event.action == "report" and not (show_reporter and event.actor):
        return _("Reporter")
    if event.actor is not None:
        person = getattr(event.actor, "person", None)
        name = person.name if person else event.actor.get_username()
        return f"{name} · {event.organisation.name}" if event.organisation else name
    if event.action == Remark.RATE:
        return _("Anonymous")
    return _("The system")


def _organisation_names(data: Iterable[dict[str, Any]]) -> dict[int, str]:
    ids: set[int] = set()
    for one in data:
        if isinstance(one.get("department"), int):
            ids.add(one["department"])
        for key in ("departments", "participants"):
            ids.update(pk for pk in one.get(key) or () if isinstance(pk, int))
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))


def _when(value: str) -> str:
    moment = parse_datetime(value)
    if moment is None:
        return value
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def _details(event: CaseEvent, names: dict[int, str]) -> list[str]:
    """What the event's data says, in words."""
    data = event.data
    details = []
    if isinstance(data.get("department"), int):
        details.append(_("Department: %(name)s") % {"name": names.get(data["department"], "?")})
    if data.get("departments"):
        summoned = str(SEPARATOR).join(names.get(pk, "?") for pk in data["departments"])
        details.append(_("Summoned: %(names)s") % {"names": summoned})
    if data.get("participants"):
        present = str(SEPARATOR).join(names.get(pk, "?") for pk in data["participants"])
        details.append(_("Took part: %(names)s") % {"names": present})
    if data.get("fallback"):
        details.append(_("Sent to the fallback owner"))
    if data.get("duplicate_of"):
        details.append(_("Duplicate of %(number)s") % {"number": data["duplicate_of"]})
    if data.get("rating") is not None:
        details.append(_("Rating: %(rating)s / 5") % {"rating": data["rating"]})
    if data.get("arrive_by"):
        details.append(_("On site by %(time)s") % {"time": _when(data["arrive_by"])})
    if data.get("late"):
        details.append(_("Answered late"))
    if data.get("respond_by"):
        details.append(_("Answer by %(time)s") % {"time": _when(data["respond_by"])})
    if data.get("due_by"):
        details.append(_("Due by %(time)s") % {"time": _when(data["due_by"])})
    if data.get("escalation_level"):
        details.append(_("Escalation level %(level)s") % {"level": data["escalation_level"]})
    return details
