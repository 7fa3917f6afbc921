from __future__ import annotations

from wangge.metrics.admin import colours

__all__ = ["colours"]
