"""``wangge detections``: systems with a secret shown once, cameras placed in their grid."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from wangge.core.coords import wgs84_to_gcj02
from wangge.intake.detections import signature_of
from wangge.intake.models import Camera, DetectionSystem
from wangge.intake.tests.conftest import URL, detection, spot
from wangge.people.testing import Cast


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("detections", *args, stdout=out)
    return out.getvalue().splitlines()


def signed_post(code: str, secret: str) -> int:
    raw = json.dumps(detection(camera="CAM-1")).encode()
    stamp = str(int(time.time()))
    headers = {
        "X-Wangge-System": code,
        "X-Wangge-Timestamp": stamp,
        "X-Wangge-Signature": signature_of(secret, stamp, raw),
    }
    return Client().post(URL, raw, content_type="application/json", headers=headers).status_code


def test_a_system_s_secret_is_printed_once_and_signs_its_requests(cast: Cast) -> None:
    secret = run("system", "yingpu-ai", "--name", "盈浦智能场景", "--min-confidence", "0.9")[-1]
    system = DetectionSystem.objects.get(code="yingpu-ai")
    assert system.min_confidence == 0.9 and system.channel == "ai"
    lng, lat = spot(cast.block_b)
    run("camera", "CAM-1", "--system", "yingpu-ai", "--lng", str(lng), "--lat", str(lat))
    assert signed_post("yingpu-ai", secret) == 201

    with pytest.raises(CommandError, match="new-secret"):
        run("system", "yingpu-ai")
    replaced = run("system", "yingpu-ai", "--new-secret")[-1]
    assert replaced != secret
    assert signed_post("yingpu-ai", secret) == 401


def test_a_camera_is_placed_in_its_grid_from_any_map_s_coordinates(cast: Cast) -> None:
    run("system", "yingpu-ai")
    lng, lat = spot(cast.block_a)
    amap_lng, amap_lat = (float(v) for v in wgs84_to_gcj02(lng, lat))  # type: ignore[arg-type]
    printed = run(
        "camera", "CAM-1", "--system", "yingpu-ai", "--crs", "gcj02",
        "--lng", str(amap_lng), "--lat", str(amap_lat), "--name", "江川路口",
    )  # fmt: skip
    camera = Camera.objects.get(code="CAM-1")
    assert camera.grid == cast.block_a and cast.block_a.code in printed[-1]
    assert camera.lng == pytest.approx(lng, abs=1e-7) and camera.lat == pytest.approx(lat, abs=1e-7)
    with pytest.raises(CommandError, match="outside every grid"):
        run("camera", "CAM-2", "--system", "yingpu-ai", "--lng", "116.4", "--lat", "39.9")
    with pytest.raises(CommandError, match="no detection system"):
        run("camera", "CAM-3", "--system", "nobody", "--lng", str(lng), "--lat", str(lat))


def test_cameras_are_imported_from_a_file_all_or_none(cast: Cast, tmp_path: Path) -> None:
    run("system", "yingpu-ai")
    (a_lng, a_lat), (b_lng, b_lat) = spot(cast.block_a), spot(cast.block_b)
    rows = f"code,name,lng,lat\nCAM-A,江川路口,{a_lng},{a_lat}\nCAM-B,古美路口,{b_lng},{b_lat}\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(rows + "CAM-X,北京,116.4,39.9\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 4"):
        run("import", str(bad), "--system", "yingpu-ai")
    assert not Camera.objects.exists()
    good = tmp_path / "good.csv"
    good.write_text(rows, encoding="utf-8")
    run("import", str(good), "--system", "yingpu-ai")
    assert dict(Camera.objects.values_list("code", "grid__code")) == {
        "CAM-A": cast.block_a.code,
        "CAM-B": cast.block_b.code,
    }
