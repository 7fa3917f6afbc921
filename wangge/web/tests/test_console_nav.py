"""The console's navigation leads each user to the pages their roles open, not to refusals."""

from __future__ import annotations

import pytest
from django.test import Client

from wangge.people.testing import Cast, build_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


def nav_of(client: Client, cast: Cast, who: str) -> str:
    client.force_login(getattr(cast, who))
    page = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return page.split('<ul class="nav">')[1].split("</ul>")[0]


def test_the_navigation_shows_only_the_pages_one_s_roles_open(client: Client, cast: Cast) -> None:
    """A department's handler is not led to the command centre, the leader view or the ratings
    only to be refused there; the district's dispatcher is."""
    nav = nav_of(client, cast, "dora")
    assert "Inbox" in nav
    assert "Command centre" not in nav and "Leader view" not in nav
    assert "Three-colour rating" not in nav and "Quality review" not in nav
    nav = nav_of(client, cast, "carol")
    for title in (
        "Command centre",
        "Inbox",
        "Leader view",
        "Three-colour rating",
        "Quality review",
    ):
        assert title in nav
    assert 'aria-current="page">Inbox' in nav
