"""Webhook load: 1,000 events posted on loopback by concurrent clients, beside direct add_note.

The server is the real `incident-recorder serve` in its own process; this process runs the
clients (threads, each on one keep-alive connection). Every fifth event is an Alertmanager
payload, the rest generic events, each with its own delivery key; then 10% of them are delivered
again. Measured: accepted events per second, and the latency of each request until its reply —
which comes only once the events are committed (durable). Checked: the file holds every event
exactly once. Baseline, in the same run and folder: the same number of `IncidentFile.add_note`
calls in one process (no HTTP, no queue).

    python benchmarks/bench_webhooks.py [--events 1000] [--clients 8] [--json PATH]
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import percentile  # noqa: E402

from incident_recorder.domain import EntryKind  # noqa: E402
from incident_recorder.storage import IncidentFile  # noqa: E402

BUDGET = {"events_per_s": 100.0}
"""The issue's load: 1,000 events within 10 s."""


def _request(number: int) -> tuple[str, bytes]:
    """The path and body of event `number` (the same number always gives the same delivery)."""
    if number % 5 == 0:
        alert = {
            "status": "firing",
            "labels": {"alertname": "CheckoutHighErrorRate", "instance": f"checkout-{number}"},
            "annotations": {"summary": "checkout-api 5xx rate above 5%"},
            "startsAt": "2026-11-27T14:04:22.512Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "fingerprint": f"bench{number:06d}",
        }
        return "/alertmanager", json.dumps({"version": "4", "alerts": [alert]}).encode()
    event = {"text": f"deploy step {number} finished", "kind": "action", "key": f"bench-{number}"}
    return "/events", json.dumps(event).encode()


def _start_server(incident: Path) -> tuple[subprocess.Popen[str], int, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "incident_recorder", "serve", str(incident), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.match(r"Listening on http://127\.0\.0\.1:(\d+) — token (\S+)", first)
    if not match:
        process.kill()
        problem = process.stderr.read() if process.stderr else ""
        raise SystemExit(f"serve did not start: {first}{problem}")
    # keep reading what it prints (one line per event), so its pipe never fills up
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process, int(match.group(1)), match.group(2)


def _client(port: int, token: str, work: queue.Queue[int | None], results: list[Any]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        while (number := work.get()) is not None:
            path, body = _request(number)
            start = time.perf_counter()
            connection.request("POST", path, body, headers)
            response = connection.getresponse()
            reply = json.loads(response.read())
            elapsed_ms = (time.perf_counter() - start) * 1000
            results.append((response.status, elapsed_ms, reply))
    finally:
        connection.close()


def _load(port: int, token: str, events: int, clients: int) -> tuple[float, list[Any]]:
    work: queue.Queue[int | None] = queue.Queue()
    repeats = list(range(0, events, 10))  # every tenth event is delivered twice
    order = list(range(events))
    for position, number in enumerate(repeats):
        order.insert(min(len(order), number + 50 + position), number)
    for number in order:
        work.put(number)
    for _ in range(clients):
        work.put(None)
    results: list[Any] = []
    threads = [
        threading.Thread(target=_client, args=(port, token, work, results)) for _ in range(clients)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, results


def _baseline(folder: Path, events: int) -> tuple[float, list[float]]:
    times = []
    with IncidentFile.create(folder / "baseline.incident", "Baseline") as handle:
        start = time.perf_counter()
        for number in range(events):
            began = time.perf_counter()
            handle.add_note(f"deploy step {number} finished", EntryKind.ACTION, source="bench")
            times.append((time.perf_counter() - began) * 1000)
        wall = time.perf_counter() - start
    return wall, times


def run(events: int = 1000, clients: int = 8) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="bench-webhooks-", dir="/tmp"))
    try:
        incident = folder / "load.incident"
        IncidentFile.create(incident, "Webhook load").close()
        process, port, token = _start_server(incident)
        try:
            wall, results = _load(port, token, events, clients)
        finally:
            process.terminate()
            process.wait(timeout=30)
        statuses = {status for status, _, _ in results}
        recorded = sum(len(reply.get("recorded", [])) for _, _, reply in results)
        duplicates = sum(len(reply.get("duplicates", [])) for _, _, reply in results)
        latencies = [elapsed for _, elapsed, _ in results]
        with IncidentFile.open(incident, readonly=True) as handle:
            in_file = handle.entry_count()
            keys = handle.event_key_count()
            texts = [entry.text for entry in handle.entries()]
        base_wall, base_times = _baseline(folder, events)
        return {
            "events": events,
            "clients": clients,
            "requests": len(results),
            "statuses": sorted(statuses),
            "wall_s": wall,
            "events_per_s": recorded / wall,
            "p50_ms": statistics.median(latencies),
            "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies),
            "recorded": recorded,
            "duplicates": duplicates,
            "entries_in_file": in_file,
            "keys_in_file": keys,
            "distinct_texts": len(set(texts)),
            "exactly_once": statuses == {200}
            and recorded == in_file == keys == len(set(texts)) == events
            and duplicates == len(results) - events,
            "baseline_events_per_s": events / base_wall,
            "baseline_p50_ms": statistics.median(base_times),
            "baseline_p99_ms": percentile(base_times, 0.99),
            "budget": BUDGET,
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _table(f: dict[str, Any]) -> str:
    ok = f["events_per_s"] >= BUDGET["events_per_s"]
    return "\n".join(
        [
            f"{f['events']:,} events from {f['clients']} concurrent clients on loopback "
            f"({f['requests']:,} requests incl. repeated deliveries) in {f['wall_s']:.2f} s",
            f"{'measure':<24} {'webhooks':>10} {'add_note':>10} {'budget':>8} {'within':>7}",
            f"{'events/s':<24} {f['events_per_s']:>10.1f} {f['baseline_events_per_s']:>10.1f} "
            f"{'>= ' + format(BUDGET['events_per_s'], 'g'):>8} {'yes' if ok else 'NO':>7}",
            f"{'p50 to durable (ms)':<24} {f['p50_ms']:>10.2f} {f['baseline_p50_ms']:>10.2f}",
            f"{'p99 to durable (ms)':<24} {f['p99_ms']:>10.2f} {f['baseline_p99_ms']:>10.2f}",
            f"{'max to durable (ms)':<24} {f['max_ms']:>10.2f}",
            f"recorded exactly once: {'yes' if f['exactly_once'] else 'NO'} — "
            f"{f['entries_in_file']:,} entries and {f['keys_in_file']:,} keys in the file, "
            f"{f['duplicates']:,} repeated deliveries answered as duplicates, "
            f"HTTP statuses {f['statuses']}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = run(args.events, args.clients)
    print(_table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    within = figures["events_per_s"] >= BUDGET["events_per_s"]
    return 0 if figures["exactly_once"] and within else 1


if __name__ == "__main__":
    sys.exit(main())
