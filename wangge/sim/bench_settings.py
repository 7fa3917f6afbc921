"""Settings of the server ``wangge bench intake`` starts: the project's own in every respect but
the URL conf, which adds the bare endpoint. Nothing else ever selects this module."""

from __future__ import annotations

from wangge.settings import *  # noqa: F403

ROOT_URLCONF = "wangge.sim.bench_urls"
