"""Whether the console's navigation shows the rating and comparison pages to a user."""

from __future__ import annotations

from typing import Any

from django import template

from wangge.people.models import RoleAssignment
from wangge.people.scope import current_roles_q
from wangge.web.colours import METRICS_ROLES

register = template.Library()


@register.filter
def sees_metrics(user: Any) -> bool:
    """The same rule as the pages' (``may_see_metrics``) in one query, remembered on the
    request's user for the second link: every console page draws the navigation."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and user.is_active:
        return True
    seen = getattr(user, "_sees_metrics", None)
    if seen is None:
        seen = user._sees_metrics = RoleAssignment.objects.filter(
            current_roles_q(),
            person__user=user,
            person__is_active=True,
            role__in=METRICS_ROLES,
        ).exists()
    return bool(seen)
