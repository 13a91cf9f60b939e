"""A real HTTP client for the webhook tests: http.client and raw sockets on loopback."""

from __future__ import annotations

import http.client
import json
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def error(self) -> str:
        return str(self.body.get("error", ""))


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | str | dict[str, Any] | list[Any] | None = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One request on a fresh connection; the reply's status, JSON body and headers."""
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        sent.setdefault("Content-Type", "application/json")
    if isinstance(body, str):
        body = body.encode("utf-8")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        reply_headers = {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()
    assert reply_headers.get("content-type") == "application/json; charset=utf-8", raw
    return Reply(response.status, json.loads(raw), reply_headers)


def payload(name: str) -> bytes:
    return (DATA / name).read_bytes()


def raw_exchange(port: int, head: bytes, body: bytes = b"") -> bytes:
    """Send `head` (and `body`) on a raw socket; the server's first complete answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + body)
        return read_answer(sock)


def read_answer(sock: socket.socket) -> bytes:
    """One HTTP response (status line, headers and a Content-Length body) read from `sock`."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    headers, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in headers.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return headers + b"\r\n\r\n" + rest


def alert_group(count: int, *, status: str = "firing") -> dict[str, Any]:
    """An Alertmanager notification of one group of `count` alerts, each the size of a real one
    (labels, a summary and a description: about 1.4 KB, so 1,200 alerts are about 1.7 MB)."""
    alerts = []
    for number in range(count):
        instance = f"node-{number:04d}.eu-west-1.compute.internal:9100"
        alerts.append(
            {
                "status": status,
                "labels": {
                    "alertname": "NodeFilesystemAlmostOutOfSpace",
                    "severity": "warning",
                    "service": "storage",
                    "instance": instance,
                    "job": "node-exporter",
                    "device": "/dev/nvme0n1p1",
                    "fstype": "ext4",
                    "mountpoint": "/var/lib/containerd",
                    "cluster": "prod-eu-west-1",
                    "namespace": "monitoring",
                    "prometheus": "monitoring/k8s",
                },
                "annotations": {
                    "summary": "Filesystem has less than 5% space left.",
                    "description": (
                        f"Filesystem on /dev/nvme0n1p1 at {instance} has only 4.1% available "
                        "space left. " + "Check what is writing to /var/lib/containerd. " * 9
                    ),
                    "runbook_url": "https://runbooks.prometheus-operator.dev/runbooks/node/"
                    "nodefilesystemalmostoutofspace",
                },
                "startsAt": "2026-11-27T14:04:22.512345678Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus-k8s-0:9090/graph?g0.expr=%28node_filesystem_"
                "avail_bytes%7Bjob%3D%22node-exporter%22%2Cfstype%21%3D%22%22%7D+%2F+node_"
                "filesystem_size_bytes%29+%2A+100+%3C+5&g0.tab=1",
                "fingerprint": f"{number:016x}",
            }
        )
    return {
        "receiver": "incident-recorder",
        "status": status,
        "alerts": alerts,
        "groupLabels": {"alertname": "NodeFilesystemAlmostOutOfSpace"},
        "commonLabels": {"alertname": "NodeFilesystemAlmostOutOfSpace"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager-main-0:9093",
        "version": "4",
        "groupKey": '{}:{alertname="NodeFilesystemAlmostOutOfSpace"}',
        "truncatedAlerts": 0,
    }
