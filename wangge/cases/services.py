"""Writes to cases. Every change goes through ``case_submit`` or ``case_act``: the workflow
table decides, a conditional update on the version applies (so of two people acting at once,
exactly one wins), and an event is appended in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.cases.choices import Channel, Light
from wangge.cases.clocks import (
    URGENT_FIRST_RESULT,
    URGENT_ON_SITE,
    Clock,
    clock_on_enforcement,
    clock_on_register,
    light_at,
    yellow_time,
)
from wangge.cases.models import Case, CaseEvent, CaseNumberCounter, CasePhoto
from wangge.cases.signals import events_appended
from wangge.cases.workflow import (
    CENTRE,
    GRID_CHIEFS,
    GRID_FORCES,
    SYSTEM,
    Action,
    Facts,
    Need,
    Status,
    TransitionRefused,
    plan,
)
from wangge.catalog.exceptions import NoResponsibleDepartment
from wangge.catalog.models import Category
from wangge.catalog.selectors import Routing, responsible_department
from wangge.core.coords import CRS, point_to_wgs84
from wangge.core.images import clean_image, thumbnail
from wangge.core.rows import insert_new
from wangge.core.selectors import current_calendar
from wangge.forces.duty import on_duty
from wangge.grids.choices import GridKind, GridLevel
from wangge.grids.locator import grid_index
from wangge.grids.models import Grid
from wangge.people.choices import OrganisationKind
from wangge.people.models import Organisation
from wangge.people.roles import LINE_KINDS
from wangge.people.scope import EVERYTHING, NOTHING, AccessScope, access_scope, current_roles_q

User = AbstractBaseUser | AnonymousUser
DEPARTMENT_KINDS = frozenset(
    {OrganisationKind.DEPARTMENT, OrganisationKind.DEPARTMENT_OFFICE, OrganisationKind.UTILITY}
)


class CaseConflict(Exception):
    """Someone else changed the case first; reload it and decide again."""


MAX_PHOTOS = 9


@dataclass(frozen=True)
class Evidence:
    """What an actor brings to a step: a note, where they stood, and photos as uploaded."""

    note: str = ""
    lng: float | None = None
    lat: float | None = None
    photos: tuple[UploadedFile | ContentFile[bytes], ...] = ()


def photos_within_limit(count: int) -> None:
    """ValidationError if ``count`` photos are more than one step takes."""
    if count > MAX_PHOTOS:
        raise ValidationError(
            _("At most %(count)d photos go with one step.") % {"count": MAX_PHOTOS},
            code="too_many_photos",
        )


def _cleaned_photos(
    photos: Sequence[UploadedFile | ContentFile[bytes]],
) -> list[ContentFile[bytes]]:
    """The photos re-encoded without metadata, or ValidationError naming what is wrong."""
    photos_within_limit(len(photos))
    return [clean_image(photo) for photo in photos]


def _attach(case: Case, event: CaseEvent, photos: Sequence[ContentFile[bytes]]) -> None:
    """Store the photos with the event; a failure part-way leaves no stray file behind."""
    stored: list[CasePhoto] = []
    try:
        for picture in photos:
            photo = CasePhoto(case=case, event=event)
            stored.append(photo)
            small = thumbnail(picture)
            photo.image.save(picture.name or "photo.jpg", picture, save=False)
            photo.thumbnail.save(small.name or "thumb.jpg", small, save=False)
            photo.save()
    except BaseException:
        for photo in stored:
            photo.image.delete(save=False)
            photo.thumbnail.delete(save=False)
        raise


def number_block(day: datetime.date, count: int) -> int:
    """Take the day's next ``count`` case numbers; the first one's sequence. The counter's row
    stays locked until the transaction ends, so no one else gets the same."""
    # One statement counts and reads: it runs while the writer holds SQLite's write lock.
    table = connection.ops.quote_name(CaseNumberCounter._meta.db_table)
    sql = f"UPDATE {table} SET last = last + %s WHERE day = %s RETURNING last"
    params = [count, connection.ops.adapt_datefield_value(day)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:  # the day's first case
            CaseNumberCounter.objects.get_or_create(day=day, defaults={"last": 0})
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return int(row[0]) - count + 1


def case_numbers(day: datetime.date, first: int, count: int) -> list[str]:
    """The case numbers of ``count`` of the day's cases from the ``first``-th on: 2026112400001,
    2026112400002…"""
    prefix = f"{day:%Y%m%d}"
    return [f"{prefix}{sequence:05d}" for sequence in range(first, first + count)]


def require_sub_class(category: Category) -> None:
    """ValidationError unless ``category`` is a sub-class: cases are filed under those."""
    if category.parent_id is None:
        raise ValidationError({"category": _("Choose a sub-class, not a main class.")})


def require_channel(channel: str) -> None:
    """ValidationError unless ``channel`` is one of ``Channel``."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})


def require_description(description: str) -> None:
    """ValidationError if ``description`` says nothing."""
    if not description.strip():
        raise ValidationError({"description": _("Describe the problem.")})


def outside_every_grid() -> ValidationError:
    """What a report is told when its point lies in no grid."""
    return ValidationError({"lng": _("The point lies outside every grid.")})


@dataclass(frozen=True)
class CaseDraft:
    """A report checked and placed in its grid, not yet written: ``case_submit`` writes it."""

    case: Case
    pictures: list[ContentFile[bytes]]
    # When the report reached the system: its first event's time. The case itself is reported
    # when found, which is earlier for a patrol's find kept on a phone without a network.
    arrived_at: datetime.datetime


def case_draft(
    *,
    channel: str,
    category: Category,
    lng: float,
    lat: float,
    description: str,
    reporter: Any = None,
    crs: CRS | str = CRS.WGS84,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_shares_contact: bool = False,
    photos: Sequence[UploadedFile | ContentFile[bytes]] = (),
    at: datetime.datetime | None = None,
    found_at: datetime.datetime | None = None,
) -> CaseDraft:
    """A new case as it arrives (``at``, now unless told) from any channel, placed in the
    deepest grid under its point, and reported when it was found (``found_at``, if earlier).
    Nothing is written: the checks, the locator and the photos' re-encoding run before
    ``case_submit`` takes the write lock (SQLite has one for the whole database)."""
    require_sub_class(category)
    require_channel(channel)
    if getattr(reporter, "pk", None) and channel not in channels_open_to(actor_for(reporter)):
        # What a case counts for (先行发现 among them) depends on its channel: nobody reports
        # through a channel that is not theirs.
        raise ValidationError({"channel": _("You cannot report through this channel.")})
    require_description(description)
    lng, lat = point_to_wgs84(lng, lat, crs)
    location = grid_index().locate(lng, lat)
    if location is None:
        raise outside_every_grid()
    try:
        pictures = _cleaned_photos(photos)
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from exc
    now = at or timezone.now()
    case = Case(
        channel=channel,
        category=category,
        grid_id=location.grid.id,
        lng=lng,
        lat=lat,
        address=address,
        description=description.strip(),
        reporter=reporter if getattr(reporter, "pk", None) else None,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        reporter_shares_contact=reporter_shares_contact,
        urgent=category.urgent,
        proactive=channel in Channel.grid_forces(),
        reported_at=min(found_at or now, now),
    )
    # The number is drawn when the case is written, unique by its counter.
    case.full_clean(exclude=["grid", "category", "number"])
    return CaseDraft(case, pictures, arrived_at=now)


# Without a savepoint of its own: a failure fails the caller's transaction too (none carries on
# after one), and two round trips fewer are spent holding the write lock.
@transaction.atomic(savepoint=False)
def case_submit(*, draft: CaseDraft) -> Case:
    """Write a drafted case (once) with its number, its first event and its photos."""
    case = draft.case
    day = timezone.localdate(case.reported_at)
    case.number = case_numbers(day, number_block(day, 1), 1)[0]
    insert_new(case)
    event = _append_event(
        case, action="report", from_status="", at=draft.arrived_at, actor=case.reporter
    )
    _attach(case, event, draft.pictures)
    return case


def channels_open_to(actor: Actor) -> frozenset[str]:
    """The channels a person may report through: anyone as a citizen; grid forces as patrols,
    video and smart-scene operators; the centres also for the hotlines, media and
    representatives; departments as their own inspections."""
    channels = {Channel.CITIZEN.value}
    if actor.roles & (GRID_FORCES | GRID_CHIEFS | CENTRE):
        channels |= set(Channel.grid_forces())
    if actor.roles & CENTRE:
        channels |= {
            Channel.HOTLINE_12345,
            Channel.HOTLINE_12319,
            Channel.MEDIA,
            Channel.REPRESENTATIVE,
        }
    if actor.works_for_a_department:
        channels.add(Channel.DEPARTMENT)
    return frozenset(channels)


def _append_event(
    case: Case,
    *,
    action: str,
    from_status: str,
    at: datetime.datetime,
    actor: Any,
    organisation: Organisation | None = None,
    note: str = "",
    lng: float | None = None,
    lat: float | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    event = insert_new(
        CaseEvent(
            case=case,
            sequence=case.version,
            action=action,
            from_status=from_status,
            to_status=case.status,
            actor=actor if getattr(actor, "pk", None) else None,
            organisation=organisation,
            at=at,
            note=note,
            lng=lng,
            lat=lat,
            data=data or {},
        )
    )
    events_appended.send(sender=Case, case=case, event=event)
    return event


@dataclass(frozen=True)
class Actor:
    """Who acts, as the workflow sees them."""

    user: Any
    roles: frozenset[str]
    organisation: Organisation | None
    is_district: bool
    # Built once per request and carried along, so that listing, checking and acting on a case
    # do not each ask the database again what the user may see.
    scope: AccessScope = NOTHING

    @property
    def organisation_ids(self) -> frozenset[int]:
        """The actor's organisation and those under it: whose cases the actor holds."""
        return self.scope.organisation_ids

    @property
    def works_for_a_department(self) -> bool:
        """People of departments, their offices and utilities see the cases they hold or were
        summoned to, whatever their role there, never everything in their jurisdiction."""
        return self.organisation is not None and self.organisation.kind in LINE_KINDS


SYSTEM_ACTOR = Actor(None, frozenset({"system"}), None, True, EVERYTHING)


def actor_for(user: Any) -> Actor:
    """The roles a user holds today and the organisations they act for."""
    person = getattr(user, "person", None) if getattr(user, "pk", None) else None
    if person is None or not person.is_active:
        return Actor(user, frozenset(), None, False, access_scope(user))
    roles = list(person.roles.filter(current_roles_q()).values_list("role", "grid__level"))
    organisation = person.organisation
    return Actor(
        user=user,
        roles=frozenset(role for role, _level in roles),
        organisation=organisation,
        is_district=any(level == GridLevel.DISTRICT for _role, level in roles)
        or organisation.kind == OrganisationKind.DISTRICT_CENTRE,
        scope=access_scope(user),
    )


def _facts(case: Case, actor: Actor, brings: frozenset[Need]) -> Facts:
    grid: Grid = case.grid
    return Facts(
        status=case.workflow_status,
        roles=actor.roles,
        actor_id=getattr(actor.user, "pk", None),
        actor_in_holder=case.holder_id is not None and case.holder_id in actor.organisation_ids,
        actor_is_district=actor.is_district,
        front_end_eligible=(
            grid.kind in (GridKind.RESIDENTIAL, GridKind.VILLAGE) and not case.urgent
        ),
        dispatched=case.holder is not None and case.holder.kind in DEPARTMENT_KINDS,
        handler_id=case.handler_id,
        reporter_id=case.reporter_id,
        status_before_suspension=(
            Status(case.status_before_suspension) if case.status_before_suspension else None
        ),
        # Only the system's steps ask; people's listings need not load the category for it.
        auto_dispatch=(
            SYSTEM in actor.roles and case.channel == Channel.AI and case.category.auto_dispatch
        ),
        brings=brings,
    )


def case_visible_to(case: Case, actor: Actor) -> bool:
    """Whether the actor may act on the case (the same rule as ``selectors.cases_visible``):
    they hold it or were summoned to it, or, outside the departments, its grid is theirs."""
    if actor.scope.everything or case.holder_id in actor.organisation_ids:
        return True
    if case.whistles.filter(calls__department_id__in=actor.organisation_ids).exists():
        return True
    if actor.works_for_a_department:
        return False
    return actor.scope.can_see_grid(case.grid)


def case_facts(case: Case, actor: Actor) -> Facts:
    """The facts for listing what ``actor`` may do with ``case`` now."""
    return _facts(case, actor, frozenset())


@transaction.atomic
def case_act(
    *,
    case: Case,
    action: Action | str,
    actor: Actor,
    version: int,
    reason: str = "",
    department: Organisation | None = None,
    duplicate_of: Case | None = None,
    evidence: Evidence | None = None,
    rating: int | None = None,
    at: datetime.datetime | None = None,
) -> Case:
    """Take one step of the workflow on ``case``, seen at ``version`` by the actor.

    Raises TransitionRefused (why not: nothing written) or CaseConflict (someone else acted
    first: nothing written). ``at`` backdates the step, for imports of history and the demo's
    simulated week; people acting now leave it out."""
    action = Action(action)
    evidence = evidence or Evidence()
    if not case_visible_to(case, actor):
        raise TransitionRefused(_("This case is outside your responsibility."), "out_of_scope")
    # Without a department named, a dispatch goes where the catalog routes it.
    routed = action == Action.DISPATCH and department is None
    brings = frozenset(
        need
        for need, present in (
            (Need.REASON, bool(reason.strip())),
            (Need.DEPARTMENT, department is not None or routed),
            (Need.DUPLICATE_OF, duplicate_of is not None),
            (Need.EVIDENCE, bool(evidence.note.strip()) or bool(evidence.photos)),
            (Need.RATING, rating is not None),
        )
        if present
    )
    step = plan(action, _facts(case, actor, brings))
    routing = None
    if routed:
        routing = case_route(case)
        if routing.department.kind not in DEPARTMENT_KINDS:
            raise TransitionRefused(
                _("No department is responsible: %(owner)s, the fallback owner, chooses one.")
                % {"owner": routing.department},
                "choose_department",
            )
        department = routing.department
    if rating is not None and not 1 <= rating <= 5:
        raise TransitionRefused(_("A rating is from 1 to 5."), "bad_rating")
    if duplicate_of is not None and (duplicate_of.pk == case.pk or duplicate_of.duplicate_of_id):
        raise TransitionRefused(_("Merge into the original case."), "bad_duplicate")
    if department is not None and department.kind not in DEPARTMENT_KINDS:
        raise TransitionRefused(_("Dispatch to a department."), "not_a_department")
    if department is not None and not case.grid.path.startswith(department.jurisdiction.path):
        raise TransitionRefused(
            _("%(department)s does not serve this grid.") % {"department": department},
            "outside_jurisdiction",
        )

    try:
        pictures = _cleaned_photos(evidence.photos)
    except ValidationError as exc:
        raise TransitionRefused(" ".join(exc.messages), exc.code or "bad_photo") from exc

    now = at or timezone.now()
    changes: dict[str, Any] = {"status": step.target.value}
    changes.update(
        _consequences(case, action, step.target, actor, now, department, duplicate_of, rating)
    )
    return _commit(
        case,
        version=version,
        changes=changes,
        action=action.value,
        actor=actor,
        at=now,
        note="\n\n".join(text for text in (reason.strip(), evidence.note.strip()) if text),
        lng=evidence.lng,
        lat=evidence.lat,
        photos=pictures,
        data={
            "department": department.pk if department else None,
            "duplicate_of": duplicate_of.number if duplicate_of else None,
            "rating": rating,
            "routed": routing is not None or None,
            "fallback": routing.fallback if routing and routing.fallback else None,
            "due_by": changes["due_by"].isoformat() if changes.get("due_by") else None,
        },
    )


def _commit(
    case: Case,
    *,
    version: int,
    changes: dict[str, Any],
    action: str,
    actor: Actor,
    at: datetime.datetime,
    note: str = "",
    lng: float | None = None,
    lat: float | None = None,
    data: dict[str, Any] | None = None,
    photos: Sequence[ContentFile[bytes]] = (),
    anonymous: bool = False,
) -> Case:
    """Apply ``changes`` if the case is still at ``version``, and append the event; of two
    people acting on one version, exactly one gets here first."""
    updated = Case.objects.filter(pk=case.pk, version=version).update(
        **changes, version=version + 1
    )
    if updated != 1:
        raise CaseConflict(_("The case was changed by someone else; reload it."))
    from_status = case.status
    case.refresh_from_db()
    event = _append_event(
        case,
        action=action,
        from_status=from_status,
        at=at,
        actor=None if anonymous else actor.user,
        organisation=None if anonymous else actor.organisation,
        note=note,
        lng=lng,
        lat=lat,
        data={key: value for key, value in (data or {}).items() if value is not None},
    )
    _attach(case, event, photos)
    return case


def case_route(case: Case) -> Routing:
    """Who should handle the case: the responsibility table, else the fallback owner (托底: the
    district construction commission for facilities, the town for events, seed 002)."""
    try:
        return responsible_department(category=case.category, grid=case.grid)
    except NoResponsibleDepartment as exc:
        raise TransitionRefused(str(exc), "no_route") from exc


def _consequences(
    case: Case,
    action: Action,
    target: Status,
    actor: Actor,
    now: datetime.datetime,
    department: Organisation | None,
    duplicate_of: Case | None,
    rating: int | None,
) -> dict[str, Any]:
    """What else changes with the status: holders, handlers, timestamps."""
    person = getattr(actor.user, "person", None) if actor.user is not None else None
    changes: dict[str, Any] = {}
    stamp = {
        Status.REGISTERED: "registered_at",
        Status.SELF_GOVERNANCE: "registered_at",
        Status.DISPATCHED: "dispatched_at",
        Status.ACCEPTED: "accepted_at",
        Status.ON_SITE: "on_site_at",
        Status.HANDLED: "handled_at",
        Status.CLOSED: "closed_at",
        Status.EVALUATED: "evaluated_at",
    }.get(target)
    # Each state's time is when the case first got there (the KPIs' acceptance and handling
    # times), but a handling or closure after rework counts from the last one.
    if (
        stamp
        and action != Action.RESUME
        and (getattr(case, stamp) is None or action in (Action.HANDLE, Action.VERIFY))
    ):
        changes[stamp] = now
    if action == Action.FIX_ON_SPOT:
        changes.update(registered_at=now, handled_at=now, handler=actor.user)
        changes.update(_held_by(_centre_of(case), case, now))
    if action == Action.DISPATCH:
        changes.update(_held_by(department, case, now))
    if action == Action.ACCEPT:
        changes["holder_person"] = person
    if action in (Action.HANDLE, Action.RESOLVE_FRONT_END):
        changes["handler"] = actor.user
    if action == Action.RETURN:
        changes.update(_held_by(_centre_of(case), case, now))
    if action == Action.REGISTER and target == Status.SELF_GOVERNANCE:
        changes.update(_held_by(_station_of(case), case, now))
    if action in (Action.REGISTER, Action.HAND_TO_ENFORCEMENT, Action.UNTRACK_CHRONIC) and (
        target == Status.REGISTERED
    ):
        changes.update(_held_by(_centre_of(case), case, now))
    if action == Action.MERGE:
        changes["duplicate_of"] = duplicate_of
    if action == Action.EVALUATE:
        changes["rating"] = rating
    if action == Action.SUSPEND:
        changes["status_before_suspension"] = case.status
    if action == Action.RESUME:
        changes["status_before_suspension"] = ""
    changes.update(_clock_changes(case, action, target, now, dict(changes)))
    return changes


def _clock_changes(
    case: Case, action: Action, target: Status, now: datetime.datetime, so_far: dict[str, Any]
) -> dict[str, Any]:
    """New deadlines where the step starts or moves a clock, and the light they give."""
    changes: dict[str, Any] = {}
    clock: Clock | None = None
    if action in (Action.REGISTER, Action.UNTRACK_CHRONIC):
        category = case.category
        limit = (
            (category.limit_amount, category.limit_unit, category.limit_calendar == "working")
            if category.limit_amount
            else None
        )
        clock = clock_on_register(
            at=now,
            urgent=case.urgent,
            self_governance=target == Status.SELF_GOVERNANCE,
            limit=limit,
            calendar=current_calendar(),
        )
    elif action == Action.HAND_TO_ENFORCEMENT:
        clock = clock_on_enforcement(at=now, calendar=current_calendar())
    elif action == Action.RESUME:
        # The time on hold does not count against the case: every deadline moves by it.
        suspended_at = case.events.filter(action=Action.SUSPEND.value).latest("sequence").at
        paused = now - suspended_at
        for name in ("on_site_by", "first_result_by", "due_by", "yellow_at"):
            if getattr(case, name) is not None:
                changes[name] = getattr(case, name) + paused
    if clock is not None:
        changes.update(
            on_site_by=clock.on_site_by, first_result_by=clock.first_result_by, due_by=clock.due_by
        )
    share = settings.WANGGE_YELLOW_SHARE
    if clock is not None:
        changes["yellow_at"] = yellow_time(started=now, due_by=clock.due_by, yellow_share=share)
    clock_due, yellow_at = _next_deadline(case, {**so_far, **changes}, share)
    changes["clock_due"] = clock_due
    if target.is_open and target != Status.REPORTED:
        light = light_at(now, yellow_at=yellow_at, due_by=clock_due)
        # Red is the sweep's to give: with it come the red-light event, the notification and the
        # escalation ladder. An action after the deadline leaves the light for the sweep to turn.
        changes["light"] = Light.YELLOW if light == Light.RED and case.light != Light.RED else light
    else:
        changes["light"] = Light.NONE
    return changes


def _next_deadline(
    case: Case, changes: dict[str, Any], share: float
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The deadline the light reads after ``changes``, and when its light turns yellow. An urgent
    case answers first to its 15 minutes on site, then to its hour for a first result (Yingpu
    seed 003), then to its time limit."""

    def now_value(name: str) -> Any:
        return changes[name] if name in changes else getattr(case, name)

    due_by, yellow_at = now_value("due_by"), now_value("yellow_at")
    for deadline, met, span in (
        ("on_site_by", "on_site_at", URGENT_ON_SITE),
        ("first_result_by", "handled_at", URGENT_FIRST_RESULT),
    ):
        if now_value(deadline) is not None and now_value(met) is None:
            due = now_value(deadline)
            return due, due - span * share
    return due_by, yellow_at


def _held_by(
    organisation: Organisation | None, case: Case, now: datetime.datetime
) -> dict[str, Any]:
    """The case changes hands: to the organisation, and to whoever is on duty there."""
    return {
        "holder": organisation,
        "holder_person": on_duty(organisation, case.grid, now, case=case),
    }


def _centre_of(case: Case) -> Organisation | None:
    """The town operations centre over the case's grid (or the district's, if no town has one)."""
    return _nearest(case, [OrganisationKind.TOWN_CENTRE, OrganisationKind.DISTRICT_CENTRE])


def _station_of(case: Case) -> Organisation | None:
    """The workstation or committee of the unit grid that self-governs the case."""
    return _nearest(case, [OrganisationKind.WORKSTATION, OrganisationKind.COMMITTEE])


def _nearest(case: Case, kinds: list[str]) -> Organisation | None:
    codes = [*case.grid.ancestor_codes, case.grid.code]
    organisations = Organisation.objects.filter(
        kind__in=kinds, jurisdiction__code__in=codes, is_active=True
    ).order_by("-jurisdiction__level", "pk")
    return organisations.first()
