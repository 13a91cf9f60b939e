"""`serve` as a real process: --allow-host, the Host check and the future rule, end to end."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
from pathlib import Path

from serve_support import Served

from incident_recorder.storage import IncidentFile


def _post(port: int, token: str, body: object, host: str) -> tuple[int, dict[str, object]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {token}", "Host": host}
        connection.request("POST", "/events", json.dumps(body), headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_allow_host_lets_a_proxy_name_in_and_other_names_stay_out(tmp_path: Path) -> None:
    path = tmp_path / "served.incident"
    IncidentFile.create(path, "Checkout outage").close()
    served = Served(str(path), "--port", "0", "--allow-host", "hooks.example.org")
    try:
        status, _ = _post(served.port, served.token, {"text": "via proxy"}, "hooks.example.org")
        assert status == 200
        status, body = _post(served.port, served.token, {"text": "rebound"}, "evil.example")
        assert status == 421 and "DNS rebinding" in str(body["error"])
        later = {"text": "later", "occurred_at": "9999-12-31T23:59:59Z"}
        status, body = _post(served.port, served.token, later, "localhost")
        assert status == 422 and "in the future" in str(body["error"])
    finally:
        code, _, err = served.stop()
    assert code == 0
    assert "refused 421 POST /events" in err and "refused 422 POST /events" in err
    with IncidentFile.open(path, readonly=True) as handle:
        assert [entry.text for entry in handle.entries()] == ["via proxy"]


def test_a_bad_allow_host_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "served.incident"
    IncidentFile.create(path, "Checkout outage").close()
    result = subprocess.run(
        [sys.executable, "-m", "incident_recorder", "serve", str(path), "--allow-host", "a b"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "is not a host name" in result.stderr
