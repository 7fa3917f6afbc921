"""Detection systems and cameras in the admin: the secret never shown again, the district's
configuration changed only by a district-wide scope."""

from __future__ import annotations

from django.test import Client

from wangge.intake.models import Camera
from wangge.intake.tests.conftest import Scene
from wangge.people.testing import Cast


def test_the_secret_is_never_shown_again(client: Client, cast: Cast, scene: Scene) -> None:
    client.force_login(cast.root)
    for page in (
        "/admin/intake/detectionsystem/",
        f"/admin/intake/detectionsystem/{scene.system.pk}/change/",
    ):
        response = client.get(page)
        assert response.status_code == 200
        assert scene.system.code in response.content.decode()
        assert scene.secret not in response.content.decode()
    assert client.get("/admin/intake/detectionsystem/add/").status_code == 403


def test_a_district_administrator_switches_a_camera_off(
    client: Client, cast: Cast, scene: Scene
) -> None:
    client.force_login(cast.root)
    camera = Camera.objects.get(code="CAM-B")
    response = client.post(
        f"/admin/intake/camera/{camera.pk}/change/", {"name": "古美路口", "lng": "0", "lat": "0"}
    )
    assert response.status_code == 302
    camera.refresh_from_db()
    assert not camera.is_active and camera.name == "古美路口"
    assert camera.grid == cast.block_b and camera.lng != 0  # moved only by the command


def test_a_town_administrator_sees_its_own_cameras_and_changes_none(
    client: Client, cast: Cast, scene: Scene
) -> None:
    client.force_login(cast.ada)
    listing = client.get("/admin/intake/camera/").content.decode()
    assert "CAM-A" in listing and "CAM-B" not in listing
    camera = Camera.objects.get(code="CAM-A")
    response = client.post(f"/admin/intake/camera/{camera.pk}/change/", {"name": "改掉"})
    assert response.status_code == 403
    assert Camera.objects.get(pk=camera.pk).is_active
    assert scene.system.code not in client.get("/admin/intake/detectionsystem/").content.decode()
