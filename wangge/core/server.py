"""The production-style HTTP server: gunicorn with threaded workers, static files by whitenoise."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.app.base import BaseApplication

DEFAULT_BIND = "127.0.0.1:8000"


class _Gunicorn(BaseApplication):
    def __init__(self, application: Any, options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def default_workers() -> int:
    return min(4, (os.cpu_count() or 1) + 1)


def serve(*, bind: str = DEFAULT_BIND, workers: int | None = None, threads: int = 4) -> None:
    """Serve until interrupted; refuse to start on a database that lacks migrations."""
    executor = MigrationExecutor(connections["default"])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise CommandError(
            f"{len(pending)} migrations are not applied to the database: run `wangge migrate`"
        )
    call_command("collectstatic", interactive=False, verbosity=0)
    from wangge.grids.locator import grid_index
    from wangge.wsgi import application

    # Workers are forked from this process: they inherit the point → grid index built here once
    # (at city size it takes seconds), so no report waits for it; none may inherit the open
    # database connection.
    grid_index()
    connections.close_all()
    _Gunicorn(
        application,
        {
            "bind": bind,
            "workers": workers or default_workers(),
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": "-",
            "timeout": 60,
            "graceful_timeout": 10,
        },
    ).run()
