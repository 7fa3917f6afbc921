"""The inbox: the work waiting for the user, in sections by what their roles have them do. A
department sees what was dispatched to it, what came back for rework and the whistles it must
answer; a grid its self-governance, its escalations and the departments it summoned, to rate;
a verifier the handled cases to check; a centre the reports to register and dispatch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wangge.cases.models import Case, WhistleCall
from wangge.cases.selectors import (
    Queue,
    whistle_calls_to_answer,
    whistle_calls_to_rate,
    work_queues,
)
from wangge.cases.services import Actor, actor_for
from wangge.cases.workflow import Remark
from wangge.web.cases import Step, remark_form

# Rows shown per section; the count above says how many there are in all.
LIMIT = 50
ANSWER = "answer"
RATE = "rate"
# Titles and hints, in the order the sections appear: what to do now before what to follow.
SECTIONS: dict[str, tuple[Promise, Promise]] = {
    Queue.TO_ACCEPT: (_("To accept"), _("Dispatched to your department: accept or return.")),
    Queue.REWORK: (_("Rework"), _("The verifier sent these back: handle them again.")),
    Queue.IN_HANDLING: (_("In handling"), _("Accepted: report the result when done.")),
    ANSWER: (_("Whistles to answer"), _("A grid summoned your department: say when you come.")),
    Queue.SELF_GOVERNANCE: (
        _("Self-governance"),
        _("The grid settles these first, or hands them to enforcement."),
    ),
    Queue.ESCALATED: (_("Escalated"), _("Overdue or escalated cases in your grids.")),
    RATE: (_("Departments to rate"), _("Cases you blew the whistle on are closed: rate.")),
    Queue.TO_VERIFY: (_("To verify"), _("Handled by someone else: check and close, or rework.")),
    Queue.TO_REGISTER: (_("To register"), _("New reports: register, reject or merge.")),
    Queue.TO_DISPATCH: (_("To dispatch"), _("Registered: send to a department.")),
    Queue.RETURNED: (_("Returned"), _("A department returned these: dispatch again.")),
}


@dataclass
class Section:
    key: str
    title: Promise
    hint: Promise
    count: int
    cases: list[Case] = field(default_factory=list)
    calls: list[tuple[WhistleCall, Step]] = field(default_factory=list)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    found: dict[str, Section] = {}
    for queue, cases in work_queues(actor).items():
        rows = list(_rows(cases))
        found[queue] = Section(queue, *SECTIONS[queue], _count(cases, rows), cases=rows)
    for key, calls, remark in (
        (ANSWER, whistle_calls_to_answer(actor), Remark.RESPOND),
        (RATE, whistle_calls_to_rate(actor), Remark.RATE),
    ):
        if calls.query.is_empty():
            continue
        chosen = list(
            calls.select_related(
                "department", "whistle__case__category", "whistle__case__grid"
            ).defer("whistle__case__grid__geometry")[:LIMIT]
        )
        found[key] = Section(
            key,
            *SECTIONS[key],
            _count(calls, chosen),
            calls=[(call, _inline(actor, call, remark)) for call in chosen],
        )
    sections = [found[key] for key in SECTIONS if key in found]
    context = {"sections": sections, "has_roles": bool(actor.roles), "limit": LIMIT}
    return render(request, "web/inbox.html", context)


def _rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("category", "grid", "holder").defer("grid__geometry")[:LIMIT]


def _count(queryset: QuerySet[Case] | QuerySet[WhistleCall], rows: Sequence[object]) -> int:
    # A short section counts itself; only a full one asks the database for the rest.
    return len(rows) if len(rows) < LIMIT else queryset.count()


def _inline(actor: Actor, call: WhistleCall, remark: Remark) -> Step:
    """One click from the inbox (一键响应, 一键评价): the form posts to the case and comes back."""
    case = call.whistle.case
    url = reverse("web:case-remark", args=[case.number, remark.value])
    form = remark_form(case, actor, remark, call)
    return Step(form, url, remark.label, next=reverse("web:inbox"))
