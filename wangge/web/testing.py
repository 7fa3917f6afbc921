"""What the browser tests of the console share: an accessibility check with axe-core (from the
project's npm packages) and screenshots kept as artifacts of the run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

AXE = settings.NODE_MODULES / "axe-core" / "axe.min.js"
# What the issue asks every page to pass: form controls with labels, text with enough contrast;
# buttons, links and images need names for the same reason.
AXE_RULES = ["label", "color-contrast", "button-name", "link-name", "image-alt", "select-name"]
SCREENSHOTS = Path(settings.BASE_DIR).parent / "test-results" / "screenshots"


def accessibility_violations(page: Any) -> list[str]:
    """The page's violations of ``AXE_RULES``, one line each naming the rule and the elements."""
    page.add_script_tag(path=str(AXE))
    options = {"runOnly": {"type": "rule", "values": AXE_RULES}}
    result = page.evaluate(f"axe.run(document, {json.dumps(options)})")
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']]}"
        for violation in result["violations"]
    ]


def screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot under ``test-results/screenshots/NAME.png``, kept by CI."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
