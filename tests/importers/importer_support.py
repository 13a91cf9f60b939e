"""Helpers for importer tests: the scenario's start, file checksums, Slack export folders."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

START = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
SCENARIO = Path(__file__).resolve().parents[1] / "data" / "checkout-outage.csv"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ts(moment: datetime, micro: int = 200) -> str:
    """A Slack `ts` for `moment` ('1795788000.000200')."""
    return f"{int(moment.timestamp())}.{micro:06d}"


def write_slack(root: Path, channel: str, days: dict[str, list[dict[str, Any]]]) -> Path:
    """A Slack export: root/users.json and root/<channel>/<day>.json; the channel folder."""
    root.mkdir(parents=True, exist_ok=True)
    users = [
        {"id": "U1", "name": "alice", "real_name": "Alice Adams"},
        {"id": "U2", "name": "bob", "profile": {"real_name": "Bob Brown"}},
    ]
    (root / "users.json").write_text(json.dumps(users), encoding="utf-8")
    folder = root / channel
    folder.mkdir()
    for day, messages in days.items():
        (folder / f"{day}.json").write_text(json.dumps(messages), encoding="utf-8")
    return folder


NOW = START + timedelta(days=1)
"""The importers' clock in these tests: a day after the scenario began, so nothing is future."""
