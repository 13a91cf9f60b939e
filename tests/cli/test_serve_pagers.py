"""`serve` as a real process with PagerDuty's signing secret (--pagerduty-secret-file, or the
environment): signed pages recorded, unsigned ones refused 401 with one stderr line each, and
Opsgenie's actions recorded with their milestones."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import subprocess
import sys
from pathlib import Path

import pytest
from serve_support import Served

from incident_recorder.domain.milestones import Milestone
from incident_recorder.storage import IncidentFile

DATA = Path(__file__).resolve().parents[1] / "data"
SECRET = "pd-signing-secret-0123456789abcdef"


def _post(served: Served, path: str, body: bytes, signature: str | None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {served.token}", "Content-Type": "application/json"}
    if signature is not None:
        headers["X-PagerDuty-Signature"] = signature
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def _signed(body: bytes) -> str:
    return "v1=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("given_by", ["file", "environment"])
def test_a_signing_secret_refuses_unsigned_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given_by: str
) -> None:
    path = tmp_path / "paged.incident"
    IncidentFile.create(path, "Checkout outage").close()
    options = ["--port", "0"]
    if given_by == "file":
        secret_file = tmp_path / "pagerduty.secret"
        secret_file.write_text(SECRET + "\n")
        options += ["--pagerduty-secret-file", str(secret_file)]
    else:
        monkeypatch.setenv("INCIDENT_RECORDER_PAGERDUTY_SECRET", SECRET)
    served = Served(str(path), *options)
    try:
        assert "PagerDuty signatures: checked." in served.banner
        triggered = (DATA / "pagerduty-triggered.json").read_bytes()
        assert _post(served, "/pagerduty", triggered, None)[0] == 401
        assert _post(served, "/pagerduty", triggered, "v1=" + "ab" * 32)[0] == 401
        status, reply = _post(served, "/pagerduty", triggered, _signed(triggered))
        assert status == 200 and len(reply["recorded"]) == 1
        for name in ("create", "acknowledge", "close"):
            body = (DATA / f"opsgenie-{name}.json").read_bytes()
            assert _post(served, "/opsgenie", body, None)[0] == 200
    finally:
        code, out, err = served.stop()
    assert code == 0
    refused = err.splitlines()
    assert len(refused) == 2, err  # one line per refusal, nothing else
    assert all(" refused 401 POST /pagerduty from 127.0.0.1: " in line for line in refused)
    assert SECRET not in err and SECRET not in out
    assert "← pagerduty: PagerDuty incident #2 triggered" in out
    with IncidentFile.open(path, readonly=True) as handle:
        assert handle.entry_count() == 4
        milestones = handle.milestones()
        assert milestones[Milestone.ACKNOWLEDGED] is not None
        assert milestones[Milestone.RESOLVED] is not None


def test_without_a_secret_the_banner_says_signatures_are_not_checked(tmp_path: Path) -> None:
    path = tmp_path / "paged.incident"
    IncidentFile.create(path, "Checkout outage").close()
    served = Served(str(path), "--port", "0")
    try:
        assert "PagerDuty signatures: not checked (no signing secret)." in served.banner
    finally:
        assert served.stop()[0] == 0


def test_an_empty_secret_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "paged.incident"
    IncidentFile.create(path, "Checkout outage").close()
    empty = tmp_path / "empty.secret"
    empty.write_text("\n")
    result = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "serve", str(path),
         "--pagerduty-secret-file", str(empty)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode != 0
    assert "holds no PagerDuty signing secret (its first line is empty)" in result.stderr
