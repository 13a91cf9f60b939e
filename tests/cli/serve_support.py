"""`incident-recorder serve` as a real process, for the tests that talk to it: its URL, port and
token read from what it printed, a POST, and a clean stop."""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import sys


class Served:
    """A running `serve` process: its URL, port and token, read from what it printed."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "incident_recorder", "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.banner: list[str] = []
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.banner.append(line.rstrip("\n"))
            if line.startswith("Ctrl+C stops."):
                break
        match = re.match(r"Listening on (http://[^ ]+):(\d+) — token (\S+)$", self.banner[0])
        assert match, self.banner
        self.url = f"{match.group(1)}:{match.group(2)}"
        self.port, self.token = int(match.group(2)), match.group(3)

    def post(self, path: str, body: bytes, token: str | None = None) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                "POST", path, body, {"Authorization": f"Bearer {token or self.token}"}
            )
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str, str]:
        self.process.send_signal(signum)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out, err
