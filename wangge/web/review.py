"""The quality review's pages: the rounds of a centre, the new-round form, a rater's queue and
rating form, and the round page with its sample, agreement and results. The rules are in
``wangge.metrics.review``; this module only translates between them and the pages."""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.cases.models import CasePhoto
from wangge.cases.services import Actor, actor_for
from wangge.grids.choices import GridLevel
from wangge.grids.models import Grid
from wangge.metrics.models.review import Criterion, Grade, QuotaBy, ReviewAssignment, ReviewRound
from wangge.metrics.review import (
    MAX_RATERS,
    REVIEW_READERS,
    ReviewResult,
    SampleSpec,
    case_outcomes,
    may_run,
    rater_name,
    rater_queue,
    results_of,
    review_centre_of,
    review_decide,
    review_rate,
    review_reassign,
    review_round_close,
    review_round_open,
    round_agreement,
    rounds_visible,
)
from wangge.people.scope import scope_today
from wangge.web.cases import EVENT_LABELS

NOT_APPLICABLE = "na"
GRADE_CHOICES = [(str(g.value), g.label) for g in reversed(Grade)] + [
    (NOT_APPLICABLE, gettext_lazy("Not applicable"))
]


def _date_input() -> forms.DateInput:
    # ISO dates whatever the language: a date input shows nothing in a localised format.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _grade(value: str) -> int | None:
    return None if value == NOT_APPLICABLE else int(value)


class RoundForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100, required=False)
    grid = forms.ModelChoiceField(label=gettext_lazy("Area"), queryset=Grid.objects.none())
    start = forms.DateField(label=gettext_lazy("Cases closed from"), widget=_date_input())
    end = forms.DateField(label=gettext_lazy("Cases closed until"), widget=_date_input())
    random_size = forms.IntegerField(
        label=gettext_lazy("Random sample: number of cases"), min_value=1, required=False
    )
    random_percent = forms.DecimalField(
        label=gettext_lazy("or: percent of the closed cases"),
        min_value=Decimal("0.1"),
        max_value=Decimal(100),
        decimal_places=1,
        required=False,
    )
    quota_by = forms.ChoiceField(
        label=gettext_lazy("Quota by"), choices=QuotaBy.choices, required=False
    )
    quota_min = forms.IntegerField(
        label=gettext_lazy("At least, per group"), min_value=0, max_value=100, required=False
    )
    all_red = forms.BooleanField(label=gettext_lazy("Every case that went red"), required=False)
    all_reworked = forms.BooleanField(label=gettext_lazy("Every reworked case"), required=False)
    raters_per_case = forms.IntegerField(
        label=gettext_lazy("Raters per case"), min_value=2, max_value=MAX_RATERS, initial=2
    )
    seed = forms.IntegerField(
        label=gettext_lazy("Seed (empty: a new one; the same seed draws the same sample)"),
        min_value=0,
        max_value=2**62,
        required=False,
    )

    def __init__(self, *args: Any, area: Grid, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["grid"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = area.descendants(include_self=True).filter(level__lte=GridLevel.UNIT)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period ends before it starts."))
        if end and end > scope_today():
            self.add_error("end", _("The period cannot end after today."))
        return cleaned

    def spec(self, seed: int) -> SampleSpec:
        data = self.cleaned_data
        percent = data.get("random_percent")
        return SampleSpec(
            seed=data["seed"] if data.get("seed") is not None else seed,
            size=data.get("random_size"),
            share=percent / 100 if percent else None,
            quota_by=data.get("quota_by") or "",
            quota_min=data.get("quota_min") or 0,
            all_red=data.get("all_red", False),
            all_reworked=data.get("all_reworked", False),
        )


class RateForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in Criterion:
            self.fields[criterion.value] = forms.ChoiceField(
                label=criterion.label,
                choices=GRADE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": _("Grade this or mark it not applicable.")},
            )

    def grades(self) -> dict[str, int | None]:
        return {c: _grade(self.cleaned_data[c]) for c in Criterion.values}

    def criterion_fields(self) -> list[forms.BoundField]:
        return [self[c] for c in Criterion.values]


class DecideForm(forms.Form):
    criterion = forms.ChoiceField(choices=Criterion.choices, widget=forms.HiddenInput)
    grade = forms.ChoiceField(label=gettext_lazy("Decision"), choices=GRADE_CHOICES)
    note = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=2000)


def _may_read(actor: Actor) -> bool:
    return actor.scope.everything or bool(actor.roles & REVIEW_READERS)


def _refused(request: HttpRequest, message: str, status: int = 403) -> HttpResponse:
    return render(request, "web/review.html", {"refused": message}, status=status)


@login_required
def review_home(request: HttpRequest) -> HttpResponse:
    """The rounds over the user's area, and the way to their own queue."""
    actor = actor_for(request.user)
    queue = rater_queue(request.user)
    waiting = queue.filter(submitted_at__isnull=True).count()
    if not _may_read(actor):
        if queue.exists():
            return redirect("web:review-queue")
        return _refused(request, _("The quality review is for the centres and their raters."))
    rounds = rounds_visible(actor).annotate(
        cases=Count("samples", distinct=True),
        due=Count("samples__assignments", distinct=True),
        done=Count(
            "samples__assignments",
            filter=Q(samples__assignments__submitted_at__isnull=False),
            distinct=True,
        ),
    )
    context = {
        "rounds": rounds,
        "may_open": review_centre_of(actor) is not None,
        "waiting": waiting,
        "has_queue": queue.exists(),
    }
    return render(request, "web/review.html", context)


@login_required
def review_new(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    centre = review_centre_of(actor)
    if centre is None:
        return _refused(request, _("Only the desk of an operations centre opens review rounds."))
    today = scope_today()
    first = today.replace(day=1)
    last_month_end = first - datetime.timedelta(days=1)
    initial = {
        "grid": centre.jurisdiction,
        "start": last_month_end.replace(day=1),
        "end": last_month_end,
        "raters_per_case": 2,
        "random_percent": 5,
    }
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        area=centre.jurisdiction,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review_round = review_round_open(
                actor=actor,
                grid=data["grid"],
                title=data["title"],
                start=data["start"],
                end=data["end"],
                spec=form.spec(seed=secrets.randbits(48)),
                raters_per_case=data["raters_per_case"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("web:review-round", review_round.pk)
    status = 400 if form.is_bound else 200
    return render(request, "web/review_new.html", {"form": form, "centre": centre}, status=status)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                form.add_error(name if name in form.fields else None, item)
    else:
        form.add_error(None, error)


@login_required
def review_round_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    if not _may_read(actor):
        return _refused(request, _("The quality review is for the centres and their raters."))
    review_round = get_object_or_404(rounds_visible(actor), pk=pk)
    return _round_page(request, actor, review_round)


def _round_page(
    request: HttpRequest,
    actor: Actor,
    review_round: ReviewRound,
    failed: tuple[int, DecideForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    samples = review_round.samples.select_related("case__category", "case__grid", "department")
    context: dict[str, Any] = {
        "round": review_round,
        "may_run": may_run(actor, review_round),
        "criteria": Criterion.choices,
    }
    if review_round.is_open:
        # Blind: while the round is open even its owner sees who has rated, not how.
        waiting: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for assignment in ReviewAssignment.objects.filter(
            sample__round=review_round, submitted_at__isnull=True
        ).select_related("rater__person"):
            waiting[assignment.sample_id].append((assignment.pk, rater_name(assignment.rater)))
        progress = list(
            samples.annotate(
                due=Count("assignments"),
                done=Count("assignments", filter=Q(assignments__submitted_at__isnull=False)),
            )
        )
        context["progress"] = [(sample, waiting[sample.pk]) for sample in progress]
        context["missing"] = sum(len(names) for names in waiting.values())
        return render(request, "web/review_round.html", context, status=status)
    outcomes = case_outcomes(samples)
    disputes = []
    for outcome in outcomes:
        for criterion in outcome.disagreements():
            form = DecideForm(
                initial={
                    "criterion": criterion,
                    "grade": _grade_value(outcome.grades[criterion]),
                }
            )
            # The decision that was refused comes back with what the owner typed.
            if failed and (failed[0], failed[1]["criterion"].value()) == (
                outcome.sample.pk,
                criterion,
            ):
                form = failed[1]
            disputes.append(
                {
                    "outcome": outcome,
                    "criterion": criterion,
                    "label": Criterion(criterion).label,
                    "answers": [(r.rater, r.grades[criterion]) for r in outcome.ratings],
                    "decided": criterion in outcome.decisions,
                    "form": form,
                }
            )
    results = results_of(outcomes)
    agreement = round_agreement(outcomes)
    labels = dict(Grade.choices)
    context.update(
        rows=[
            {
                "sample": o.sample,
                "raters": len(o.ratings),
                "cells": [
                    (_grade_label(labels, o.grades[c]) if o.rated else "", c in o.disputed)
                    for c in Criterion.values
                ],
                "passed": o.passed,
                "score": o.score,
                "rated": o.rated,
            }
            for o in outcomes
        ],
        agreement=[(Criterion(c).label, a) for c, a in agreement.by_criterion.items()],
        overall=agreement.overall,
        disputes=disputes,
        total=_result_row(_("All sampled cases"), results.total),
        by_grid=[_result_row(g.name, r) for g, r in results.by_grid.items()],
        by_department=[_result_row(d.name, r) for d, r in results.by_department.items()],
        grade_labels=labels,
    )
    return render(request, "web/review_round.html", context, status=status)


def _result_row(name: str, result: ReviewResult) -> dict[str, Any]:
    return {
        "name": name,
        "result": result,
        "failures": [result.failures[c] for c in Criterion.values],
    }


def _grade_label(labels: dict[int, Any], grade: int | None) -> str:
    return "—" if grade is None else str(labels[grade])


def _grade_value(grade: int | None) -> str:
    return NOT_APPLICABLE if grade is None else str(grade)


@login_required
@require_POST
def review_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_for(request.user)
    review_round = get_object_or_404(rounds_visible(actor), pk=pk)
    try:
        review_round_close(actor=actor, review_round=review_round)
    except ValidationError as error:
        return _refused(request, " ".join(error.messages), status=403)
    return redirect("web:review-round", review_round.pk)


@login_required
@require_POST
def review_reassign_view(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    actor = actor_for(request.user)
    review_round = get_object_or_404(rounds_visible(actor), pk=pk)
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("rater__person", "sample__case"),
        pk=assignment_id,
        sample__round=review_round,
    )
    before = rater_name(assignment.rater)
    try:
        assignment = review_reassign(actor=actor, assignment=assignment)
    except ValidationError as error:
        status = 403 if error.code == "not_owner" else 400
        return _refused(request, " ".join(error.messages), status=status)
    messages.success(
        request,
        _("%(case)s: %(after)s rates it in place of %(before)s.")
        % {
            "case": assignment.sample.case.number,
            "after": rater_name(assignment.rater),
            "before": before,
        },
    )
    return redirect(reverse("web:review-round", args=[review_round.pk]) + "#sample")


@login_required
@require_POST
def review_decide_view(request: HttpRequest, pk: int, sample_id: int) -> HttpResponse:
    actor = actor_for(request.user)
    review_round = get_object_or_404(rounds_visible(actor), pk=pk)
    sample = get_object_or_404(review_round.samples, pk=sample_id)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            review_decide(
                actor=actor,
                sample=sample,
                criterion=form.cleaned_data["criterion"],
                grade=_grade(form.cleaned_data["grade"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            if error.code == "not_owner":
                return _refused(request, " ".join(error.messages))
            _add_errors(form, error)
        else:
            return redirect(reverse("web:review-round", args=[review_round.pk]) + "#disputes")
    return _round_page(request, actor, review_round, failed=(sample.pk, form), status=400)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    assignments = rater_queue(request.user)
    return render(request, "web/review_queue.html", {"assignments": assignments})


def _assignment(request: HttpRequest, pk: int) -> ReviewAssignment:
    # Only the rater's own, and only while the round is open: a closed round is not rated.
    return get_object_or_404(rater_queue(request.user), pk=pk)


@login_required
def review_rate_view(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    own = {c: _grade_value(g) for c, g in assignment.scores.values_list("criterion", "grade")}
    initial: dict[str, Any] = {"note": assignment.note}
    if assignment.submitted_at:
        initial.update({c: own.get(c, NOT_APPLICABLE) for c in Criterion.values})
    form = RateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review_rate(
                user=request.user,
                assignment=assignment,
                grades=form.grades(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            following = rater_queue(request.user).filter(submitted_at__isnull=True).first()
            if following is not None:
                return redirect("web:review-rate", following.pk)
            return redirect("web:review-queue")
    case = assignment.sample.case
    events = case.events.select_related("organisation").order_by("sequence")
    photos = CasePhoto.objects.filter(case=case).select_related("event")
    context = {
        "assignment": assignment,
        "case": case,
        "form": form,
        "timeline": [
            {
                "event": event,
                "label": EVENT_LABELS.get(event.action, event.action),
                "photos": [p for p in photos if p.event_id == event.pk],
            }
            for event in events
        ],
    }
    status = 400 if form.is_bound else 200
    return render(request, "web/review_rate.html", context, status=status)


@login_required
def review_photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    """A photo of a case in the rater's queue: raters from other grids may not see the case
    page, yet must compare the closure photo with the report."""
    assignment = _assignment(request, pk)
    photo = CasePhoto.objects.filter(case_id=assignment.sample.case_id, pk=photo_id).first()
    if photo is None:
        raise Http404
    image = photo.thumbnail if request.GET.get("size") == "thumbnail" and photo.thumbnail else None
    return FileResponse((image or photo.image).open("rb"), content_type="image/jpeg")
