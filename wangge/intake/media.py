"""Pictures that a report names by address (Open311's ``media_url``), fetched once and put
through the same checks as an upload.

The server fetching an address someone else chose is a way into its own network: addresses
that resolve to loopback, private or link-local networks are refused (unless the deployment
allows them), and so is every redirect that leads there."""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from wangge.core.images import MAX_BYTES, clean_image


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _check_address(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refuse(_("A media address starts with http:// or https://."), "media_url")
    if settings.WANGGE_MEDIA_FETCH_PRIVATE:
        return
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(parts.hostname, None)}
    except socket.gaierror as exc:
        raise _refuse(_("The media address cannot be found."), "media_url") from exc
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise _refuse(_("The media address is not on the public internet."), "media_url")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        _check_address(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_CheckedRedirects)


def media_fetch(url: str) -> ContentFile[bytes]:
    """The picture at ``url``, re-encoded without metadata, or ValidationError saying why not."""
    _check_address(url)
    request = urllib.request.Request(url, headers={"User-Agent": "Wangge media fetch"})
    try:
        with _opener.open(request, timeout=settings.WANGGE_MEDIA_FETCH_TIMEOUT) as response:
            body = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise _refuse(
            _("The picture at %(url)s could not be fetched.") % {"url": url}, "media_fetch"
        ) from exc
    if len(body) > MAX_BYTES:
        raise _refuse(_("The picture is too large."), "image_size")
    name = PurePosixPath(urlsplit(url).path).name or "media"
    return clean_image(ContentFile(body, name=name))
