"""`serve` fed by a real Prometheus Alertmanager (Debian's prometheus-alertmanager, 0.25): alerts
posted to its API, grouped and sent by it as it really does, recorded by a real `serve` process
into a real incident file. Each test starts its own Alertmanager on a free loopback port with its
own configuration and storage in tmp_path, clustering off, group_wait and group_interval 1 s.

Skipped only when the binary is absent (`apt-get install prometheus-alertmanager`, which
`./install.sh --test` does)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from incident_recorder.domain import EntryKind
from incident_recorder.storage import IncidentFile
from tests.cli.serve_support import Served
from tests.webhooks.webhook_client import alert_group

BINARY = shutil.which("prometheus-alertmanager") or "/usr/bin/prometheus-alertmanager"
pytestmark = pytest.mark.skipif(
    not os.access(BINARY, os.X_OK),
    reason="no prometheus-alertmanager binary (apt-get install prometheus-alertmanager; "
    "./install.sh --test installs it)",
)
DEADLINE_S = 30.0


def wait_until(condition: Callable[[], bool], what: str, timeout: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout:.0f} s for {what}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Alertmanager:
    """A real Alertmanager whose one receiver is `serve`'s /alertmanager endpoint."""

    def __init__(self, workdir: Path, served: Served, *, max_alerts: int, repeat: str) -> None:
        receiver = {
            "url": f"{served.url}/alertmanager",
            "send_resolved": True,
            "max_alerts": max_alerts,
            "http_config": {"authorization": {"type": "Bearer", "credentials": served.token}},
        }
        config = {  # YAML is a superset of JSON
            "route": {
                "receiver": "incident-recorder",
                "group_by": ["alertname"],
                "group_wait": "1s",
                "group_interval": "1s",
                "repeat_interval": repeat,
            },
            "receivers": [{"name": "incident-recorder", "webhook_configs": [receiver]}],
        }
        (workdir / "alertmanager.yml").write_text(json.dumps(config, indent=1))
        self.log = workdir / "alertmanager.log"
        self.url = f"http://127.0.0.1:{free_port()}"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    BINARY,
                    f"--config.file={workdir / 'alertmanager.yml'}",
                    f"--storage.path={workdir / 'alertmanager-data'}",
                    f"--web.listen-address={self.url.removeprefix('http://')}",
                    "--cluster.listen-address=",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until(self._ready, f"Alertmanager to be ready ({self.log})", timeout=15)

    def _ready(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            with urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as reply:
                return bool(reply.status == 200)
        except OSError:
            return False

    def post(self, alerts: list[dict[str, Any]]) -> None:
        request = urllib.request.Request(
            f"{self.url}/api/v2/alerts",
            data=json.dumps(alerts).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            assert reply.status == 200

    def notifications(self) -> tuple[int, int]:
        """How many webhook notifications it has sent, and how many of them failed."""
        with urllib.request.urlopen(f"{self.url}/metrics", timeout=5) as reply:
            metrics = reply.read().decode()

        def value(name: str) -> int:
            found = re.search(rf'^{name}{{integration="webhook"}} (\S+)$', metrics, re.M)
            return int(float(found.group(1))) if found else 0

        return (
            value("alertmanager_notifications_total"),
            value("alertmanager_notifications_failed_total"),
        )

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


class Setup:
    """`serve` on a fresh incident file, and an Alertmanager sending to it."""

    def __init__(self, tmp_path: Path, *, max_alerts: int = 0, repeat: str = "1h") -> None:
        self.path = tmp_path / "alerts.incident"
        IncidentFile.create(self.path, "Alertmanager feed").close()
        self.served = Served(str(self.path), "--port", "0")
        self.alertmanager = Alertmanager(tmp_path, self.served, max_alerts=max_alerts,
                                         repeat=repeat)  # fmt: skip
        self.reader = IncidentFile.open(self.path, readonly=True)

    def wait_for_entries(self, count: int) -> None:
        try:
            wait_until(lambda: self.reader.entry_count() >= count, f"{count} entries")
        except AssertionError as error:
            sent, failed = self.alertmanager.notifications()
            self.reader.close()
            self.alertmanager.stop()
            _, _, err = self.served.stop()
            raise AssertionError(
                f"{error}; {self.reader_count()} recorded; Alertmanager sent {sent} "
                f"notifications, {failed} failed; serve's stderr: {err.strip()}"
            ) from None
        assert self.reader.entry_count() == count

    def reader_count(self) -> int:
        with IncidentFile.open(self.path, readonly=True) as handle:
            return handle.entry_count()

    def wait_for_repeats(self, more: int) -> None:
        """Until Alertmanager has sent `more` further notifications (repeat_interval)."""
        sent = self.alertmanager.notifications()[0]
        wait_until(lambda: self.alertmanager.notifications()[0] >= sent + more, "repeats")

    def close(self) -> tuple[str, str]:
        """Stop both; what `serve` printed on stdout and stderr."""
        self.reader.close()
        self.alertmanager.stop()
        code, out, err = self.served.stop()
        assert code == 0, err
        return out, err


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Callable[..., Setup]]:
    made: list[Setup] = []

    def make(**options: Any) -> Setup:
        made.append(Setup(tmp_path, **options))
        return made[-1]

    yield make
    for one in made:
        if one.served.process.poll() is None:
            one.reader.close()
            one.alertmanager.stop()
            one.served.process.kill()
            one.served.process.communicate(timeout=30)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_alerts_left_out_by_max_alerts_are_counted_in_an_entry(setup: Callable[..., Setup]) -> None:
    run = setup(max_alerts=2, repeat="1s")
    run.alertmanager.post(
        [{"labels": {"alertname": "DiskFull", "instance": f"db-{n}:9100", "severity": "warning"},
          "annotations": {"summary": "Disk almost full"}} for n in range(5)]
    )  # fmt: skip
    run.wait_for_entries(3)
    run.wait_for_repeats(2)  # the same notification again (repeat_interval) adds nothing
    entries = run.reader.entries()
    assert run.reader.entry_count() == 3
    alerts = [e for e in entries if e.kind is EntryKind.DETECTION]
    (note,) = [e for e in entries if e.kind is EntryKind.OBSERVATION]
    assert len(alerts) == 2
    assert note.text.startswith(
        'Alertmanager left 3 alerts of group {alertname="DiskFull"} out of this notification '
        "(max_alerts): it sent 2 of 5; the 3 left out are not in this record."
    )
    assert run.alertmanager.notifications()[1] == 0
    _, err = run.close()
    assert err == ""  # nothing refused


def test_a_group_of_1200_alerts_is_recorded_whole(setup: Callable[..., Setup]) -> None:
    """One notification of 1,654,312 bytes from Alertmanager 0.25: the former 1 MiB limit
    answered 413 to every attempt, and nothing of the group was recorded."""
    run = setup()
    group = alert_group(1200)
    assert len(json.dumps(group)) > 1.6e6
    run.alertmanager.post(
        [{key: alert[key] for key in ("labels", "annotations", "generatorURL")}
         for alert in group["alerts"]]
    )  # fmt: skip
    run.wait_for_entries(1200)  # within DEADLINE_S; about 2 s here (group_wait is 1 s)
    instances = {entry.text.splitlines()[-1] for entry in run.reader.entries()}
    assert len(instances) == 1200  # every alert, each once
    assert run.alertmanager.notifications() == (1, 0)  # one notification, not retried
    _, err = run.close()
    assert err == ""


def test_a_flapping_alert_is_recorded_as_three_state_changes(
    setup: Callable[..., Setup],
) -> None:
    """firing, resolved, firing again with the same startsAt (Alertmanager merges it into its
    first episode): three entries, the last one firing; its repeats add nothing."""
    run = setup(repeat="1s")
    starts = datetime.now(UTC) - timedelta(minutes=1)
    alert = {
        "labels": {"alertname": "CheckoutHighErrorRate", "service": "checkout"},
        "annotations": {"summary": "checkout-api 5xx rate above 5%"},
        "startsAt": _utc(starts),
    }
    run.alertmanager.post([alert])
    run.wait_for_entries(1)
    run.alertmanager.post([{**alert, "endsAt": _utc(datetime.now(UTC))}])
    run.wait_for_entries(2)
    run.alertmanager.post([alert])
    run.wait_for_entries(3)
    run.wait_for_repeats(2)
    assert run.reader.entry_count() == 3
    timeline = sorted(run.reader.entries(), key=lambda entry: entry.occurred_at)
    assert [entry.text.split(" —")[0] for entry in timeline] == [
        "Alert firing: CheckoutHighErrorRate",
        "Alert resolved: CheckoutHighErrorRate",
        "Alert firing again: CheckoutHighErrorRate",
    ]
    assert abs(timeline[0].occurred_at - starts) < timedelta(milliseconds=1)  # its startsAt
    assert timeline[-1].kind is EntryKind.DETECTION
    out, err = run.close()
    assert err == "" and "duplicate of entry 3, skipped" in out
