"""`incident-recorder serve` as a user runs it: a real process on loopback, curl-like requests,
Ctrl+C / SIGTERM for a clean exit 0, and the entries in the export afterwards."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from incident_recorder.storage import IncidentFile
from tests.cli.serve_support import Served

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    path = tmp_path / "checkout.incident"
    IncidentFile.create(path, "Checkout outage").close()
    return path


@pytest.fixture
def served(incident: Path) -> Iterator[Served]:
    server = Served(str(incident), "--port", "0")
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.communicate(timeout=30)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_prints_url_token_and_curl_lines(served: Served, incident: Path) -> None:
    assert served.url.startswith("http://127.0.0.1:") and served.port > 0
    assert served.banner[1] == f"Recording into {incident} — Checkout outage"
    curls = [line for line in served.banner if line.strip().startswith("curl ")]
    assert len(curls) == 3
    assert all(f"Authorization: Bearer {served.token}" in line for line in curls)
    assert curls[0].endswith(f"{served.url}/events")
    with IncidentFile.open(incident, readonly=True) as handle:
        assert handle.webhook_token() == served.token  # stored for the next run and the GUI


def test_alertmanager_post_then_sigterm_then_export(
    served: Served, incident: Path, tmp_path: Path
) -> None:
    status, body = served.post("/alertmanager", (DATA / "alertmanager-firing.json").read_bytes())
    assert status == 200 and body == {"recorded": [1, 2], "duplicates": []}
    status, body = served.post("/alertmanager", (DATA / "alertmanager-firing.json").read_bytes())
    assert body["recorded"] == [] and len(body["duplicates"]) == 2
    assert served.post("/events", b'{"text": "x"}', token="w" * 20)[0] == 401
    code, out, err = served.stop(signal.SIGTERM)
    assert code == 0, err
    # the refused request is one line on stderr (a misconfigured sender is visible), no token
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d refused 401 POST /events from 127\.0\.0\.1: "
        r"the bearer token is not this incident's webhook token\n",
        err,
    ), err
    assert served.token not in err and "w" * 20 not in err
    lines = out.splitlines()
    assert re.fullmatch(
        r"\d\d:\d\d:\d\d entry 1 \(detection\) ← alertmanager: Alert firing: "
        r"CheckoutHighErrorRate — checkout-api 5xx rate above 5% for 3 minutes",
        lines[0],
    ), lines
    skipped = "duplicate of entry 1, skipped ← alertmanager: Alert firing: CheckoutHighErrorRate"
    assert skipped in lines[2]
    assert lines[-1] == "Stopped. 2 entries recorded, 2 duplicate deliveries skipped."
    result = run("export", str(incident), "--format", "json", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / "out" / "incident.json").read_text())
    texts = json.dumps(document)
    assert "Alert firing: CheckoutHighErrorRate" in texts and "checkout-api-2:9100" in texts


def test_ctrl_c_stops_cleanly(served: Served) -> None:
    code, out, err = served.stop(signal.SIGINT)
    assert code == 0 and err == ""
    assert out.strip().endswith("Stopped. 0 entries recorded, 0 duplicate deliveries skipped.")


def test_another_host_is_warned_about(incident: Path) -> None:
    server = Served(str(incident), "--port", "0", "--host", "0.0.0.0")
    code, _, err = server.stop()
    assert code == 0
    assert err.startswith("incident-recorder: warning: listening on 0.0.0.0")
    assert "plain HTTP" in err


def test_a_chosen_token_is_used_and_kept(incident: Path) -> None:
    server = Served(str(incident), "--port", "0", "--token", "deploy-bot-0123456789abcdef")
    try:
        assert server.token == "deploy-bot-0123456789abcdef"
        assert server.post("/events", b'{"text": "Deploy started", "kind": "action"}')[0] == 200
    finally:
        assert server.stop()[0] == 0
    with IncidentFile.open(incident, readonly=True) as handle:
        assert handle.webhook_token() == "deploy-bot-0123456789abcdef"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--token", "short"], "at least 16 characters"),
        (["--port", "70000"], "not a port"),
        (["--host", "not a host name"], "cannot listen on not a host name"),
    ],
)
def test_bad_options_are_one_clear_line(incident: Path, args: list[str], fragment: str) -> None:
    result = run("serve", str(incident), *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("incident-recorder: error: ") and fragment in line


def test_a_missing_file_or_a_busy_port(served: Served, tmp_path: Path) -> None:
    result = run("serve", str(tmp_path / "nope.incident"))
    assert result.returncode == 1 and "no such incident file" in result.stderr
    result = run("serve", str(tmp_path / "checkout.incident"), "--port", str(served.port))
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert f"cannot listen on 127.0.0.1 port {served.port}" in line


def test_help_names_the_endpoints() -> None:
    result = run("serve", "--help")
    assert result.returncode == 0
    for fragment in ("/events", "/alertmanager", "/grafana", "--port", "--host", "--token"):
        assert fragment in result.stdout
    assert "serve" in run("--help").stdout


def test_serve_runs_under_the_installed_environment() -> None:
    """The subprocesses above import this worktree's code, not another checkout's."""
    result = subprocess.run(
        [sys.executable, "-c", "import incident_recorder.webhooks, sys; print('ok')"],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
    )
    assert result.stdout.strip() == "ok", result.stderr
