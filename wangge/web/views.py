"""Pages of the web console. The patrol app is one page that keeps working without a network:
a service worker serves its shell from the phone's cache, and reports wait in the phone's
IndexedDB until the network returns; everything it does goes through the API."""

from __future__ import annotations

import io
from functools import cache

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import ensure_csrf_cookie
from PIL import Image, ImageDraw

ICON_SIZES = (192, 512)
THEME = "#1f5fa8"


@login_required
@ensure_csrf_cookie
def patrol(request: HttpRequest) -> HttpResponse:
    """The inspector's phone: locate, pick what was found from the grid's task list, photograph,
    send (now or when the network returns), and fix on the spot."""
    texts = {
        "online": _("Online: reports are sent at once."),
        "offline": _("Offline: reports wait on this phone and are sent when the network returns."),
        "nowhere": _("Your position is not in any grid; reports cannot be placed."),
        "no_position": _("The phone did not give a position; allow location and try again."),
        "queued": _("Saved on this phone; it will be sent."),
        "refused": _("Refused"),
        "login": _("Log in again to send what is waiting."),
        "grid": _("Grid"),
    }
    return render(request, "web/patrol.html", {"messages_for_script": texts})


def patrol_manifest(request: HttpRequest) -> JsonResponse:
    """What makes the patrol page installable on a phone's home screen."""
    return JsonResponse(
        {
            "name": _("Wangge patrol"),
            "short_name": _("Patrol"),
            "start_url": reverse("web:patrol"),
            "scope": reverse("web:patrol"),
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": THEME,
            "icons": [
                {
                    "src": reverse("web:patrol-icon", args=[size]),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                }
                for size in ICON_SIZES
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@cache_control(no_cache=True)
def patrol_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the page's own path so that it may control the page;
    it learns the static files' (versioned) addresses from here."""
    path = finders.find("web/patrol-sw.js")
    if not path:
        raise Http404
    with open(str(path), encoding="utf-8") as source:
        body = source.read()
    shell = [reverse("web:patrol"), static("web/patrol.js"), static("web/patrol.css")]
    head = "const SHELL = " + repr(shell).replace("'", '"') + ";\n"
    return HttpResponse(head + body, content_type="text/javascript; charset=utf-8")


@cache
def _icon(size: int) -> bytes:
    image = Image.new("RGB", (size, size), THEME)
    draw = ImageDraw.Draw(image)
    step = size // 4
    for offset in range(step, size, step):  # a grid, in white
        draw.line([(offset, step // 2), (offset, size - step // 2)], fill="white", width=size // 32)
        draw.line([(step // 2, offset), (size - step // 2, offset)], fill="white", width=size // 32)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@cache_control(max_age=86400)
def patrol_icon(request: HttpRequest, size: int) -> HttpResponse:
    if size not in ICON_SIZES:
        raise Http404
    return HttpResponse(_icon(size), content_type="image/png")
