"""Build a large, realistic incident file fast, for benchmarks and for trying the app on big data.

The file is created with `IncidentFile.create` (so schema, PRAGMAs and the incident row are
exactly the app's), then the entries and captures are bulk-inserted in ONE transaction through
the raw sqlite3 connection with `executemany`. This deliberately bypasses `add_note` (which
commits and fsyncs each entry: 100,000 of those would take minutes); the rows written are the
ones `add_note`/`add_capture` would write. Texts come from the checkout-outage scenario in
tests/data (a copy of the shared scenario), or are generated if it is not there.

    python benchmarks/make_incident.py OUT --entries 100000 --captures 0 [--long-notes 0.2]

With `--long-notes F` that fraction of the notes is one long line of 300–2,000 characters (several
scenario texts run together), as a pasted log excerpt or a long status update would be.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from incident_recorder.domain import EntryKind
from incident_recorder.domain.times import to_iso
from incident_recorder.storage import IncidentFile

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "tests" / "data" / "checkout-outage.csv"
START = datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC)

_WORDS = [
    "checkout-api",
    "error",
    "rate",
    "latency",
    "p99",
    "database",
    "connections",
    "pool",
    "saturated",
    "rollback",
    "deploy",
    "canary",
    "alert",
    "dashboard",
    "customers",
    "payments",
    "timeout",
    "retry",
    "queue",
    "backlog",
    "cache",
    "failover",
    "mitigated",
    "restarted",
]


def scenario_texts() -> list[tuple[str, str]]:
    """(kind, text) pairs from the scenario CSV, or generated ones if it cannot be read."""
    try:
        with SCENARIO.open(newline="", encoding="utf-8") as handle:
            rows = [(row["kind"], row["text"]) for row in csv.DictReader(handle) if row["text"]]
    except (OSError, KeyError, csv.Error):
        rows = []
    known = {kind.value for kind in EntryKind}
    rows = [(kind if kind in known else "observation", text) for kind, text in rows]
    if rows:
        return rows
    rng = random.Random(1)
    kinds = [kind.value for kind in EntryKind]
    return [
        (rng.choice(kinds), " ".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 25))))
        for _ in range(50)
    ]


def _png(width: int, height: int, seed: int) -> bytes:
    """A small real PNG (Pillow if present, else a stored-uncompressed minimal PNG)."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency of the app
        return b"\x89PNG\r\n\x1a\n" + seed.to_bytes(8, "big") * 64
    image = Image.new("RGB", (width, height), ((seed * 37) % 256, (seed * 91) % 256, 128))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def screenshot_png(width: int, height: int, seed: int) -> bytes:
    """A screenshot-sized PNG that compresses like a busy screen: gradients and noise.

    1024×768 is about 1.2 MB, so 2,000 of them make the ~2 GB incident of the load test.
    """
    from PIL import Image

    rng = random.Random(seed)
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    image = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.25)))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def long_text(rng: random.Random, texts: list[tuple[str, str]]) -> str:
    """One line of 300–2,000 characters: scenario texts run together, cut at a word."""
    length = rng.randint(300, 2000)
    parts: list[str] = []
    total = 0
    while total < length:
        part = rng.choice(texts)[1].replace("\n", " ")
        parts.append(part)
        total += len(part) + 2
    return "; ".join(parts)[:length].rsplit(" ", 1)[0]


def make_incident(
    path: Path | str,
    n_entries: int,
    n_captures: int = 0,
    *,
    seed: int = 0,
    capture_size: tuple[int, int] | None = None,
    long_notes: float = 0.0,
) -> None:
    """Create `path` holding `n_entries` entries, `n_captures` of which carry a capture.

    Times spread over several hours from 2026-11-27 14:00 UTC; about 1 in 20 notes is backdated
    (occurred a minute or two before it was recorded), as real notes typed late are. With
    `capture_size` the captures are realistic screenshots of that size (screenshot_png), streamed
    into the file one at a time (never all in memory); without, small 320×200 PNGs. A
    `long_notes` fraction of the notes are single lines of 300–2,000 characters.
    """
    path = Path(path)
    n_captures = min(n_captures, n_entries)
    rng = random.Random(seed)
    texts = scenario_texts()
    span = timedelta(hours=6).total_seconds()
    step = span / max(n_entries, 1)
    handle = IncidentFile.create(path, "Checkout outage (generated)", clock=lambda: START)
    try:
        conn = handle._db.conn  # raw sqlite3 connection: bulk insert, bypassing add_note
        width, height = capture_size or (320, 200)

        def capture_rows() -> Iterator[tuple[object, ...]]:
            for number in range(1, n_captures + 1):
                if capture_size:
                    png = screenshot_png(width, height, seed + number)
                else:
                    png = _png(width, height, seed + number)
                thumb = _png(64, 40, seed + number)
                at = START + timedelta(seconds=span * number / (n_captures + 1))
                yield (
                    number,
                    png,
                    thumb,
                    width,
                    height,
                    rng.choice([0, 1, None]),
                    hashlib.sha256(png).hexdigest(),
                    "Grafana — checkout-api",
                    to_iso(at),
                )

        capture_every = n_entries // n_captures if n_captures else 0
        entry_rows = []
        captures_used = 0
        for number in range(1, n_entries + 1):
            recorded = START + timedelta(seconds=number * step + rng.random() * step)
            occurred = recorded
            if rng.random() < 0.05:
                occurred = recorded - timedelta(seconds=rng.uniform(5, 120))
            kind, text = rng.choice(texts)
            if long_notes and rng.random() < long_notes:
                text = long_text(rng, texts)
            capture_id = None
            if capture_every and number % capture_every == 0 and captures_used < n_captures:
                captures_used += 1
                capture_id = captures_used
            source = "cli" if rng.random() < 0.02 else "gui"
            entry_rows.append((kind, text, to_iso(occurred), to_iso(recorded), source, capture_id))
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT INTO captures (id, png, thumbnail, width, height, monitor, sha256, "
                "window_title, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                capture_rows(),
            )
            conn.executemany(
                "INSERT INTO entries (kind, text, occurred_at, recorded_at, source, capture_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                entry_rows,
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        handle.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the incident file to create (must not exist)")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--captures", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--long-notes", type=float, default=0.0, help="fraction of notes 300-2,000 chars long"
    )
    parser.add_argument(
        "--screenshots",
        metavar="WxH",
        help="realistic noisy screenshots of this size (1024x768: ~1.2 MB each)",
    )
    args = parser.parse_args(argv)
    size = tuple(int(n) for n in args.screenshots.split("x")) if args.screenshots else None
    make_incident(
        args.out,
        args.entries,
        args.captures,
        seed=args.seed,
        capture_size=size,  # type: ignore[arg-type]
        long_notes=args.long_notes,
    )
    print(f"{args.out}: {args.entries:,} entries, {args.captures:,} captures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
