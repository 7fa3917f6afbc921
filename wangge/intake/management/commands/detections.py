from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from wangge.core.coords import CRS
from wangge.intake.detections import (
    camera_register,
    detection_system_create,
    detection_system_new_secret,
)
from wangge.intake.models import DETECTION_CHANNELS, DetectionSystem

CSV_COLUMNS = ("code", "name", "lng", "lat")


class Command(BaseCommand):
    help = "Smart-scene detections: register the systems that report and the cameras they watch."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        system = actions.add_parser(
            "system", help="a new detection system; its secret is printed once, as the last line"
        )
        system.add_argument("code", help="how the system names itself in X-Wangge-System")
        system.add_argument("--name", default="", help="what people call it (default: the code)")
        system.add_argument(
            "--channel",
            default=DETECTION_CHANNELS[0][0],
            choices=[value for value, _label in DETECTION_CHANNELS],
            help="ai for smart-scene algorithms, video for a video-patrol platform (default: ai)",
        )
        system.add_argument(
            "--min-confidence",
            type=float,
            default=None,
            help="less sure detections wait for a dispatcher (default: 0.8)",
        )
        system.add_argument(
            "--new-secret",
            action="store_true",
            help="replace the secret of an existing system (printed once, as the last line)",
        )

        camera = actions.add_parser("camera", help="register a camera, or move or rename it")
        camera.add_argument("code")
        camera.add_argument("--system", required=True, help="the code of the system reporting")
        camera.add_argument("--lng", type=float, required=True)
        camera.add_argument("--lat", type=float, required=True)
        camera.add_argument("--name", default="", help="where it looks (default: the code)")
        camera.add_argument("--crs", default=CRS.WGS84.value, choices=[c.value for c in CRS])
        camera.add_argument("--inactive", action="store_true", help="register it switched off")

        cameras = actions.add_parser(
            "import", help="register the cameras of a CSV file (code,name,lng,lat), all or none"
        )
        cameras.add_argument("file", type=Path)
        cameras.add_argument("--system", required=True, help="the code of the system reporting")
        cameras.add_argument("--crs", default=CRS.WGS84.value, choices=[c.value for c in CRS])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"handle_{options['action']}")(options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def handle_system(self, options: dict[str, Any]) -> None:
        existing = DetectionSystem.objects.filter(code=options["code"]).first()
        if existing is not None and not options["new_secret"]:
            raise CommandError(
                f"{existing} exists; --new-secret replaces its secret, the admin changes the rest"
            )
        if existing is not None:
            system, secret = existing, detection_system_new_secret(system=existing)
        else:
            system, secret = detection_system_create(
                code=options["code"],
                name=options["name"],
                channel=options["channel"],
                min_confidence=options["min_confidence"],
            )
        self.stdout.write(f"Secret for {system} ({system.get_channel_display()}); keep it safe:")
        self.stdout.write(secret)

    def handle_camera(self, options: dict[str, Any]) -> None:
        camera = camera_register(
            code=options["code"],
            name=options["name"],
            lng=options["lng"],
            lat=options["lat"],
            crs=options["crs"],
            system=self._system(options["system"]),
            is_active=not options["inactive"],
        )
        self.stdout.write(f"{camera} in {camera.grid.code} {camera.grid.name}")

    def handle_import(self, options: dict[str, Any]) -> None:
        system = self._system(options["system"])
        try:
            with options["file"].open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"{options['file']}: {exc}") from exc
        with transaction.atomic():
            for line, row in enumerate(rows, start=2):
                try:
                    if any(not (row.get(column) or "").strip() for column in CSV_COLUMNS):
                        raise ValueError(f"every row needs {', '.join(CSV_COLUMNS)}")
                    camera_register(
                        code=row["code"].strip(),
                        name=row["name"].strip(),
                        lng=float(row["lng"]),
                        lat=float(row["lat"]),
                        crs=options["crs"],
                        system=system,
                    )
                except (ValueError, ValidationError) as exc:
                    reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else exc
                    raise CommandError(f"line {line}: {reason}; no camera imported") from exc
        self.stdout.write(f"{len(rows)} cameras of {system}")

    def _system(self, code: str) -> DetectionSystem:
        system = DetectionSystem.objects.filter(code=code).first()
        if system is None:
            raise CommandError(f"no detection system {code}; make it with: detections system")
        return system
