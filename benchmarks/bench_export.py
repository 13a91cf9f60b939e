"""Export of a large incident to every format: wall time and peak memory, beside a baseline.

The incident: 10,000 entries, 500 of them screen captures of 1920×1080 (dashboard-like images:
gradients, panels, lines and text-like noise, which compress as real screens do). Each export runs
in its own process through the real CLI (`incident-recorder export FILE --format F --out DIR`),
and its peak memory is that process's VmHWM. The baseline, measured in the same run, is the
least any export must do: open the file, read the whole record and every capture's PNG.

Budgets (issue 4): Markdown ≤ 10 s, HTML ≤ 20 s, memory ≤ 500 MB.

    .venv/bin/python benchmarks/bench_export.py [--entries 10000] [--captures 500] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from bench_common import PEAK_SNIPPET
from make_incident import make_incident

BUDGETS = {"markdown": (10.0, 500), "html": (20.0, 500), "pdf": (None, 500), "json": (None, 500)}

_CHILD = (
    PEAK_SNIPPET
    + """
import sys, time
from incident_recorder.cli import main
start = time.perf_counter()
code = main(sys.argv[1:])
print("RESULT", code, time.perf_counter() - start, peak_kb(), flush=True)
"""
)

_BASELINE = (
    PEAK_SNIPPET
    + """
import sys, time
from incident_recorder.storage import IncidentFile
start = time.perf_counter()
with IncidentFile.open(sys.argv[1], readonly=True) as handle:
    record = handle.record()
    size = sum(len(handle.capture_png(e.capture.id)) for e in record.entries if e.capture)
print("RESULT", 0, time.perf_counter() - start, peak_kb(), flush=True)
"""
)


def _screen(seed: int) -> bytes:
    """A 1920×1080 PNG that looks (and compresses) like a dashboard screenshot."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (1920, 1080), (246, 247, 249))
    draw = ImageDraw.Draw(image)
    for panel in range(12):
        x, y = (panel % 4) * 480 + 10, (panel // 4) * 350 + 40
        draw.rectangle([x, y, x + 460, y + 330], fill=(255, 255, 255), outline=(210, 214, 220))
        points = [(x + 10 + i * 11, y + 300 - rng.randint(0, 220)) for i in range(41)]
        draw.line(points, fill=(rng.randint(0, 200), 90, 200), width=2)
        for row in range(6):  # text-like noise: short dark runs
            for word in range(rng.randint(2, 6)):
                wx = x + 12 + word * 70
                draw.rectangle([wx, y + 12 + row * 9, wx + rng.randint(20, 60), y + 17 + row * 9],
                               fill=(60, 64, 72))  # fmt: skip
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _tagged(png: bytes, number: int) -> bytes:
    """The same image with a tEXt chunk naming `number`: another file (SHA-256), same pixels."""
    body = b"Comment\x00capture " + str(number).encode()
    chunk = len(body).to_bytes(4, "big") + b"tEXt" + body
    chunk += zlib.crc32(b"tEXt" + body).to_bytes(4, "big")
    return png[:-12] + chunk + png[-12:]


def build(path: Path, entries: int, captures: int) -> None:
    """The incident: make_incident's entries, then its captures' pixels made screen-sized."""
    make_incident(path, entries, captures)
    screens = [_screen(seed) for seed in range(20)]
    conn = sqlite3.connect(path)
    try:
        # Benchmark set-up only: the app never rewrites a capture (the triggers forbid it).
        conn.execute("DROP TRIGGER captures_append_only_update")
        ids = [row[0] for row in conn.execute("SELECT id FROM captures ORDER BY id")]
        for number, capture_id in enumerate(ids):
            png = _tagged(screens[number % len(screens)], number)
            conn.execute(
                "UPDATE captures SET png = ?, width = 1920, height = 1080, sha256 = ? WHERE id = ?",
                (png, hashlib.sha256(png).hexdigest(), capture_id),
            )
        conn.commit()
        conn.executescript(
            "CREATE TRIGGER captures_append_only_update BEFORE UPDATE ON captures BEGIN "
            "SELECT RAISE(ABORT, 'captures are append-only: record a revision instead'); END;"
        )
    finally:
        conn.close()


def _run(code: str, args: list[str]) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={
            "QT_QPA_PLATFORM": "offscreen",
            "PATH": "/usr/bin:/bin",
            "HOME": tempfile.gettempdir(),
        },
        check=False,
    )
    result = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    if done.returncode != 0 or not result or result[0].split()[1] != "0":
        raise SystemExit(f"failed: {' '.join(args)}\n{done.stderr.strip()}")
    _, _, seconds, kb = result[0].split()
    return float(seconds), int(kb) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--captures", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="build the incident here and keep it")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        path = (args.keep or work) / "large.incident"
        if not path.exists():
            started = time.perf_counter()
            build(path, args.entries, args.captures)
            print(f"built {path.name}: {path.stat().st_size / 2**20:.0f} MiB in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        print(f"{args.entries:,} entries, {args.captures} captures of 1920×1080\n")
        seconds, mb = _run(_BASELINE, [str(path)])
        print(f"{'baseline (read record + PNGs)':32} {seconds:7.2f} s {mb:8.0f} MB")
        figures: dict[str, dict[str, float]] = {}
        for fmt, (time_budget, memory_budget) in BUDGETS.items():
            out = work / f"out-{fmt}"
            seconds, mb = _run(_CHILD, ["export", str(path), "--format", fmt, "--out", str(out)])
            figures[fmt] = {"seconds": seconds, "peak_mb": mb}
            budget = f"≤ {time_budget:.0f} s" if time_budget else "no time budget"
            ok = (time_budget is None or seconds <= time_budget) and mb <= memory_budget
            print(f"{'export ' + fmt:32} {seconds:7.2f} s {mb:8.0f} MB   "
                  f"({budget}, ≤ {memory_budget} MB: {'ok' if ok else 'OVER'})")  # fmt: skip
        print(json.dumps(figures))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
