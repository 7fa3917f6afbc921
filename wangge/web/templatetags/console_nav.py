"""The console's navigation: the pages each user may open, from the roles they hold today, in
one query for every page that draws it. A link that would only lead to a refusal is not shown;
the pages themselves still check."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wangge.metrics.review import RATER_ROLES, REVIEW_READERS
from wangge.people.models import RoleAssignment
from wangge.people.scope import current_roles_q
from wangge.web.centre import CENTRE_PEOPLE
from wangge.web.colours import METRICS_ROLES
from wangge.web.leader import LEADER_ROLES

register = template.Library()


@dataclass(frozen=True)
class Entry:
    """A page in the navigation: its URL name, its title, and the roles that reach it (empty:
    everyone logged in)."""

    url_name: str
    title: Promise
    roles: frozenset[str] = frozenset()


ENTRIES = [
    Entry("centre", _("Command centre"), frozenset(CENTRE_PEOPLE)),
    Entry("inbox", _("Inbox")),
    Entry("leader", _("Leader view"), frozenset(LEADER_ROLES)),
    Entry("three-colour", _("Three-colour rating"), frozenset(METRICS_ROLES)),
    Entry("patrol-vs-complaint", _("Patrol against complaint"), frozenset(METRICS_ROLES)),
    Entry("review", _("Quality review"), frozenset(REVIEW_READERS | RATER_ROLES)),
]


@dataclass(frozen=True)
class Link:
    """An entry as the page draws it: where it goes, and whether the page is it or under it."""

    href: str
    title: Promise
    current: bool


@register.simple_tag(takes_context=True)
def console_nav(context: template.Context) -> list[Link]:
    """The links of the pages the request's user may open."""
    request = context["request"]
    user = request.user
    if not user.is_authenticated:
        return []
    if user.is_superuser and user.is_active:
        entries = ENTRIES
    else:
        roles = set(
            RoleAssignment.objects.filter(
                current_roles_q(), person__user=user, person__is_active=True
            ).values_list("role", flat=True)
        )
        entries = [entry for entry in ENTRIES if not entry.roles or entry.roles & roles]
    here = request.resolver_match.url_name if request.resolver_match else ""
    return [
        Link(
            reverse(f"web:{entry.url_name}"),
            entry.title,
            here == entry.url_name or here.startswith(f"{entry.url_name}-"),
        )
        for entry in entries
    ]
