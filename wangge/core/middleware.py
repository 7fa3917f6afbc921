"""Requests turned away before any view sees them."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_plus

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

NUL = "\x00"


class NulRefusedMiddleware:
    """Answers 400 to a request with a NUL character in its path, its query, a header or a
    cookie. Nothing the platform keeps or looks up can hold one: PostgreSQL's text cannot, and a
    lookup of one (a case number in the path, a grid code in the query, a session key or an API
    token) fails inside the database, where it would answer 500. No honest client sends one.
    Bodies are the forms' and serializers' to check: their text fields refuse it already."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request):
            return HttpResponseBadRequest(
                _("The request holds a NUL character, which no name, number or code can hold."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _holds_nul(request: HttpRequest) -> bool:
    headers = (str(value) for name, value in request.META.items() if name.startswith("HTTP_"))
    return (
        NUL in request.path
        or NUL in unquote_plus(request.META.get("QUERY_STRING", ""))
        or any(NUL in value for value in headers)
        or any(NUL in name or NUL in value for name, value in request.COOKIES.items())
    )
