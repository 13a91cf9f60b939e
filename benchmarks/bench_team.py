"""The team sync through a real PostgreSQL: a note typed on replica A → durable in B's file, and
catching up after offline, beside the floor measured in the same run.

    python benchmarks/bench_team.py [--notes 200] [--catch-up 10000] [--captures 200] [--json P]
                                    [--window-only] [--own-core]

Starts a private cluster (tests/sync/postgres_cluster.py: /usr/lib/postgresql/15/bin, run as
the postgres user when root). Three figures:

- floor: a bare INSERT + NOTIFY on one connection seen by a second, LISTENing connection;
- note A → B: A's session saves a note and its replicator pushes it; B's replicator runs its
  live loop on a thread (as the window's worker does) and the time is taken when B's session
  announces the entry, i.e. when it is durable in B's file (median, p99, max);
- note latency: IncidentSession.add_note on an unshared file against a shared one whose sync
  runs on a thread of the same process (budget: within 10 %);
- catch-up: N entries and M captures recorded on A while offline (one import), then A pushes
  and B pulls; the time until B's file holds every row (captures with their thumbnails), and
  until it holds their images too (fetched after: thumbnails first);
- catch-up into a window: the same 10,000 entries pushed by A's own process while B's window is
  open and live: the time until B's timeline shows them all, and the longest stall of B's UI
  thread (a 1 ms heartbeat timer; budget 16 ms). `--own-core` puts A's pusher and the database
  on the other cores, as when they are other machines.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from incident_recorder.domain import EntryKind, NewCapture  # noqa: E402
from incident_recorder.domain.imported import ImportedEntry  # noqa: E402
from incident_recorder.session import EntriesAdded, IncidentSession  # noqa: E402
from incident_recorder.storage import IncidentFile  # noqa: E402
from incident_recorder.sync import team_db  # noqa: E402
from incident_recorder.sync.replicator import Replicator, connect  # noqa: E402
from tests.storage.storage_support import new_capture  # noqa: E402
from tests.sync.postgres_cluster import Cluster, missing  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def floor(url: str, runs: int) -> list[float]:
    """Milliseconds of INSERT + NOTIFY on one connection until a LISTENing one sees it."""
    times = []
    with connect(url) as writer, connect(url) as listener:
        writer.execute("CREATE TABLE floor (id serial PRIMARY KEY, text text)")
        listener.execute("LISTEN floor")
        for n in range(runs):
            start = time.perf_counter()
            with writer.transaction():
                writer.execute("INSERT INTO floor (text) VALUES (%s)", (f"note {n}",))
                writer.execute("NOTIFY floor")
            for _ in listener.notifies(timeout=5, stop_after=1):
                pass
            times.append((time.perf_counter() - start) * 1000)
    return times


def shared(folder: Path, url: str, name: str) -> tuple[IncidentFile, Path]:
    a = IncidentFile.create(folder / f"{name}-a.incident", f"bench {name}")
    incident = a.incident()
    with connect(url) as conn:
        conn.execute(
            "INSERT INTO incident_recorder.incidents (id, title, created_at, app_version) "
            "VALUES (%s, %s, now(), 'bench')",
            (incident.uuid, incident.title),
        )
    a.set_team_state(conninfo=url, incident=incident.uuid)
    b_path = folder / f"{name}-b.incident"
    with IncidentFile.create(b_path, incident.title, shared=incident) as b:
        b.set_team_state(conninfo=url, incident=incident.uuid)
    return a, b_path


def note_to_replica(folder: Path, url: str, notes: int) -> list[float]:
    """Milliseconds from A's save to the entry durable (and announced) in B's file."""
    a, b_path = shared(folder, url, "live")
    arrived: dict[str, float] = {}
    stop = threading.Event()
    ready = threading.Event()

    def live_b() -> None:
        with IncidentFile.open(b_path) as b:
            session = IncidentSession(b)

            def heard(change: object) -> None:
                if isinstance(change, EntriesAdded):
                    for entry in change.entries:
                        arrived[entry.text] = time.perf_counter()

            session.listen(heard)
            Replicator(session).run(stop.is_set, lambda state: ready.set())

    worker = threading.Thread(target=live_b)
    worker.start()
    ready.wait(10)
    times = []
    try:
        with a, connect(url) as conn:
            session = IncidentSession(a, author="bench")
            replicator = Replicator(session)
            for n in range(notes):
                text = f"note {n}"
                start = time.perf_counter()
                session.add_note(text)
                replicator.push(conn)
                deadline = start + 5
                while text not in arrived and time.perf_counter() < deadline:
                    time.sleep(0.0002)
                times.append((arrived.get(text, deadline) - start) * 1000)
                time.sleep(0.01)
    finally:
        stop.set()
        worker.join(10)
    return times


def note_latency(folder: Path, url: str, notes: int) -> dict[str, float]:
    """Milliseconds of IncidentSession.add_note (durable on return) on a file that is not
    shared, and on a shared one while its sync runs on a thread of the same process (as in
    the window), alternating in blocks of 10 so that load on the machine hits both alike."""
    plain = IncidentFile.create(folder / "plain.incident", "plain")
    shared_file, _ = shared(folder, url, "latency")
    shared_file.close()
    stop = threading.Event()
    ready = threading.Event()

    def live_a() -> None:
        with IncidentFile.open(folder / "latency-a.incident") as own:
            Replicator(IncidentSession(own)).run(stop.is_set, lambda state: ready.set())

    worker = threading.Thread(target=live_a)
    worker.start()
    ready.wait(10)
    times: dict[str, list[float]] = {"unshared": [], "shared": []}
    try:
        with plain, IncidentFile.open(folder / "latency-a.incident") as syncing:
            sessions = {"unshared": IncidentSession(plain), "shared": IncidentSession(syncing)}
            for block in range(notes // 10):
                for name in ("unshared", "shared") if block % 2 else ("shared", "unshared"):
                    for n in range(10):
                        start = time.perf_counter()
                        sessions[name].add_note(f"note {block}/{n}")
                        times[name].append((time.perf_counter() - start) * 1000)
                        time.sleep(0.005)  # the sync pushes between notes, as when typing
    finally:
        stop.set()
        worker.join(10)
    return {name: statistics.median(values) for name, values in times.items()}


def screen_capture(n: int, side: int) -> NewCapture:
    """A capture about as heavy as a real screenshot: `side`×(side·5/8) pixels of noise (a
    640-wide one is ~750 KB of PNG), with a small thumbnail."""
    import hashlib
    import io
    import random

    from PIL import Image

    height = side * 5 // 8
    noise = random.Random(n).randbytes(side * height * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, height), noise).save(out, format="PNG", compress_level=1)
    png = out.getvalue()
    thumb = new_capture(160, 100).thumbnail_png
    digest = hashlib.sha256(png).hexdigest()
    return NewCapture(png=png, thumbnail_png=thumb, width=side, height=height, sha256=digest,
                      monitor=1, window_title="bench")  # fmt: skip


def catch_up(
    folder: Path, url: str, entries: int, captures: int, side: int = 0
) -> dict[str, float]:
    a, b_path = shared(folder, url, "catch-up")
    start_at = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    items = [
        ImportedEntry(EntryKind.OBSERVATION, f"offline note {n}",
                      start_at + timedelta(milliseconds=n), "bench")
        for n in range(entries)
    ]  # fmt: skip
    items += [
        ImportedEntry(EntryKind.OBSERVATION, f"capture {n}", start_at + timedelta(seconds=n),
                      "bench", capture=screen_capture(n, side) if side else new_capture(64 + n, 48))
        for n in range(captures)
    ]  # fmt: skip
    with a:
        a.import_entries(items)
        with connect(url) as conn, IncidentFile.open(b_path) as b:
            start = time.perf_counter()
            pushed = Replicator(IncidentSession(a)).push(conn)
            push_ms = (time.perf_counter() - start) * 1000
            replica = Replicator(IncidentSession(b))
            pulled = replica.pull(conn)
            rows_ms = (time.perf_counter() - start) * 1000  # every entry, captures' thumbnails
            images = replica.fetch_pixels(conn)
            total_ms = (time.perf_counter() - start) * 1000
            assert b.entry_count() == entries + captures, (b.entry_count(), pushed, pulled)
            assert images == captures and not b.arriving_captures()
    return {"rows": float(pushed), "push_ms": push_ms, "rows_ms": rows_ms, "total_ms": total_ms}


PUSH = """
import sys
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFile
from incident_recorder.sync.replicator import Replicator, connect
with IncidentFile.open(sys.argv[1]) as source, connect(sys.argv[2]) as conn:
    Replicator(IncidentSession(source)).push(conn)
"""


OTHERS: set[int] | None = None
"""With --own-core: the cores A's pusher and the database run on (B's window has the rest)."""


def _elsewhere() -> None:
    """In a child about to run A's pusher: on the cores of "elsewhere" (--own-core)."""
    if OTHERS is not None:
        os.sched_setaffinity(0, OTHERS)


def catch_up_window(folder: Path, url: str, entries: int) -> dict[str, float]:
    """N entries recorded offline on A, pushed, while B's window is open and live: the time
    until B's timeline shows them all and the longest stall of B's UI thread meanwhile (a 1 ms
    heartbeat timer, bench_gui.Heartbeat)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_gui import Heartbeat

    class CpuHeartbeat(Heartbeat):
        """Also the UI thread's own CPU time between two ticks: the part of a stall that is
        the window's work, not waiting for a core on a loaded machine."""

        def __init__(self) -> None:
            super().__init__()
            self.cpu_gaps: list[float] = []
            self._cpu = time.thread_time()

        def _tick(self) -> None:
            now = time.thread_time()
            self.cpu_gaps.append((now - self._cpu) * 1000)
            self._cpu = now
            super()._tick()

        def start(self) -> None:
            self.cpu_gaps.clear()
            self._cpu = time.thread_time()
            super().start()

    from incident_recorder.app import make_qapp
    from incident_recorder.domain.times import system_clock
    from incident_recorder.ui.recorder.recorder_window import RecorderWindow

    app = make_qapp()
    a, b_path = shared(folder, url, "window")
    start_at = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    items = [
        ImportedEntry(EntryKind.OBSERVATION, f"offline note {n}",
                      start_at + timedelta(milliseconds=n), "bench")
        for n in range(entries)
    ]  # fmt: skip
    window = RecorderWindow(IncidentFile.open(b_path), clock=system_clock)
    window.show()

    def wait(condition: Any, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError("timed out")
            app.processEvents()
            time.sleep(0.001)

    try:
        wait(lambda: window.team.status == "live", 30)
        with a:
            a.import_entries(items)
            start = time.perf_counter()
            a.close()  # A pushes from a process of its own, as a teammate's recorder does
            pusher = subprocess.Popen(
                [sys.executable, "-c", PUSH, str(a.path), url], preexec_fn=_elsewhere
            )
            # From here: starting the pusher (a fork of this process, ~30 ms on this thread)
            # is the benchmark's doing, not the window's; the pusher takes ~0.3 s to start
            heartbeat = CpuHeartbeat()
            heartbeat.start()
            wait(lambda: window.model.rowCount() >= entries, 120)
            shown_ms = (time.perf_counter() - start) * 1000
            stall = heartbeat.stop()
            stall_cpu = max(heartbeat.cpu_gaps, default=0.0)
            if pusher.wait(timeout=60) != 0:
                raise RuntimeError("the push failed")
    finally:
        window.close()
        app.processEvents()
    return {"rows": float(entries), "shown_ms": shown_ms, "stall_ms": stall,
            "stall_cpu_ms": stall_cpu}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=200)
    parser.add_argument("--catch-up", type=int, default=10_000)
    parser.add_argument("--captures", type=int, default=200)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--capture-width", type=int, default=0, metavar="PX",
        help="captures of noise this wide (640: ~750 KB each, as heavy as a screenshot); "
        "default: tiny ones",
    )  # fmt: skip
    parser.add_argument(
        "--catch-up-only", action="store_true", help="only the catch-up into B's file"
    )
    parser.add_argument(
        "--window-only", action="store_true", help="only the catch-up into an open window"
    )
    parser.add_argument(
        "--own-core", action="store_true",
        help="B's window on a core of its own, A's pusher and the database on the others (as "
        "when they are other machines); needs 2 cores or more",
    )  # fmt: skip
    args = parser.parse_args()
    reason = missing()
    if reason:
        print(f"skipped: {reason}")
        return 0
    cores = sorted(os.sched_getaffinity(0))
    if args.own_core and len(cores) >= 2:
        global OTHERS
        OTHERS = set(cores[1:])
        os.sched_setaffinity(0, OTHERS)  # the cluster started next inherits these
    cluster = Cluster()
    if OTHERS is not None:
        os.sched_setaffinity(0, {cores[0]})  # this process: B's window and its worker
    try:
        url = cluster.new_database()
        with connect(url) as conn:
            team_db.init(conn)
        with tempfile.TemporaryDirectory() as folder:
            if args.window_only:
                into_window = catch_up_window(Path(folder), url, args.catch_up)
                where = " (B on a core of its own)" if OTHERS is not None else ""
                print(f"catch-up {args.catch_up} entries into B's open window{where}: all "
                      f"shown after {into_window['shown_ms']:.0f} ms, longest UI stall "
                      f"{into_window['stall_ms']:.0f} ms (budget 16 ms); longest UI-thread CPU "
                      f"between two ticks {into_window['stall_cpu_ms']:.0f} ms")  # fmt: skip
                return 0
            if args.catch_up_only:
                caught = catch_up(Path(folder), url, args.catch_up, args.captures,
                                  args.capture_width)  # fmt: skip
                print(f"catch-up {args.catch_up} entries + {args.captures} captures: push "
                      f"{caught['push_ms']:.0f} ms, every row in B's file (captures with "
                      f"thumbnails) after {caught['rows_ms']:.0f} ms, their images too after "
                      f"{caught['total_ms']:.0f} ms")  # fmt: skip
                return 0
            floor_ms = floor(url, args.notes)
            live_ms = note_to_replica(Path(folder), url, args.notes)
            latency = note_latency(Path(folder), url, args.notes)
            caught = catch_up(Path(folder), url, args.catch_up, args.captures, args.capture_width)
            into_window = catch_up_window(Path(folder), url, args.catch_up)
    finally:
        cluster.close()
    results = {
        "floor_insert_notify_ms": {"median": statistics.median(floor_ms),
                                   "p99": percentile(floor_ms, 0.99)},
        "note_a_to_b_ms": {"median": statistics.median(live_ms),
                           "p99": percentile(live_ms, 0.99), "max": max(live_ms)},
        "note_latency_ms": latency,
        "catch_up": caught,
        "catch_up_window": into_window,
    }  # fmt: skip
    print(f"floor  INSERT+NOTIFY seen by a listener: median {results['floor_insert_notify_ms']['median']:.2f} ms, "  # noqa: E501
          f"p99 {results['floor_insert_notify_ms']['p99']:.2f} ms")  # fmt: skip
    live = results["note_a_to_b_ms"]
    print(f"note   saved on A → durable in B's file: median {live['median']:.1f} ms, "
          f"p99 {live['p99']:.1f} ms, max {live['max']:.1f} ms ({args.notes} notes)")  # fmt: skip
    change = (latency["shared"] / latency["unshared"] - 1) * 100
    print(f"note latency on A: unshared {latency['unshared']:.2f} ms, shared and syncing "
          f"{latency['shared']:.2f} ms (median, {change:+.0f} %)")  # fmt: skip
    print(f"catch-up {args.catch_up} entries + {args.captures} captures: push "
          f"{caught['push_ms']:.0f} ms, every row in B's file (captures with thumbnails) after "
          f"{caught['rows_ms']:.0f} ms, their images too after {caught['total_ms']:.0f} ms "
          f"({caught['rows']:.0f} rows)")  # fmt: skip
    print(f"catch-up {args.catch_up} entries into B's open window: all shown after "
          f"{into_window['shown_ms']:.0f} ms, longest UI stall {into_window['stall_ms']:.0f} ms "
          f"(budget 16 ms); longest UI-thread CPU between two ticks "
          f"{into_window['stall_cpu_ms']:.0f} ms")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
