"""Open311 GeoReport v2 bodies in its two formats, chosen by the path's suffix: the same data
as JSON, or as XML with the element names the specification gives each list's items."""

from __future__ import annotations

import datetime
import json
from typing import Any
from xml.etree import ElementTree

from django.http import HttpResponse
from django.utils import timezone

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The element each list's items take in XML (GeoReport v2's examples).
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return w3c(value)
    return str(value)


def w3c(moment: datetime.datetime) -> str:
    """A moment as the specification writes them: W3C format, in the district's time zone."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return w3c(value)
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    return value


def _element(name: str, value: Any) -> ElementTree.Element:
    element = ElementTree.Element(name)
    if isinstance(value, dict):
        for key, item in value.items():
            element.append(_element(key, item))
    elif isinstance(value, list):
        for item in value:
            element.append(_element(ITEMS[name], item))
    else:
        element.text = _text(value)
    return element


def render(fmt: str, root: str, body: Any, status: int = 200) -> HttpResponse:
    """``body`` (a list for the list-shaped answers, else a dict) as JSON, or as XML under
    ``root``."""
    if fmt == "xml":
        document = ElementTree.tostring(_element(root, body), encoding="unicode")
        content = f'<?xml version="1.0" encoding="utf-8"?>\n{document}'
    else:
        content = json.dumps(_json_value(body), ensure_ascii=False)
    return HttpResponse(content, status=status, content_type=FORMATS[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The specification's error body: one entry per problem, each with the status code."""
    body = [{"code": status, "description": text} for text in descriptions]
    return render(fmt, "errors", body, status=status)
