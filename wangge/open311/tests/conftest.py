from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from wangge.catalog.services import catalog_load_defaults
from wangge.intake.keys import api_key_create
from wangge.people.testing import Cast, build_cast


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    catalog_load_defaults()
    return build_cast()


@pytest.fixture
def api_key(cast: Cast) -> str:
    return api_key_create(name="市民随手拍")[1]


@pytest.fixture
def picture_host(settings: Any) -> Iterator[dict[str, bytes]]:
    """A web server on 127.0.0.1 serving whatever the test puts under a path."""
    files: dict[str, bytes] = {}

    class Files(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.WANGGE_MEDIA_FETCH_PRIVATE = True
    files["base"] = f"http://127.0.0.1:{server.server_port}".encode()
    yield files
    server.shutdown()
