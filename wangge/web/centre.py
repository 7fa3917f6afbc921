"""The command centre (指挥中心) of a district or town operations centre: the grids and the open
cases on a map, counters of what needs attention, the live list with its filters, and dispatch
of several cases at once. Also the console's home, which sends each user to their start page.

Everything shown is cut to what the user may see (``cases_visible``, the access scope). The map
draws in the tiles' coordinate system: WGS-84 inside, GCJ-02 at the edge where the tiles are
Amap's or Tencent's (``WANGGE_TILE_CRS``)."""

from __future__ import annotations

import datetime
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

import numpy as np
import shapely
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.db.models import F, Max, Min, QuerySet
from django.forms.utils import flatatt
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wangge.cases.choices import STATUS_CHOICES, Channel, Light
from wangge.cases.models import Case
from wangge.cases.selectors import (
    DISPATCHABLE,
    CaseFilter,
    case_counters,
    case_lights_by_grid,
    cases_matching,
    cases_visible,
    departments_reaching,
)
from wangge.cases.services import Actor, CaseConflict, actor_for, case_act
from wangge.cases.workflow import CENTRE, Action, TransitionRefused
from wangge.catalog.choices import CategoryFamily
from wangge.catalog.models import Category
from wangge.core.coords import CRS, from_wgs84, to_wgs84
from wangge.grids.choices import GridLevel
from wangge.grids.models import Grid
from wangge.grids.services import grid_tree_revision
from wangge.people.choices import Role
from wangge.people.models import Organisation

CENTRE_PEOPLE = CENTRE | {Role.LEADER.value}
"""Who works in the command centre: the centres' dispatchers, duty chiefs and administrators,
and the leaders."""
PAGE_SIZE = 50
MAX_PAGES = 200
# How often the live list asks for news (read at each request, so a test may shorten it).
REFRESH_SECONDS = 15
# Beyond this many cases in view the map counts them by grid instead of drawing each one.
POINT_LIMIT = 2000
# ... and rolls the counts up a level while there would be more groups than this.
GROUP_LIMIT = 400
# Grid layers the user may switch on, with how far each boundary is simplified for drawing
# (degrees; 1e-4 is about 10 m) and whether it is on at first.
LAYERS = {
    GridLevel.TOWN: (2e-4, True),
    GridLevel.AREA: (1e-4, False),
    GridLevel.UNIT: (5e-5, True),
    GridLevel.BLOCK: (2e-5, False),
}
DECIMALS = 6  # about 0.1 m: more than a screen shows
PERIODS = {
    "today": gettext_lazy("Today"),
    "7d": gettext_lazy("Last 7 days"),
    "30d": gettext_lazy("Last 30 days"),
    "90d": gettext_lazy("Last 90 days"),
}
ORDERS = {
    "newest": gettext_lazy("Newest first"),
    "deadline": gettext_lazy("Nearest deadline first"),
}
# The status filter's value for every status a case is dispatched from.
TO_DISPATCH = "to_dispatch"
LIGHT_RANK = {Light.RED: 3, Light.YELLOW: 2, Light.GREEN: 1, Light.NONE: 0}


# Who may come in.


def works_in_centre(actor: Actor) -> bool:
    """Whether the command centre is the actor's place: superusers see everything anyway."""
    return actor.scope.everything or bool(actor.roles & CENTRE_PEOPLE)


def home(request: HttpRequest) -> HttpResponse:
    """The console's front door: the centres' people and leaders to the command centre, everyone
    else to their inbox, and visitors to the login page."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if works_in_centre(actor_for(request.user)):
        return redirect("web:centre")
    return redirect("web:inbox")


CentreView = Callable[[HttpRequest, Actor], HttpResponse]


def centre_view(view: CentreView) -> Callable[[HttpRequest], HttpResponse]:
    """A page of the centre: logged in, and for the centre's people only (403 saying why)."""

    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            if request.headers.get("HX-Request"):
                # A list refreshing after the session ended: the whole page goes to the login.
                login = redirect_to_login(reverse("web:centre"))
                return HttpResponse(status=401, headers={"HX-Redirect": login["Location"]})
            return redirect_to_login(request.get_full_path())
        actor = actor_for(request.user)
        if not works_in_centre(actor):
            reason = _(
                "The command centre is for the operations centres' dispatchers, duty chiefs and "
                "administrators, and for leaders."
            )
            return render(request, "web/centre_forbidden.html", {"reason": reason}, status=403)
        return view(request, actor)

    return wrapper


# The filters.


class PlainSelect(forms.Select):
    """A select written out in Python. Django renders each option through a template, which
    for a district's hundreds of grids and categories took longer than all the page's queries."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}

        def option(key: Any, label: Any) -> str:
            mark = " selected" if str(key) in chosen else ""
            return f'<option value="{escape(key)}"{mark}>{escape(label)}</option>'

        parts: list[str] = []
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(f'<optgroup label="{escape(key)}">')
                parts.extend(option(k, text) for k, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(key, label))
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return mark_safe(f"<select{flatatt(final)}>{''.join(parts)}</select>")


class CentreFilterForm(forms.Form):
    """The filters of the list and the map, read from the address (GET)."""

    grid = forms.ChoiceField(label=gettext_lazy("Grid"), required=False, widget=PlainSelect)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False, widget=PlainSelect)
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        required=False,
        widget=PlainSelect,
        choices=[("", gettext_lazy("All channels")), *Channel.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        widget=PlainSelect,
        choices=[
            ("", gettext_lazy("All open cases")),
            (TO_DISPATCH, gettext_lazy("Waiting to dispatch")),
            *STATUS_CHOICES,
        ],
    )
    light = forms.ChoiceField(
        label=gettext_lazy("Light"),
        required=False,
        widget=PlainSelect,
        choices=[("", gettext_lazy("All lights")), *Light.choices],
    )
    urgent = forms.BooleanField(label=gettext_lazy("Urgent only"), required=False)
    department = forms.ChoiceField(
        label=gettext_lazy("Department"), required=False, widget=PlainSelect
    )
    period = forms.ChoiceField(
        label=gettext_lazy("Reported"),
        required=False,
        widget=PlainSelect,
        choices=[("", gettext_lazy("Any time")), *PERIODS.items()],
    )
    order = forms.ChoiceField(
        label=gettext_lazy("Order"),
        required=False,
        choices=list(ORDERS.items()),
        widget=PlainSelect,
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGES)

    def __init__(self, data: QueryDict, *, actor: Actor) -> None:
        super().__init__(data)
        # Choices as plain rows: a district has hundreds of grids, and only the chosen one of
        # each kind is needed as an object.
        grids = Grid.objects.filter(level__lte=GridLevel.UNIT).defer("geometry")
        self.grids = actor.scope.grids(grids)
        places = list(self.grids.order_by("path").values_list("code", "name", "level"))
        top = min((level for _code, _name, level in places), default=GridLevel.DISTRICT)
        # Indented by depth: a select cannot nest, and a town's areas and units follow it.
        self.fields["grid"].choices = [  # type: ignore[attr-defined]
            ("", _("All grids")),
            *((code, "\u3000" * (level - top) + name) for code, name, level in places),
        ]
        categories = Category.objects.filter(is_active=True).order_by("family", "code")
        kinds = list(categories.values_list("pk", "family", "name", "parent_id"))
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All categories")),
            *(
                (
                    family.label,
                    [
                        (str(pk), name if parent is None else "\u3000" + name)
                        for pk, of_family, name, parent in kinds
                        if of_family == family
                    ],
                )
                for family in CategoryFamily
            ),
        ]
        self.departments = departments_reaching(actor)
        self.fields["department"].choices = _department_choices(  # type: ignore[attr-defined]
            self.departments, _("All departments")
        )

    def case_filter(self) -> CaseFilter:
        """The filters as the selectors take them (the form must be valid)."""
        v = self.cleaned_data
        statuses = {v["status"]} if v["status"] else set()
        if v["status"] == TO_DISPATCH:
            statuses = set(DISPATCHABLE)
        return CaseFilter(
            grid=self.grids.get(code=v["grid"]) if v["grid"] else None,
            category=Category.objects.get(pk=v["category"]) if v["category"] else None,
            channel=v["channel"],
            statuses=frozenset(statuses),
            light=v["light"],
            urgent=v["urgent"],
            department=self.departments.get(pk=v["department"]) if v["department"] else None,
            since=_since(v["period"]),
        )

    @property
    def ordering(self) -> str:
        return str(self.cleaned_data.get("order") or "newest")

    @property
    def page_number(self) -> int:
        return int(self.cleaned_data.get("page") or 1)

    def query(self, **changes: str | int) -> str:
        """The filters as an address's query, with ``changes`` ("" drops a filter); the page
        is dropped unless changed, as a new filter starts at the first page."""
        query = QueryDict(mutable=True)
        values = {name: self.data.get(name, "") for name in self.fields if name != "page"}
        values.update({name: str(value) for name, value in changes.items()})
        for name, value in values.items():
            if value:
                query[name] = value
        return query.urlencode()


def _department_choices(departments: QuerySet[Organisation], blank: str) -> list[tuple[str, str]]:
    serving = departments.order_by("jurisdiction__path", "name").values_list("pk", "name")
    return [("", blank), *((str(pk), name) for pk, name in serving)]


def _since(period: str) -> datetime.datetime | None:
    now = timezone.localtime()
    if period == "today":
        return now.replace(hour=0, minute=0, second=0, microsecond=0)
    if period:
        return now - datetime.timedelta(days=int(period.rstrip("d")))
    return None


def _refusal(form: CentreFilterForm) -> str:
    """The form's errors in one line, for answers without a page to show them on."""
    lines = []
    for name, errors in form.errors.items():
        words = " ".join(str(error) for error in errors)
        lines.append(f"{form.fields[name].label}: {words}" if name in form.fields else words)
    return " ".join(lines)


# The page and its live list.


@dataclass(frozen=True)
class Counter:
    """One counter above the list; its link filters the list by it."""

    key: str
    label: str
    count: int
    query: str


def _live(actor: Actor, form: CentreFilterForm) -> dict[str, Any]:
    """What the live list shows: the counters, a page of cases, and the links between pages."""
    case_filter = form.case_filter()
    counters = case_counters(cases_matching(actor, case_filter, by_status=False))
    queryset = cases_matching(actor, case_filter).select_related("category", "grid", "holder")
    queryset = queryset.defer("grid__geometry", "description")
    if form.ordering == "deadline":
        queryset = queryset.order_by(F("clock_due").asc(nulls_last=True), "pk")
    else:
        queryset = queryset.order_by("-reported_at", "-pk")
    start = (form.page_number - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    can_dispatch = bool(actor.roles & CENTRE)
    # Each counter's link shows what it counts: the other filters stay.
    only = {"status": "", "light": "", "urgent": ""}
    return {
        "counters": [
            Counter("open", _("Open"), counters.open, form.query(**only)),
            Counter("red", _("Overdue"), counters.red, form.query(**{**only, "light": "red"})),
            Counter(
                "yellow", _("Due soon"), counters.yellow, form.query(**{**only, "light": "yellow"})
            ),
            Counter("urgent", _("Urgent"), counters.urgent, form.query(**{**only, "urgent": "on"})),
            Counter(
                "to_register",
                _("Waiting to register"),
                counters.to_register,
                form.query(**{**only, "status": "reported"}),
            ),
            Counter(
                "to_dispatch",
                _("Waiting to dispatch"),
                counters.to_dispatch,
                form.query(**{**only, "status": TO_DISPATCH}),
            ),
        ],
        "cases": rows[:PAGE_SIZE],
        "dispatchable": {
            case.pk for case in rows[:PAGE_SIZE] if can_dispatch and case.status in DISPATCHABLE
        },
        "can_dispatch": can_dispatch,
        "departments": form.fields["department"].choices[1:],  # type: ignore[attr-defined]
        "previous_query": form.query(page=form.page_number - 1) if form.page_number > 1 else None,
        "next_query": (
            form.query(page=form.page_number + 1)
            if len(rows) > PAGE_SIZE and form.page_number < MAX_PAGES
            else None
        ),
        "query": form.query(page=form.page_number),
        "live_url": f"{reverse('web:centre-live')}?{form.query(page=form.page_number)}",
        "refresh": REFRESH_SECONDS,
        "now": timezone.now(),
    }


@require_GET
@centre_view
def centre(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The command centre: filters, the map, the counters and the live list."""
    form = CentreFilterForm(request.GET, actor=actor)
    context: dict[str, Any] = {"form": form, "actor": actor}
    if not form.is_valid():
        return render(request, "web/centre.html", context, status=400)
    context.update(_live(actor, form))
    context["config"] = {
        "tiles": {
            "url": settings.WANGGE_TILE_URL,
            "attribution": settings.WANGGE_TILE_ATTRIBUTION,
        },
        "bounds": scope_bounds(actor),
        "colours": {light.value: light.colour for light in Light},
        "grids": reverse("web:centre-grids"),
        "cases": reverse("web:centre-cases"),
        # The case page's address with a placeholder the script replaces by each case's number.
        "case": reverse("web:case", args=["NUMBER"]),
        "query": form.query(),
        "texts": {
            "grouped": _(
                "Too many cases to draw one by one: they are counted by grid. Zoom in or filter "
                "to see each case."
            ),
            "empty": _("No case matches here."),
            "open": _("Open the case"),
            "cases": _("%(count)s cases, %(red)s overdue"),
            "failed": _("The map could not be updated; it tries again with the list."),
            "lights": {light.value: str(light.label) for light in Light},
        },
    }
    context["layers"] = [
        {"name": level.name.lower(), "label": level.label, "checked": on}
        for level, (_tolerance, on) in LAYERS.items()
    ]
    return render(request, "web/centre.html", context)


@require_GET
@centre_view
def centre_live(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The counters and the list alone, for the page to refresh itself."""
    form = CentreFilterForm(request.GET, actor=actor)
    if not form.is_valid():
        return HttpResponse(_refusal(form), status=400, content_type="text/plain; charset=utf-8")
    response = render(request, "web/centre_live.html", _live(actor, form))
    # The map follows the list: it reloads its markers when this arrives.
    response["HX-Trigger-After-Settle"] = "centre-updated"
    return response


# Dispatching several cases at once.


@dataclass(frozen=True)
class Outcome:
    """What became of one case of a bulk dispatch."""

    number: str
    done: bool
    message: str


class BulkDispatchForm(forms.Form):
    """The cases ticked in the list, each as NUMBER:VERSION (the version the user saw), and
    where to send them: by the responsibility table, or all to one department."""

    department = forms.ChoiceField(label=gettext_lazy("Dispatch to"), required=False)

    def __init__(self, data: QueryDict, *, actor: Actor) -> None:
        super().__init__(data)
        self.departments = departments_reaching(actor)
        self.fields["department"].choices = _department_choices(  # type: ignore[attr-defined]
            self.departments, _("Each where the responsibility table routes it")
        )
        self.picked = data.getlist("case")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.picked:
            raise forms.ValidationError(_("Tick the cases to dispatch."), code="none")
        if len(self.picked) > PAGE_SIZE:
            raise forms.ValidationError(
                _("At most %(count)d cases are dispatched at once.") % {"count": PAGE_SIZE},
                code="too_many",
            )
        cases: list[tuple[str, int]] = []
        for value in self.picked:
            number, _sep, version = value.partition(":")
            if not (number.isdigit() and version.isdigit() and len(number) <= 20):
                raise forms.ValidationError(
                    _("%(value)s does not name a case.") % {"value": value[:40]}, code="bad_case"
                )
            cases.append((number, int(version)))
        cleaned["cases"] = list(dict.fromkeys(cases))
        return cleaned


def _dispatch_one(
    actor: Actor, number: str, version: int, department: Organisation | None
) -> Outcome:
    """Dispatch one case in its own transaction: a refusal leaves the others as they are."""
    visible = cases_visible(actor).select_related("grid", "category", "holder")
    case = visible.defer("grid__geometry").filter(number=number).first()
    if case is None:
        return Outcome(number, False, _("No such case among those you may see."))
    try:
        case = case_act(
            case=case,
            action=Action.DISPATCH,
            actor=actor,
            version=version,
            department=department,
        )
    except TransitionRefused as exc:
        return Outcome(number, False, _refusal_text(exc, case))
    except CaseConflict as exc:
        return Outcome(number, False, str(exc))
    return Outcome(number, True, _("Dispatched to %(department)s.") % {"department": case.holder})


def _refusal_text(exc: TransitionRefused, case: Case) -> str:
    """The workflow table's refusals in the user's language; the services word their own."""
    if exc.code == "illegal_transition":
        return _("A case is dispatched once registered (or returned); this one is %(status)s.") % {
            "status": case.get_status_display()
        }
    if exc.code == "forbidden_role":
        return _("Dispatching is for the operations centres' dispatchers and duty chiefs.")
    return exc.reason


@require_POST
@centre_view
def centre_dispatch(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Dispatch the ticked cases, each on its own: the answer says, case by case, whether it
    went and where, or why not. A refusal of one does not undo the others."""
    form = BulkDispatchForm(request.POST, actor=actor)
    outcomes: list[Outcome] = []
    status = 200
    if form.is_valid():
        chosen = form.cleaned_data["department"]
        department = form.departments.get(pk=chosen) if chosen else None
        outcomes = [
            _dispatch_one(actor, number, version, department)
            for number, version in form.cleaned_data["cases"]
        ]
    else:
        status = 400
    # The no-script page links back to the list as it was, filters and all.
    back = QueryDict(request.POST.get("back", "")).urlencode()
    context = {"form": form, "outcomes": outcomes, "back": back}
    if request.headers.get("HX-Request"):
        response = render(request, "web/centre_dispatched_result.html", context, status=status)
        if outcomes:
            response["HX-Trigger"] = "centre-refresh"
        return response
    return render(request, "web/centre_dispatched.html", context, status=status)


# The map: grid layers and case markers.


def _display(lng: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 positions in the map's system (the tiles')."""
    return from_wgs84(lng, lat, CRS(settings.WANGGE_TILE_CRS))


def scope_bounds(actor: Actor) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the user's grids, in the map's system."""
    grids = Grid.objects.all()
    if actor.scope.everything:
        grids = grids.filter(parent__isnull=True)
    else:
        grids = grids.filter(path__in=sorted(actor.scope.grid_paths))
    box = grids.aggregate(
        west=Min("min_lng"), south=Min("min_lat"), east=Max("max_lng"), north=Max("max_lat")
    )
    if box["west"] is None:
        return None
    lng, lat = _display([box["west"], box["east"]], [box["south"], box["north"]])
    return [[float(lat[0]), float(lng[0])], [float(lat[1]), float(lng[1])]]


@require_GET
@centre_view
def centre_grids(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The user's grids of one level (``?level=town|area|unit|block``) as GeoJSON, simplified
    for drawing. Kept by the server until the grid tree changes, and by the browser, which asks
    again each time and gets "304 Not Modified" until then."""
    levels = {level.name.lower(): level for level in LAYERS}
    level = levels.get(request.GET.get("level", ""))
    if level is None:
        return JsonResponse(
            {"detail": _("Name a level: %(levels)s.") % {"levels": ", ".join(levels)}},
            status=400,
        )
    revision = grid_tree_revision()
    crs = settings.WANGGE_TILE_CRS
    scope = actor.scope
    paths = None if scope.everything else sorted(scope.grid_paths)
    etag = hashlib.sha256(json.dumps([revision, level, crs, paths]).encode()).hexdigest()[:32]
    etag = f'"{etag}"'
    if etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(headers={"ETag": etag})
    features = [
        feature
        for path, feature in drawn_level(revision, level, crs)
        if paths is None or any(path.startswith(outer) for outer in paths)
    ]
    body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    return HttpResponse(
        body,
        content_type="application/geo+json",
        headers={"ETag": etag, "Cache-Control": "private, no-cache"},
    )


def drawn_level(revision: str, level: GridLevel, crs: str) -> list[tuple[str, str]]:
    """Every grid of ``level`` as (path, GeoJSON Feature text), simplified and in ``crs``;
    built once per tree revision and kept in the cache."""
    key = f"wangge:centre:grids:{revision}:{level}:{crs}"
    found: list[tuple[str, str]] | None = cache.get(key)
    if found is not None:
        return found
    rows = list(
        Grid.objects.filter(level=level)
        .order_by("path")
        .values_list("path", "code", "name", "geometry")
    )
    shapes = shapely.from_geojson([json.dumps(row[3]) for row in rows]) if rows else []
    tolerance, _on = LAYERS[level]
    shapes = shapely.simplify(shapes, tolerance, preserve_topology=True)

    def to_map(positions: np.ndarray) -> np.ndarray:
        lng, lat = _display(positions[:, 0], positions[:, 1])
        return np.round(np.column_stack([lng, lat]), DECIMALS)

    shapes = shapely.transform(shapes, to_map)
    texts = shapely.to_geojson(shapes) if rows else []
    found = [
        (
            path,
            '{"type":"Feature","properties":'
            + json.dumps({"code": code, "name": name}, ensure_ascii=False)
            + ',"geometry":'
            + str(text)
            + "}",
        )
        for (path, code, name, _geometry), text in zip(rows, texts, strict=True)
    ]
    cache.set(key, found, timeout=None)
    return found


@dataclass(frozen=True)
class _Node:
    """A grid as the map's counts need it: where it hangs, and a point inside it."""

    parent: int | None
    level: int
    code: str
    name: str
    lng: float
    lat: float


_tree_lock = threading.Lock()
_tree: tuple[str, dict[int, _Node]] | None = None


def _grid_tree() -> dict[int, _Node]:
    """Every grid by id, with a point inside each grid above the blocks (where its count is
    drawn); rebuilt when the grid tree changes, like the locator."""
    global _tree
    revision = grid_tree_revision()
    built = _tree
    if built is not None and built[0] == revision:
        return built[1]
    with _tree_lock:
        if _tree is None or _tree[0] != revision:
            rows = list(
                Grid.objects.order_by().values_list("pk", "parent_id", "level", "code", "name")
            )
            drawn = list(
                Grid.objects.filter(level__lt=GridLevel.BLOCK).values_list("pk", "geometry")
            )
            shapes = shapely.from_geojson([json.dumps(g) for _pk, g in drawn]) if drawn else []
            points = shapely.get_coordinates(shapely.point_on_surface(shapes)) if drawn else []
            inside = {
                pk: (float(x), float(y)) for (pk, _g), (x, y) in zip(drawn, points, strict=True)
            }
            nodes = {
                pk: _Node(parent, level, code, name, *inside.get(pk, (np.nan, np.nan)))
                for pk, parent, level, code, name in rows
            }
            _tree = (revision, nodes)
        return _tree[1]


def _bbox(value: str) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` in the map's system as WGS-84, or None for a bad one."""
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        return None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None
    lng, lat = to_wgs84([west, east], [south, north], CRS(settings.WANGGE_TILE_CRS))
    return float(lng[0]), float(lat[0]), float(lng[1]), float(lat[1])


@require_GET
@centre_view
def centre_cases(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The cases of the list's filters for the map (``?bbox=west,south,east,north`` for the
    part in view): each case while they are few, else their counts by grid, a level up while
    the groups are still too many."""
    form = CentreFilterForm(request.GET, actor=actor)
    if not form.is_valid():
        return JsonResponse({"detail": _refusal(form)}, status=400)
    queryset = cases_matching(actor, form.case_filter())
    if bbox_text := request.GET.get("bbox"):
        bbox = _bbox(bbox_text)
        if bbox is None:
            return JsonResponse(
                {"detail": _("bbox is west,south,east,north in degrees.")}, status=400
            )
        west, south, east, north = bbox
        queryset = queryset.filter(lng__range=(west, east), lat__range=(south, north))
    # Counted first, as far as the limit only: a crowded map never reads its cases one by one.
    if queryset.order_by()[: POINT_LIMIT + 1].count() > POINT_LIMIT:
        return JsonResponse({"points": [], "groups": _groups(queryset)})
    rows = queryset.order_by().values_list(
        "number", "lng", "lat", "light", "urgent", "status", "category__name"
    )
    return JsonResponse({"points": _points(list(rows)), "groups": []})


def _points(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    if not rows:
        return []
    lng, lat = _display([row[1] for row in rows], [row[2] for row in rows])
    statuses = dict(STATUS_CHOICES)
    return [
        {
            "number": number,
            "lng": round(float(x), DECIMALS),
            "lat": round(float(y), DECIMALS),
            "light": light,
            "urgent": urgent,
            "status": str(statuses.get(status, status)),
            "category": category,
        }
        for (number, _lng, _lat, light, urgent, status, category), x, y in zip(
            rows, lng, lat, strict=True
        )
    ]


def _groups(queryset: QuerySet[Case]) -> list[dict[str, Any]]:
    """The cases counted by the unit grid they lie in, or by area, town or district while
    there would be more than ``GROUP_LIMIT`` groups."""
    tree = _grid_tree()
    counts = case_lights_by_grid(queryset)
    for level in (GridLevel.UNIT, GridLevel.AREA, GridLevel.TOWN, GridLevel.DISTRICT):
        groups: dict[int, dict[str, int]] = {}
        for grid_id, lights in counts.items():
            by_light = groups.setdefault(_ancestor_at(tree, grid_id, level), {})
            for light, count in lights.items():
                by_light[light] = by_light.get(light, 0) + count
        if len(groups) <= GROUP_LIMIT:
            break
    anchors = [tree[pk] for pk in groups]
    lng, lat = _display([node.lng for node in anchors], [node.lat for node in anchors])
    return [
        {
            "code": node.code,
            "name": node.name,
            "lng": round(float(x), DECIMALS),
            "lat": round(float(y), DECIMALS),
            "count": sum(by_light.values()),
            "red": by_light.get(Light.RED, 0),
            "light": max(by_light, key=lambda light: LIGHT_RANK[Light(light)]),
        }
        for node, by_light, x, y in zip(anchors, groups.values(), lng, lat, strict=True)
    ]


def _ancestor_at(tree: dict[int, _Node], grid_id: int, level: int) -> int:
    """The grid's ancestor at ``level``, or the grid itself if it lies no deeper."""
    found, parent = grid_id, tree[grid_id].parent
    while tree[found].level > level and parent is not None:
        found, parent = parent, tree[parent].parent
    return found
