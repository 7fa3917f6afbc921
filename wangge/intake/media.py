"""Pictures that a report names by address (Open311's ``media_url``), fetched once and put
through the same checks as an upload.

The server fetching an address someone else chose is a way into its own network: addresses
that resolve to loopback, private or link-local networks are refused (unless the deployment
allows them), and so is every redirect that leads there. The check is made on the addresses the
connection then goes to, resolved once: a name that answers with a public address when checked
and a private one when connected to (DNS rebinding) gets nowhere. For the same reason pictures
are fetched directly, never through a proxy, which would resolve the name again itself."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
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


def _connect(
    address: tuple[str, int], timeout: Any = None, source_address: Any = None, **_more: Any
) -> socket.socket:
    """A connection to ``address``, on one of the addresses its name has just resolved to,
    each of them checked (the place of ``socket.create_connection`` in ``http.client``)."""
    host, port = address
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise _refuse(_("The media address cannot be found."), "media_url") from exc
    if not settings.WANGGE_MEDIA_FETCH_PRIVATE and not all(
        ipaddress.ip_address(str(sockaddr[0]).split("%")[0]).is_global for *_info, sockaddr in found
    ):
        raise _refuse(_("The media address is not on the public internet."), "media_url")
    failure: OSError = OSError(f"no address of {host} answered")
    for family, kind, protocol, _name, sockaddr in found:
        connection = socket.socket(family, kind, protocol)
        try:
            if isinstance(timeout, int | float):  # not http.client's "the default" object
                connection.settimeout(timeout)
            if source_address:
                connection.bind(source_address)
            connection.connect(sockaddr)
            return connection
        except OSError as exc:
            connection.close()
            failure = exc
    raise failure


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect


_TLS = ssl.create_default_context()


class _CheckedHTTP(urllib.request.HTTPHandler):
    def http_open(self, req: Any) -> Any:
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPS(urllib.request.HTTPSHandler):
    def https_open(self, req: Any) -> Any:
        return self.do_open(_CheckedHTTPSConnection, req, context=_TLS)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        _check_address(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), _CheckedHTTP, _CheckedHTTPS, _CheckedRedirects
)


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
