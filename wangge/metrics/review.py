"""The quality review of closed cases: rounds, samples, raters, agreement and results.

The seed is Minhang's task table (attachment 001, 建立质量考评制度): "通过随机抽样、定量抽取、
分组互评、多人评分的方法，对前端管理、群众投诉案件进行多维度测评", led by the district centre,
beside the performance evaluation that stresses 先行发现率, 按时办结率, 实际解决率 and 群众满意率
(000). Read here as:

* 随机抽样 — a random sample of the cases closed in a round's area and period: ``n`` cases or a
  share of them, drawn with a stored seed, so the same seed over the same cases draws the same
  sample.
* 定量抽取 — quota samples: at least ``k`` cases of each town, unit grid, department or category
  main class, and, if asked, every case that went red or was reworked.
* 分组互评 — raters are the inspectors and supervisors of the centre's territory (not of the
  departments), never anyone who took a step on the case (reporter, handler, verifier…); those
  whose own grids do not hold the case come first, so grids review each other.
* 多人评分 — several raters per case, each grading every criterion (:class:`Criterion`) on an
  ordinal scale (:class:`Grade`) with a note, blind to each other until the round closes.

Agreement between raters is Krippendorff's alpha with the ordinal metric (the ``krippendorff``
package), per criterion (the units are the sampled cases) and overall (the units are the
case × criterion pairs). Alpha needs at least two pairable grades and some variation among them;
otherwise it is not defined and reported as ``None`` with the reason.

A case's grade on a criterion is the round owner's decision if there is one; otherwise the grade
the raters agree on; where they disagree, the lower median of their grades (the cautious reading),
and the case counts as *disputed* until the owner decides. A case *passes* when no criterion is
graded "fails"; its *score* is the mean of its applicable grades over the best grade, in percent.

:func:`review_results` is what the evaluation and ranking code reads. It returns
:class:`ReviewResults`:

* ``by_grid`` — ``{Grid: ReviewResult}``; given a list of grids, one entry per grid counting the
  reviewed cases in its subtree (grids with none are present, with ``reviewed == 0``); given an
  ``AccessScope``, one entry per unit grid (or the case's own grid, if it lies above the units)
  holding reviewed cases in the scope.
* ``by_department`` — ``{Organisation: ReviewResult}`` for the departments the counted cases were
  last dispatched to.
* ``total`` — all counted cases together.

Each :class:`ReviewResult` has ``reviewed`` (cases with at least one submitted rating),
``passed``, ``pass_rate`` (0–1, ``None`` without cases), ``score`` (0–100, ``None`` without
cases), ``failures`` (``{Criterion: cases graded "fails" on it}``) and ``disputed`` (cases still
waiting for a decision). Only closed rounds count, and a case counts in the period of its closure
date (Shanghai days, both ends included).
"""

from __future__ import annotations

import datetime
import math
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import krippendorff
import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.cases.models import Case, CaseEvent
from wangge.cases.selectors import day_start
from wangge.cases.services import Actor
from wangge.cases.workflow import CENTRE, DISTRICT_LEADS, Action, Status
from wangge.grids.choices import GridLevel
from wangge.grids.models import PATH_SEPARATOR, Grid
from wangge.metrics.models.review import (
    Criterion,
    Grade,
    ReviewAssignment,
    ReviewDecision,
    ReviewRound,
    ReviewSample,
    ReviewScore,
)
from wangge.people.choices import OrganisationKind, Role
from wangge.people.models import Organisation, RoleAssignment
from wangge.people.roles import LINE_KINDS
from wangge.people.scope import AccessScope, current_roles_q

CENTRE_KINDS = frozenset({OrganisationKind.DISTRICT_CENTRE, OrganisationKind.TOWN_CENTRE})
RATER_ROLES = frozenset({Role.INSPECTOR, Role.SUPERVISOR})
REVIEW_READERS = DISTRICT_LEADS | {Role.TOWN_CHIEF}
"""Who reads rounds and their results in their scope: the centres, leaders and town chiefs."""
GRADES = [grade.value for grade in Grade]
BEST = max(GRADES)
CLOSED_STATUSES = (Status.CLOSED.value, Status.EVALUATED.value)
MAX_RATERS = 5


# Drawing the sample.


@dataclass(frozen=True)
class Candidate:
    """What the drawing needs to know of a closed case in the round's area and period."""

    case_id: int
    town: str = ""
    unit: str = ""
    department: str = ""
    category: str = ""
    red: bool = False
    reworked: bool = False

    def group(self, by: str) -> str:
        return str(getattr(self, by)) if by else ""


@dataclass(frozen=True)
class SampleSpec:
    """How a round draws: a random part (``size`` cases, or ``share`` of the candidates), quotas
    (at least ``quota_min`` per ``quota_by`` group) and the cases drawn in full."""

    seed: int
    size: int | None = None
    share: Decimal | None = None
    quota_by: str = ""
    quota_min: int = 0
    all_red: bool = False
    all_reworked: bool = False

    @property
    def draws_anything(self) -> bool:
        quota = bool(self.quota_by and self.quota_min)
        return bool(self.size or self.share or quota or self.all_red or self.all_reworked)


@dataclass(frozen=True)
class Drawn:
    case_id: int
    reason: str
    group: str = ""


def draw_sample(candidates: Sequence[Candidate], spec: SampleSpec) -> list[Drawn]:
    """The sample: first the cases drawn in full (red, reworked), then each quota group topped
    up to its minimum (cases already drawn count towards it), then the random part from the
    rest. Deterministic for the same candidates and seed, whatever order they come in."""
    rng = random.Random(spec.seed)
    ordered = sorted(candidates, key=lambda c: c.case_id)
    drawn: dict[int, Drawn] = {}
    for candidate in ordered:
        if spec.all_red and candidate.red:
            drawn[candidate.case_id] = Drawn(candidate.case_id, ReviewSample.Reason.RED)
        elif spec.all_reworked and candidate.reworked:
            drawn[candidate.case_id] = Drawn(candidate.case_id, ReviewSample.Reason.REWORKED)
    if spec.quota_by and spec.quota_min:
        groups: dict[str, list[Candidate]] = defaultdict(list)
        for candidate in ordered:
            key = candidate.group(spec.quota_by)
            if key:
                groups[key].append(candidate)
        for key in sorted(groups):
            members = groups[key]
            have = sum(1 for c in members if c.case_id in drawn)
            free = [c.case_id for c in members if c.case_id not in drawn]
            for case_id in rng.sample(free, max(0, min(spec.quota_min - have, len(free)))):
                drawn[case_id] = Drawn(case_id, ReviewSample.Reason.QUOTA, key)
    wanted = spec.size or 0
    if spec.share:
        wanted = max(wanted, math.ceil(spec.share * len(ordered)))
    rest = [c.case_id for c in ordered if c.case_id not in drawn]
    for case_id in rng.sample(rest, min(wanted, len(rest))):
        drawn[case_id] = Drawn(case_id, ReviewSample.Reason.RANDOM)
    return list(drawn.values())


def review_candidates(*, grid: Grid, start: datetime.date, end: datetime.date) -> QuerySet[Case]:
    """The cases a round over ``grid`` and the period may draw: closed (or closed and evaluated)
    on a day of the period, in the grid's subtree, not a merged duplicate, and in no round yet."""
    return Case.objects.filter(
        status__in=CLOSED_STATUSES,
        closed_at__gte=day_start(start),
        closed_at__lt=day_start(end + datetime.timedelta(days=1)),
        grid__path__startswith=grid.path,
        duplicate_of__isnull=True,
        review__isnull=True,
    )


def _ancestor_paths(path: str) -> list[str]:
    """ "a/b/c/" → ["a/", "a/b/", "a/b/c/"]: the grid's own path and its ancestors'."""
    codes = path.rstrip(PATH_SEPARATOR).split(PATH_SEPARATOR)
    return [PATH_SEPARATOR.join(codes[: i + 1]) + PATH_SEPARATOR for i in range(len(codes))]


def _grids_at(scope: Grid, level: int) -> dict[str, Grid]:
    return {
        g.path: g for g in Grid.objects.filter(path__startswith=scope.path, level=level).order_by()
    }


def _last_dispatches(cases: QuerySet[Case]) -> dict[int, int]:
    """Each case's department: the one it was last dispatched to."""
    last: dict[int, int] = {}
    rows = (
        CaseEvent.objects.filter(case__in=cases, action=Action.DISPATCH.value)
        .order_by("case_id", "sequence")
        .values_list("case_id", "data")
    )
    for case_id, data in rows:
        if data.get("department"):
            last[case_id] = data["department"]
    return last


def _candidates(cases: QuerySet[Case], scope: Grid) -> list[Candidate]:
    towns = _grids_at(scope, GridLevel.TOWN)
    units = _grids_at(scope, GridLevel.UNIT)
    departments = _last_dispatches(cases)
    names = dict(
        Organisation.objects.filter(pk__in=set(departments.values())).values_list("pk", "name")
    )
    marked: dict[int, set[str]] = defaultdict(set)
    for case_id, action in CaseEvent.objects.filter(
        case__in=cases, action__in=["red_light", Action.REWORK.value]
    ).values_list("case_id", "action"):
        marked[case_id].add(action)
    result = []
    for case_id, path, sub, main in cases.values_list(
        "pk", "grid__path", "category__name", "category__parent__name"
    ):
        paths = _ancestor_paths(path)
        town = next((towns[p].name for p in paths if p in towns), "")
        unit = next((units[p].name for p in paths if p in units), "")
        department = departments.get(case_id)
        result.append(
            Candidate(
                case_id=case_id,
                town=town,
                unit=unit,
                department=names.get(department, "") if department else "",
                category=main or sub,
                red="red_light" in marked[case_id],
                reworked=Action.REWORK.value in marked[case_id],
            )
        )
    return result


# Assigning raters.


@dataclass(frozen=True)
class Rater:
    """A possible rater: a user, and the grids their roles reach (their own patch)."""

    user_id: int
    name: str
    grid_paths: frozenset[str]


def rater_pool(centre: Organisation) -> list[Rater]:
    """The inspectors and supervisors of the centre's territory with a login and a current role:
    people of the centres, workstations, committees and joint teams under it, not of the
    departments, whose own work the review judges."""
    rows = (
        RoleAssignment.objects.filter(
            current_roles_q(),
            role__in=RATER_ROLES,
            person__is_active=True,
            person__user__is_active=True,
            person__organisation__is_active=True,
            person__organisation__jurisdiction__path__startswith=centre.jurisdiction.path,
        )
        .exclude(person__organisation__kind__in=LINE_KINDS)
        .order_by("person__user_id")
        .values_list(
            "person__user_id",
            "person__name",
            "grid__path",
            "person__organisation__jurisdiction__path",
        )
    )
    reach: dict[int, set[str]] = defaultdict(set)
    named: dict[int, str] = {}
    for user_id, name, grid_path, jurisdiction_path in rows:
        named[user_id] = name
        reach[user_id].add(grid_path or jurisdiction_path)
    return [Rater(user_id, named[user_id], frozenset(reach[user_id])) for user_id in named]


def rater_name(user: Any) -> str:
    """How a rater is named on the round's pages: their name, or their login if they are no
    one's account."""
    person = getattr(user, "person", None)
    return str(person.name) if person else str(user.get_username())


def case_participants(cases: QuerySet[Case]) -> dict[int, set[int]]:
    """Who took a step on each case (reported, registered, dispatched, handled, verified, rated
    it…): none of them may review it."""
    took: dict[int, set[int]] = defaultdict(set)
    for case_id, actor_id in CaseEvent.objects.filter(
        case__in=cases, actor__isnull=False
    ).values_list("case_id", "actor_id"):
        took[case_id].add(actor_id)
    for case_id, handler_id, reporter_id in cases.values_list("pk", "handler_id", "reporter_id"):
        took[case_id].update(i for i in (handler_id, reporter_id) if i)
    return took


def assign_raters(
    samples: Sequence[tuple[int, str]],
    pool: Sequence[Rater],
    excluded: Mapping[int, set[int]],
    *,
    per_case: int,
    seed: int,
    loaded: Mapping[int, int] | None = None,
) -> tuple[dict[int, list[int]], list[int]]:
    """Raters for each ``(case_id, grid_path)``: ``per_case`` of the pool, none of them in
    ``excluded[case_id]``; those whose own grids do not hold the case first, then the least
    loaded (counting the cases ``loaded`` gives each already), ties settled by the seed.
    Returns the choice and the cases short of raters."""
    rng = random.Random(seed)
    order = list(pool)
    rng.shuffle(order)
    load: Counter[int] = Counter(loaded or {})
    chosen: dict[int, list[int]] = {}
    short: list[int] = []
    for case_id, path in samples:
        eligible = [r for r in order if r.user_id not in excluded.get(case_id, set())]
        if len(eligible) < per_case:
            short.append(case_id)
            continue
        eligible.sort(
            key=lambda r: (any(path.startswith(own) for own in r.grid_paths), load[r.user_id])
        )
        picked = [r.user_id for r in eligible[:per_case]]
        load.update(picked)
        chosen[case_id] = picked
    return chosen, short


# Opening, rating, closing, deciding.


def review_centre_of(actor: Actor) -> Organisation | None:
    """The operations centre a person opens rounds for: their own, if they work at the desk of a
    district or town centre."""
    organisation = actor.organisation
    if organisation is None or organisation.kind not in CENTRE_KINDS:
        return None
    return organisation if actor.roles & CENTRE else None


def rounds_visible(actor: Actor) -> QuerySet[ReviewRound]:
    """The rounds over the actor's area, for the centres, leaders and town chiefs."""
    rounds = ReviewRound.objects.select_related("centre", "grid")
    if actor.scope.everything:
        return rounds
    if not actor.roles & REVIEW_READERS:
        return rounds.none()
    return rounds.filter(actor.scope.grid_q("grid"))


def may_run(actor: Actor, review_round: ReviewRound) -> bool:
    """Whether the actor runs the round (closes it, decides disputes): its centre's desk."""
    centre = review_centre_of(actor)
    return actor.scope.everything or (centre is not None and centre.pk == review_round.centre_id)


def _refuse(message: str, code: str, field_name: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field_name: [error]}) if field_name else error


@transaction.atomic
def review_round_open(
    *,
    actor: Actor,
    grid: Grid,
    title: str,
    start: datetime.date,
    end: datetime.date,
    spec: SampleSpec,
    raters_per_case: int = 2,
    now: datetime.datetime | None = None,
) -> ReviewRound:
    """Open a round: draw the sample and assign its raters, or refuse with the reason (a
    ValidationError; nothing written)."""
    centre = review_centre_of(actor)
    if centre is None:
        raise _refuse(_("Only the desk of an operations centre opens review rounds."), "no_centre")
    if not (grid.path.startswith(centre.jurisdiction.path) and actor.scope.can_see_grid(grid)):
        raise _refuse(_("This area is outside your centre's."), "out_of_scope", "grid")
    if end < start:
        raise _refuse(_("The period ends before it starts."), "order", "end")
    if not spec.draws_anything:
        raise _refuse(
            _("Say how to draw: a random sample, a quota, or the red or reworked cases."),
            "nothing_to_draw",
        )
    if not 2 <= raters_per_case <= MAX_RATERS:
        raise _refuse(
            _("Each case needs from 2 to %(most)d raters.") % {"most": MAX_RATERS},
            "raters",
            "raters_per_case",
        )
    cases = review_candidates(grid=grid, start=start, end=end)
    drawn = draw_sample(_candidates(cases, grid), spec)
    if not drawn:
        raise _refuse(_("No closed case in this area and period is left to review."), "empty")
    drawn_ids = [d.case_id for d in drawn]
    facts = {
        pk: (path, number)
        for pk, path, number in Case.objects.filter(pk__in=drawn_ids).values_list(
            "pk", "grid__path", "number"
        )
    }
    chosen, short = assign_raters(
        [(d.case_id, facts[d.case_id][0]) for d in drawn],
        rater_pool(centre),
        case_participants(Case.objects.filter(pk__in=drawn_ids)),
        per_case=raters_per_case,
        seed=spec.seed,
    )
    if short:
        numbers = ", ".join(sorted(facts[pk][1] for pk in short))
        raise _refuse(
            _("Too few inspectors or supervisors who did not work on these cases: %(cases)s.")
            % {"cases": numbers},
            "too_few_raters",
            "raters_per_case",
        )
    departments = _last_dispatches(Case.objects.filter(pk__in=drawn_ids))
    review_round = ReviewRound.objects.create(
        centre=centre,
        grid=grid,
        title=title.strip() or _("Review of %(start)s – %(end)s") % {"start": start, "end": end},
        start=start,
        end=end,
        random_size=spec.size,
        random_share=spec.share,
        seed=spec.seed,
        quota_by=spec.quota_by,
        quota_min=spec.quota_min,
        all_red=spec.all_red,
        all_reworked=spec.all_reworked,
        raters_per_case=raters_per_case,
        opened_by=actor.user if getattr(actor.user, "pk", None) else None,
        opened_at=now or timezone.now(),
    )
    samples = ReviewSample.objects.bulk_create(
        ReviewSample(
            round=review_round,
            case_id=d.case_id,
            reason=d.reason,
            group=d.group,
            department_id=departments.get(d.case_id),
        )
        for d in sorted(drawn, key=lambda d: facts[d.case_id][1])
    )
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(sample=sample, rater_id=rater)
        for sample in samples
        for rater in chosen[sample.case_id]
    )
    return review_round


def rater_queue(user: Any) -> QuerySet[ReviewAssignment]:
    """A rater's own assignments in open rounds, those still to rate first."""
    return (
        ReviewAssignment.objects.filter(
            rater_id=user.pk, sample__round__state=ReviewRound.State.OPEN
        )
        .select_related("sample__case__category", "sample__case__grid", "sample__round")
        # Waiting ones first (no submission time), then the rated, by round and case number.
        .order_by(
            F("submitted_at").asc(nulls_first=True), "sample__round_id", "sample__case__number"
        )
    )


def _round_locked(assignment: ReviewAssignment) -> ReviewRound:
    """The assignment's round, read afresh and locked until the transaction ends: its ratings,
    reassignments and closing take turns, so none acts on a round another has just changed
    (grades written after the round closed, two reassignments giving a case the same rater)."""
    round_id = ReviewSample.objects.values_list("round_id", flat=True).get(pk=assignment.sample_id)
    rounds = ReviewRound.objects.select_for_update(of=("self",)).select_related("centre")
    return rounds.get(pk=round_id)


@transaction.atomic
def review_rate(
    *,
    user: Any,
    assignment: ReviewAssignment,
    grades: Mapping[str, int | None],
    note: str = "",
    now: datetime.datetime | None = None,
) -> ReviewAssignment:
    """Record (or, while the round is open, change) a rater's grades: every criterion graded
    or marked not applicable (``None``)."""
    review_round = _round_locked(assignment)
    # Read again: the case may have gone to another rater since the form was shown.
    assignment = ReviewAssignment.objects.get(pk=assignment.pk)
    if assignment.rater_id != user.pk:
        raise _refuse(_("This case is in someone else's queue."), "not_yours")
    if not review_round.is_open:
        raise _refuse(_("The round is closed: grades can no longer change."), "closed")
    missing = [c for c in Criterion if c.value not in grades]
    if missing:
        raise ValidationError(
            {
                c.value: [
                    ValidationError(_("Grade this or mark it not applicable."), code="required")
                ]
                for c in missing
            }
        )
    bad = [k for k, v in grades.items() if k not in Criterion.values or v not in (*GRADES, None)]
    if bad:
        raise _refuse(_("Unknown criterion or grade."), "bad_grade")
    if all(grade is None for grade in grades.values()):
        raise _refuse(_("Grade at least one criterion."), "all_not_applicable")
    assignment.scores.all().delete()
    ReviewScore.objects.bulk_create(
        ReviewScore(assignment=assignment, criterion=criterion, grade=grade)
        for criterion, grade in grades.items()
        if grade is not None
    )
    assignment.note = note.strip()
    assignment.submitted_at = now or timezone.now()
    assignment.save(update_fields=["note", "submitted_at"])
    return assignment


@transaction.atomic
def review_reassign(*, actor: Actor, assignment: ReviewAssignment) -> ReviewAssignment:
    """Give the case another rater in place of one who has not rated it (away, or too slow):
    someone of the round's pool who neither worked on the case nor rates it already, chosen as
    when the round opened, the least loaded of the round first. Refused once the rater has
    submitted or the round has closed."""
    review_round = _round_locked(assignment)
    assignment = ReviewAssignment.objects.get(pk=assignment.pk)
    sample = ReviewSample.objects.select_related("case__grid").get(pk=assignment.sample_id)
    if not may_run(actor, review_round):
        raise _refuse(_("Only the desk of the round's centre reassigns its raters."), "not_owner")
    if not review_round.is_open:
        raise _refuse(_("The round is closed: its raters can no longer change."), "closed")
    if assignment.submitted_at is not None:
        raise _refuse(_("This rater has rated the case already."), "rated")
    case = sample.case
    excluded = case_participants(Case.objects.filter(pk=case.pk)).get(case.pk, set())
    excluded |= set(sample.assignments.values_list("rater_id", flat=True))
    loaded = Counter(
        ReviewAssignment.objects.filter(sample__round=review_round).values_list(
            "rater_id", flat=True
        )
    )
    chosen, short = assign_raters(
        [(case.pk, case.grid.path)],
        rater_pool(review_round.centre),
        {case.pk: excluded},
        per_case=1,
        seed=review_round.seed + assignment.pk,
        loaded=loaded,
    )
    if short:
        raise _refuse(
            _("No other inspector or supervisor who did not work on this case is left to rate it."),
            "too_few_raters",
        )
    assignment.rater_id = chosen[case.pk][0]
    assignment.note = ""
    assignment.save(update_fields=["rater", "note"])
    return assignment


@transaction.atomic
def review_round_close(
    *, actor: Actor, review_round: ReviewRound, now: datetime.datetime | None = None
) -> ReviewRound:
    """Close the round: grades are frozen and revealed. Assignments not submitted by then stay
    empty and count as missing ratings."""
    if not may_run(actor, review_round):
        raise _refuse(_("Only the desk of the round's centre closes it."), "not_owner")
    closed = ReviewRound.objects.filter(pk=review_round.pk, state=ReviewRound.State.OPEN).update(
        state=ReviewRound.State.CLOSED, closed_at=now or timezone.now()
    )
    if not closed:
        raise _refuse(_("The round is already closed."), "closed")
    review_round.refresh_from_db()
    return review_round


@transaction.atomic
def review_decide(
    *,
    actor: Actor,
    sample: ReviewSample,
    criterion: str,
    grade: int | None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ReviewDecision:
    """The owner's consensus grade on a disputed criterion (``None``: not applicable)."""
    review_round = sample.round
    if not may_run(actor, review_round):
        raise _refuse(_("Only the desk of the round's centre decides."), "not_owner")
    if review_round.is_open:
        raise _refuse(_("Decide once the round is closed and the grades are known."), "open")
    if criterion not in Criterion.values or grade not in (*GRADES, None):
        raise _refuse(_("Unknown criterion or grade."), "bad_grade")
    decision, _created = ReviewDecision.objects.update_or_create(
        sample=sample,
        criterion=criterion,
        defaults={
            "grade": grade,
            "note": note.strip(),
            "decided_by": actor.user if getattr(actor.user, "pk", None) else None,
            "decided_at": now or timezone.now(),
        },
    )
    return decision


# Reading the grades: agreement and results.


@dataclass(frozen=True)
class Rating:
    """One submitted rater's answers on one case (``None``: not applicable)."""

    rater_id: int
    rater: str
    grades: dict[str, int | None]
    note: str


@dataclass
class CaseOutcome:
    """A reviewed case: each rater's answers, the owner's decisions and what they come to."""

    sample: ReviewSample
    ratings: list[Rating]
    decisions: dict[str, int | None]
    grades: dict[str, int | None] = field(default_factory=dict)
    disputed: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for criterion in Criterion.values:
            answers = [r.grades.get(criterion) for r in self.ratings]
            if criterion in self.decisions:
                self.grades[criterion] = self.decisions[criterion]
                continue
            if len(set(answers)) > 1:
                self.disputed.append(criterion)
            numeric = sorted(a for a in answers if a is not None)
            self.grades[criterion] = statistics.median_low(numeric) if numeric else None

    @property
    def rated(self) -> bool:
        return bool(self.ratings)

    @property
    def applicable(self) -> list[int]:
        return [g for g in self.grades.values() if g is not None]

    @property
    def passed(self) -> bool:
        return bool(self.applicable) and Grade.FAILS not in self.applicable

    @property
    def score(self) -> float | None:
        grades = self.applicable
        return 100.0 * sum(grades) / (BEST * len(grades)) if grades else None

    def disagreements(self) -> list[str]:
        """Criteria on which the raters' answers differ, decided or not."""
        return [c for c in Criterion.values if len({r.grades.get(c) for r in self.ratings}) > 1]


def case_outcomes(samples: QuerySet[ReviewSample]) -> list[CaseOutcome]:
    """Every sample with its submitted ratings and decisions, in four queries."""
    samples = samples.select_related("case__grid", "case__category", "department", "round")
    rows = list(samples)
    ids = [s.pk for s in rows]
    assignments = (
        ReviewAssignment.objects.filter(sample_id__in=ids, submitted_at__isnull=False)
        .select_related("rater__person")
        .order_by("pk")
    )
    grades: dict[int, dict[str, int]] = defaultdict(dict)
    for assignment_id, criterion, grade in ReviewScore.objects.filter(
        assignment__in=assignments
    ).values_list("assignment_id", "criterion", "grade"):
        grades[assignment_id][criterion] = grade
    ratings: dict[int, list[Rating]] = defaultdict(list)
    for a in assignments:
        ratings[a.sample_id].append(
            Rating(
                rater_id=a.rater_id,
                rater=rater_name(a.rater),
                grades={c: grades[a.pk].get(c) for c in Criterion.values},
                note=a.note,
            )
        )
    decisions: dict[int, dict[str, int | None]] = defaultdict(dict)
    for sample_id, criterion, decided in ReviewDecision.objects.filter(
        sample_id__in=ids
    ).values_list("sample_id", "criterion", "grade"):
        decisions[sample_id][criterion] = decided
    return [CaseOutcome(s, ratings[s.pk], decisions[s.pk]) for s in rows]


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha (ordinal) and what it was computed from; ``value`` is ``None`` when
    alpha is not defined, with ``reason`` saying why."""

    value: float | None
    pairable: int
    reason: str = ""


def ordinal_alpha(units: Iterable[Sequence[int | None]]) -> Alpha:
    """Alpha over units, each the grades its raters gave (``None``: not applicable, a missing
    value). Only units with two grades or more are pairable."""
    counts = []
    for grades in units:
        present = [g for g in grades if g is not None]
        if len(present) >= 2:
            counts.append([present.count(value) for value in GRADES])
    pairable = sum(sum(row) for row in counts)
    if not counts:
        return Alpha(None, 0, _("too few ratings to compare"))
    matrix = np.array(counts, dtype=float)
    if np.count_nonzero(matrix.sum(axis=0)) < 2:
        # Every grade the same: no disagreement, but no variation either to measure against.
        return Alpha(None, pairable, _("every grade was the same"))
    value = krippendorff.alpha(
        value_counts=matrix, value_domain=GRADES, level_of_measurement="ordinal"
    )
    return Alpha(float(value), pairable)


@dataclass(frozen=True)
class Agreement:
    """How far a round's raters agree: alpha per criterion and over all criteria together."""

    by_criterion: dict[str, Alpha]
    overall: Alpha


def round_agreement(outcomes: Sequence[CaseOutcome]) -> Agreement:
    per = {
        c: ordinal_alpha([r.grades[c] for r in o.ratings] for o in outcomes)
        for c in Criterion.values
    }
    overall = ordinal_alpha(
        [r.grades[c] for r in o.ratings] for o in outcomes for c in Criterion.values
    )
    return Agreement(per, overall)


@dataclass
class ReviewResult:
    """The reviewed cases of a grid, a department or a whole scope (see the module docstring)."""

    reviewed: int = 0
    passed: int = 0
    disputed: int = 0
    score_total: float = 0.0
    failures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Criterion.values, 0))

    def add(self, outcome: CaseOutcome) -> None:
        if not outcome.rated:
            return
        self.reviewed += 1
        self.passed += outcome.passed
        self.disputed += bool(outcome.disputed)
        self.score_total += outcome.score or 0.0
        for criterion, grade in outcome.grades.items():
            if grade == Grade.FAILS:
                self.failures[criterion] += 1

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.reviewed if self.reviewed else None

    @property
    def score(self) -> float | None:
        return self.score_total / self.reviewed if self.reviewed else None


@dataclass
class ReviewResults:
    by_grid: dict[Grid, ReviewResult]
    by_department: dict[Organisation, ReviewResult]
    total: ReviewResult


def _unit_of(grid: Grid, units: Mapping[str, Grid]) -> Grid:
    return next((units[p] for p in _ancestor_paths(grid.path) if p in units), grid)


def results_of(
    outcomes: Sequence[CaseOutcome], grids: Sequence[Grid] | None = None
) -> ReviewResults:
    """Results per grid (each of ``grids`` over its subtree, or else per unit grid) and per
    department."""
    by_grid: dict[Grid, ReviewResult] = {g: ReviewResult() for g in grids or []}
    by_department: dict[Organisation, ReviewResult] = {}
    total = ReviewResult()
    units = {
        g.path: g
        for g in Grid.objects.filter(
            level=GridLevel.UNIT,
            path__in={p for o in outcomes for p in _ancestor_paths(o.sample.case.grid.path)},
        )
    }
    for outcome in outcomes:
        case_grid = outcome.sample.case.grid
        total.add(outcome)
        if grids is None:
            by_grid.setdefault(_unit_of(case_grid, units), ReviewResult()).add(outcome)
        else:
            for grid in grids:
                if case_grid.path.startswith(grid.path):
                    by_grid[grid].add(outcome)
        department = outcome.sample.department
        if department is not None:
            by_department.setdefault(department, ReviewResult()).add(outcome)
    if grids is None:
        by_grid = {g: r for g, r in by_grid.items() if r.reviewed}
    return ReviewResults(by_grid, by_department, total)


def review_results(
    *,
    grids_or_scope: Sequence[Grid] | AccessScope,
    start: datetime.date,
    end: datetime.date,
) -> ReviewResults:
    """The quality review's results for evaluation: see the module docstring for the shape."""
    samples = ReviewSample.objects.filter(
        round__state=ReviewRound.State.CLOSED,
        case__closed_at__gte=day_start(start),
        case__closed_at__lt=day_start(end + datetime.timedelta(days=1)),
    )
    if isinstance(grids_or_scope, AccessScope):
        samples = samples.filter(grids_or_scope.grid_q("case__grid"))
        return results_of(case_outcomes(samples))
    grids = list(grids_or_scope)
    if not grids:
        return ReviewResults({}, {}, ReviewResult())
    subtree = Q()
    for grid in grids:
        subtree |= Q(case__grid__path__startswith=grid.path)
    return results_of(case_outcomes(samples.filter(subtree)), grids)
