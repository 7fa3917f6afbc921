"""The metrics app's models, one module per part."""

from __future__ import annotations

from wangge.metrics.models.colours import ColourModel
from wangge.metrics.models.review import (
    ReviewAssignment,
    ReviewDecision,
    ReviewRound,
    ReviewSample,
    ReviewScore,
)
from wangge.metrics.models.rollups import CaseRollup, ScopeKind, ScopeRollup, Target

__all__ = [
    "CaseRollup",
    "ColourModel",
    "ReviewAssignment",
    "ReviewDecision",
    "ReviewRound",
    "ReviewSample",
    "ReviewScore",
    "ScopeKind",
    "ScopeRollup",
    "Target",
]
