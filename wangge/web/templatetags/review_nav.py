"""Whether the console's navigation offers the quality review to a user."""

from __future__ import annotations

from typing import Any

from django import template

from wangge.metrics.review import RATER_ROLES, REVIEW_READERS
from wangge.people.models import RoleAssignment
from wangge.people.scope import current_roles_q

register = template.Library()


@register.filter
def may_review(user: Any) -> bool:
    """The centres, leaders and town chiefs read rounds; inspectors and supervisors rate."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return RoleAssignment.objects.filter(
        current_roles_q(),
        person__user_id=user.pk,
        person__is_active=True,
        role__in=REVIEW_READERS | RATER_ROLES,
    ).exists()
