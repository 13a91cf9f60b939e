"""Storage speed and memory, each beside a bare-sqlite3 baseline measured in the same run.

1. note path: 2,000 x `IncidentFile.add_note` on an incident already holding 100,000 entries,
   median and p99 ms, beside a bare INSERT + COMMIT into a plain table (WAL, synchronous=FULL)
   in a fresh file in the same folder.
2. open: in a fresh subprocess, `IncidentFile.open` + `records()` (what the window reads) and
   + `entries()` (what an export reads) of that incident, wall time
   and peak RSS, beside a child doing only `import sqlite3` + connect + SELECT * fetchall.

    python benchmarks/bench_storage.py [--json PATH] [--entries 100000] [--notes 2000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import PEAK_SNIPPET, percentile  # noqa: E402
from make_incident import make_incident  # noqa: E402

from incident_recorder.domain import EntryKind  # noqa: E402
from incident_recorder.storage import IncidentFile  # noqa: E402

BUDGET = {"note_median_ms": 2.0, "note_p99_ms": 8.0, "open_s": 1.0, "open_rss_mb": 300.0}


# What the window does: raw records, converted only for the rows on screen.
_OPEN_CHILD = (
    PEAK_SNIPPET
    + """
import sys, time
start = time.perf_counter()
from incident_recorder.storage import IncidentFile
handle = IncidentFile.open(sys.argv[1])
count = len(handle.records())
wall = time.perf_counter() - start
handle.close()
print(wall, peak_kb(), count)
"""
)

# What an export does: every entry as an Entry object.
_ENTRIES_CHILD = _OPEN_CHILD.replace("handle.records()", "handle.entries()")

_BASELINE_CHILD = (
    PEAK_SNIPPET
    + """
import sys, time
start = time.perf_counter()
import sqlite3
conn = sqlite3.connect(sys.argv[1])
count = len(conn.execute("SELECT * FROM entries").fetchall())
wall = time.perf_counter() - start
conn.close()
print(wall, peak_kb(), count)
"""
)


def _note_path(incident: Path, notes: int) -> list[float]:
    times = []
    with IncidentFile.open(incident) as handle:
        for number in range(notes):
            start = time.perf_counter()
            handle.add_note(f"benchmark note {number}: p99 latency 9.8 s", EntryKind.ACTION)
            times.append((time.perf_counter() - start) * 1000)
    return times


def _note_baseline(folder: Path, notes: int) -> list[float]:
    conn = sqlite3.connect(folder / "baseline.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT, at TEXT)")
    times = []
    for number in range(notes):
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO notes (text, at) VALUES (?, ?)",
            (f"benchmark note {number}: p99 latency 9.8 s", "2026-11-27T14:00:00.000Z"),
        )
        conn.execute("COMMIT")
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return times


def _child(code: str, incident: Path) -> tuple[float, float, int]:
    result = subprocess.run(
        [sys.executable, "-c", code, str(incident)], capture_output=True, text=True, check=True
    )
    wall, rss_kb, count = result.stdout.split()
    return float(wall), int(rss_kb) / 1024, int(count)


def run(entries: int = 100_000, notes: int = 2_000, repeats: int = 3) -> dict[str, Any]:
    """Measure everything; return the figures (ms, s, MB) with their budgets."""
    folder = Path(tempfile.mkdtemp(prefix="bench-storage-", dir="/tmp"))
    try:
        incident = folder / "large.incident"
        start = time.perf_counter()
        make_incident(incident, entries, seed=1)
        built_s = time.perf_counter() - start

        # open first (on exactly `entries` entries), best of `repeats` fresh children
        opened = [_child(_OPEN_CHILD, incident) for _ in range(repeats)]
        as_entries = [_child(_ENTRIES_CHILD, incident) for _ in range(repeats)]
        based = [_child(_BASELINE_CHILD, incident) for _ in range(repeats)]
        assert all(count == entries for _, _, count in opened + as_entries + based)

        note = _note_path(incident, notes)
        note_base = _note_baseline(folder, notes)
        return {
            "entries": entries,
            "notes": notes,
            "build_s": built_s,
            "note_median_ms": statistics.median(note),
            "note_p99_ms": percentile(note, 0.99),
            "note_max_ms": max(note),
            "baseline_note_median_ms": statistics.median(note_base),
            "baseline_note_p99_ms": percentile(note_base, 0.99),
            "open_s": min(wall for wall, _, _ in opened),
            "open_rss_mb": min(rss for _, rss, _ in opened),
            "entries_s": min(wall for wall, _, _ in as_entries),
            "entries_rss_mb": min(rss for _, rss, _ in as_entries),
            "baseline_open_s": min(wall for wall, _, _ in based),
            "baseline_open_rss_mb": min(rss for _, rss, _ in based),
            "budget": BUDGET,
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _table(figures: dict[str, Any]) -> str:
    rows = [
        ("measure", "incident-recorder", "bare sqlite3", "budget", ""),
        ("note median (ms)", "note_median_ms", "baseline_note_median_ms", "note_median_ms", ""),
        ("note p99 (ms)", "note_p99_ms", "baseline_note_p99_ms", "note_p99_ms", ""),
        ("open + records (s)", "open_s", "baseline_open_s", "open_s", ""),
        ("open peak RSS (MB)", "open_rss_mb", "baseline_open_rss_mb", "open_rss_mb", ""),
        ("open + entries (s)", "entries_s", "baseline_open_s", "", ""),
        ("entries peak (MB)", "entries_rss_mb", "baseline_open_rss_mb", "", ""),
    ]
    lines = []
    for label, ours, base, budget, _ in rows:
        if label == "measure":
            cells = [label, ours, base, budget, "within"]
        else:
            value = figures[ours]
            limit = figures["budget"].get(budget)
            cells = [
                label,
                f"{value:.3f}",
                f"{figures[base]:.3f}",
                f"{limit:g}" if limit is not None else "-",
                ("yes" if value <= limit else "NO") if limit is not None else "",
            ]
        lines.append(f"{cells[0]:<20} {cells[1]:>18} {cells[2]:>13} {cells[3]:>8} {cells[4]:>7}")
    head = (
        f"{figures['entries']:,} entries (built in {figures['build_s']:.1f} s), "
        f"{figures['notes']:,} notes; max note {figures['note_max_ms']:.2f} ms"
    )
    return "\n".join([head, *lines])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--notes", type=int, default=2_000)
    args = parser.parse_args(argv)
    figures = run(args.entries, args.notes)
    print(_table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
