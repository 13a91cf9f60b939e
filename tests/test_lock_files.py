"""The lock files pin every dependency pyproject.toml names, each to one exact version."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~;\[]", line, maxsplit=1)[0].lower() for line in requirements}


def _pins(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_every_dependency_is_pinned_in_the_lock_files() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    app = _names(project["dependencies"])
    test = app | _names(project["optional-dependencies"]["test"])
    app_pins = _pins(ROOT / "requirements" / "app.lock")
    test_pins = _pins(ROOT / "requirements" / "test.lock")
    normal = {name.replace("_", "-") for name in app_pins}
    assert {name.replace("_", "-") for name in app} <= normal
    assert {name.replace("_", "-") for name in test} <= {n.replace("_", "-") for n in test_pins}
    shared = set(app_pins) & set(test_pins)
    assert all(app_pins[name] == test_pins[name] for name in shared), "the locks disagree"
