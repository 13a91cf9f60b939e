"""`incident-recorder serve` as a process for the reliability tests: start, post, stop."""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reliability_support import env


class Served:
    """A running `serve` on a free loopback port; its port and token read from its banner.

    `prefix`: a command that execs the server in the same process (e.g. ``["eatmydata"]``)."""

    def __init__(self, path: Path, prefix: Sequence[str] = ()) -> None:
        self.process = subprocess.Popen(
            [*prefix, sys.executable, "-m", "incident_recorder", "serve", str(path), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env(),
        )
        assert self.process.stdout is not None
        banner = []
        for line in self.process.stdout:
            banner.append(line)
            if line.startswith("Ctrl+C stops."):
                break
        match = re.match(r"Listening on http://[^ ]+:(\d+) — token (\S+)$", banner[0].strip())
        assert match, banner
        self.port, self.token = int(match.group(1)), match.group(2)

    def post(self, body: dict[str, Any] | list[Any], path: str = "/events") -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(
                "POST",
                path,
                json.dumps(body),
                {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            )
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=30)
        return self.process.returncode, err
