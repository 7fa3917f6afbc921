from __future__ import annotations

from wangge.metrics.models.colours import ColourModel

__all__ = ["ColourModel"]
