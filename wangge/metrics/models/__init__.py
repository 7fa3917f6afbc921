"""The metrics app's models, one module per part."""

from wangge.metrics.models.review import (
    ReviewAssignment,
    ReviewDecision,
    ReviewRound,
    ReviewSample,
    ReviewScore,
)

__all__ = [
    "ReviewAssignment",
    "ReviewDecision",
    "ReviewRound",
    "ReviewSample",
    "ReviewScore",
]
