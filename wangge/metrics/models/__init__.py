from __future__ import annotations

from wangge.metrics.models.rollups import CaseRollup, ScopeKind, ScopeRollup, Target

__all__ = ["CaseRollup", "ScopeKind", "ScopeRollup", "Target"]
