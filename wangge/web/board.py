"""The grid board (公示牌, Minhang seed 001: 统一宣传版面): the grid map with its blocks, the
people with photo and phone, the task list and the report QR code, as a page and as an A3 PDF.

The board is posted in the street, so its page is public like the board itself: it shows what
the seed puts on the board and nothing more (current board roles only, no accounts, no cases).
The PDF is for the staff who print boards: it needs a login and a grid in the user's scope, and
it is rendered from the same template, with the map drawn as SVG on the server so that it prints
and works without a network or a tile server."""

from __future__ import annotations

import base64
import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from wangge.catalog.models import TaskItem
from wangge.catalog.selectors import task_list_for_grid
from wangge.core.images import thumbnail
from wangge.grids.choices import GridLevel
from wangge.grids.models import Grid
from wangge.grids.selectors import board_map_grids
from wangge.people.models import Person
from wangge.people.scope import access_scope
from wangge.people.selectors import grid_board_contacts, grid_board_people, grid_board_person
from wangge.web import citizen

# WeasyPrint tells every rendering step at INFO, which would fill the server's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

BOARD_LEVELS = (GridLevel.UNIT, GridLevel.BLOCK)
MAP_WIDTH = 1000.0
PORTRAIT_SIDE = 240
# Dark enough for white initials at a contrast above 4.5:1.
PLACEHOLDER_COLOURS = ("#1f5fa8", "#1b7a36", "#8e1b6b", "#6a4c93", "#9a3b00", "#2f5d62")


@dataclass(frozen=True)
class MapArea:
    """One child grid on the board's map: its number in the legend, its outline as an SVG
    path, where its number is written, and whether it is the block the board is for."""

    number: int
    name: str
    code: str
    path: str
    label_x: float
    label_y: float
    current: bool


@dataclass(frozen=True)
class BoardMap:
    """The board's map in SVG units: the frame's outline and its numbered children."""

    width: float
    height: float
    outline: str
    areas: list[MapArea]
    label_size: float

    @property
    def view_box(self) -> str:
        """The drawing with a margin of one label all round, so no number is cut at the edge."""
        margin = self.label_size
        width, height = self.width + 2 * margin, self.height + 2 * margin
        return f"{-margin:.1f} {-margin:.1f} {width:.1f} {height:.1f}"


Projection = Callable[[float, float], tuple[float, float]]


def _projector(frame: BaseGeometry) -> tuple[Projection, float, float]:
    """Longitude and latitude to SVG units, north up: an equirectangular projection around the
    frame's middle latitude, which keeps shapes true at the size of a unit grid. Also the
    drawing's width and height."""
    min_lng, min_lat, max_lng, max_lat = frame.bounds
    stretch = math.cos(math.radians((min_lat + max_lat) / 2))
    span = max((max_lng - min_lng) * stretch, max_lat - min_lat) or 1.0
    scale = MAP_WIDTH / span

    def project(lng: float, lat: float) -> tuple[float, float]:
        return ((lng - min_lng) * stretch * scale, (max_lat - lat) * scale)

    return project, (max_lng - min_lng) * stretch * scale, (max_lat - min_lat) * scale


def _svg_path(geometry: BaseGeometry, project: Projection) -> str:
    polygons = getattr(geometry, "geoms", [geometry])
    parts = []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            points = [project(x, y) for x, y in ring.coords[:-1]]
            parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z")
    return " ".join(parts)


def board_map(frame: Grid, children: Iterable[Grid], current: Grid | None = None) -> BoardMap:
    """The frame grid with its children numbered, ready for an SVG drawn in the template."""
    outline = shape(frame.geometry)
    project, width, height = _projector(outline)
    # Simplified to a 2000th of the map's size, finer than print shows: the page stays small.
    tolerance = max(outline.bounds[2] - outline.bounds[0], outline.bounds[3] - outline.bounds[1])
    tolerance /= 2000
    areas = []
    for number, child in enumerate(children, start=1):
        geometry = shape(child.geometry).simplify(tolerance, preserve_topology=True)
        spot = geometry.representative_point()
        x, y = project(spot.x, spot.y)
        areas.append(
            MapArea(
                number=number,
                name=child.name.removeprefix(frame.name) or child.name,
                code=child.code,
                path=_svg_path(geometry, project),
                label_x=round(x, 1),
                label_y=round(y, 1),
                current=current is not None and child.pk == current.pk,
            )
        )
    simple = outline.simplify(tolerance, preserve_topology=True)
    label_size = max(14.0, min(40.0, MAP_WIDTH / (4 * math.sqrt(max(len(areas), 1)))))
    return BoardMap(
        width=round(width, 1),
        height=round(height, 1),
        outline=_svg_path(simple, project),
        areas=areas,
        label_size=round(label_size, 1),
    )


def initials(name: str) -> str:
    """What stands in for a missing photo: the given name of a Chinese name (its last two
    characters, as work apps in China show it), the initials of a name in Latin letters."""
    name = name.strip()
    if not name:
        return "?"
    if any("\u3400" <= char <= "\u9fff" for char in name):
        return name[-2:] if len(name) > 2 else name
    return "".join(word[0] for word in name.split()[:2]).upper()


def placeholder_colour(name: str) -> str:
    return PLACEHOLDER_COLOURS[sum(map(ord, name)) % len(PLACEHOLDER_COLOURS)]


def _board_grid(code: str) -> Grid | HttpResponse:
    """The grid a board is for, or the 404 that says why there is none."""
    grid = Grid.objects.filter(code=code).first()
    if grid is None:
        return HttpResponseNotFound(
            _("There is no grid %(code)s.") % {"code": code}, content_type="text/plain"
        )
    if grid.level not in BOARD_LEVELS:
        return HttpResponseNotFound(
            _("%(grid)s is a %(level)s: boards are posted for unit grids and their blocks.")
            % {"grid": grid.name, "level": grid.get_level_display()},
            content_type="text/plain",
        )
    return grid


def _task_classes(items: list[TaskItem]) -> list[tuple[str, list[TaskItem]]]:
    """Items under their classes, the classes in the order they first appear (the district's
    base items come first, then the town's own)."""
    classes: dict[str, list[TaskItem]] = {}
    for item in items:
        classes.setdefault(item.task_class, []).append(item)
    return list(classes.items())


def _portrait(person: Person) -> bytes:
    with person.photo.open("rb") as stored:
        picture = ContentFile(stored.read(), name=person.photo.name)
    return thumbnail(picture, side=PORTRAIT_SIDE).read()


def _data_uri(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _board_context(request: HttpRequest, grid: Grid, *, for_print: bool) -> dict[str, Any]:
    frame, children = board_map_grids(grid)
    people = []
    for member in grid_board_people(grid):
        person = member.person
        photo = ""
        if person.photo:
            photo = (
                _data_uri(_portrait(person), "image/jpeg")
                if for_print
                else reverse("web:board-photo", args=[grid.code, person.pk])
            )
        people.append(
            {
                "member": member,
                "photo": photo,
                "initials": initials(person.name),
                "colour": placeholder_colour(person.name),
                "where": [
                    g.name.removeprefix(frame.name) or g.name
                    for g in member.grids
                    if g.level == GridLevel.BLOCK
                ],
            }
        )
    qr = ""
    if for_print:  # the same code as /r/g/<code>/qr.svg, carried inside the PDF
        qr = _data_uri(citizen.grid_qr(request, grid.code).content, "image/svg+xml")
    return {
        "grid": grid,
        "frame": frame,
        "map": board_map(frame, children, current=grid if grid.pk != frame.pk else None),
        "people": people,
        "task_classes": _task_classes(task_list_for_grid(grid)),
        "contacts": grid_board_contacts(grid),
        "points": settings.WANGGE_CITIZEN_POINTS_PER_REPORT,
        "chain": list(grid.ancestors().filter(level__gt=GridLevel.DISTRICT)),
        "qr": qr,
        "for_print": for_print,
    }


def board(request: HttpRequest, code: str) -> HttpResponse:
    """The board of a unit grid or a block, for anyone (it hangs in the street)."""
    grid = _board_grid(code)
    if isinstance(grid, HttpResponse):
        return grid
    context = _board_context(request, grid, for_print=False)
    context["can_print"] = access_scope(request.user).can_see_grid(grid)
    return render(request, "web/board.html", context)


@cache_control(max_age=3600)
def board_photo(request: HttpRequest, code: str, person_id: int) -> HttpResponse:
    """A person's photo as the board shows it, for people on that board only."""
    grid = _board_grid(code)
    if isinstance(grid, HttpResponse):
        return grid
    person = grid_board_person(grid, person_id)
    if person is None or not person.photo:
        return HttpResponseNotFound(
            _("This board shows no photo of that person."), content_type="text/plain"
        )
    return HttpResponse(_portrait(person), content_type="image/jpeg")


@login_required
def board_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The board as an A3 PDF for printing, with its Chinese fonts embedded."""
    # Imported here: WeasyPrint loads Pango when imported, which only this view needs.
    from PIL import ImageFile
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    # WeasyPrint switches on Pillow's acceptance of truncated images for the whole process when
    # imported; uploads must still be refused when cut short (core.images), so it goes off again.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    grid = _board_grid(code)
    if isinstance(grid, HttpResponse):
        return grid
    if not access_scope(request.user).can_see_grid(grid):
        return HttpResponseForbidden(
            _("You may print the boards of your own grids only."), content_type="text/plain"
        )
    html = render_to_string(
        "web/board_print.html", _board_context(request, grid, for_print=True), request=request
    )
    stylesheet = finders.find("web/board.css")
    # Everything the PDF shows is inside the page: nothing is fetched from a network or a disk.
    offline = URLFetcher(allowed_protocols={"data"})
    pdf = HTML(string=html, url_fetcher=offline).write_pdf(
        stylesheets=[CSS(filename=str(stylesheet), url_fetcher=offline)]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="board-{grid.code}.pdf"'
    return response
