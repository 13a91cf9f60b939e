"""Text recognition and search, with bare `tesseract` on the same images as the baseline.

    python benchmarks/bench_recognition.py [--quick] [--json PATH]

Screens come from benchmarks/screens.py (terminal lines, a dashboard, a table; light and dark;
100 % and 200 % scaling; 1080p and 4K; planted secrets and e-mail addresses). Per screen: word
recall (the drawn words found exactly, as a multiset), planted findings caught, false findings,
seconds. The baseline is the `tesseract` command (Debian's tesseract-ocr) on the same PNG with
its defaults. Then `IncidentFile.search` on a file of 100,000 notes and 2,000 recognised
captures (median of 20 queries).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screens import VOCABULARY, Screen, all_screens  # noqa: E402

from incident_recorder.recognition.engine import Recogniser  # noqa: E402
from incident_recorder.recognition.findings import find  # noqa: E402
from incident_recorder.recognition.words import text_of  # noqa: E402
from incident_recorder.session.findings import finding_rules  # noqa: E402
from incident_recorder.storage import IncidentFile  # noqa: E402


def recall(found: list[str], truth: list[str]) -> float:
    left = collections.Counter(found)
    hit = 0
    for word in truth:
        if left[word] > 0:
            left[word] -= 1
            hit += 1
    return hit / len(truth)


def baseline(png: bytes, folder: Path) -> tuple[list[str], float]:
    image = folder / "screen.png"
    image.write_bytes(png)
    started = time.perf_counter()
    result = subprocess.run(
        ["tesseract", str(image), "stdout"], capture_output=True, text=True, check=True
    )
    return result.stdout.split(), time.perf_counter() - started


def bench_screens(screens: list[Screen]) -> list[dict[str, object]]:
    rules = finding_rules()
    rows = []
    have_cli = shutil.which("tesseract") is not None
    with Recogniser() as engine, tempfile.TemporaryDirectory() as tmp:
        for screen in screens:
            result = engine.recognise(screen.png)
            text = text_of(result.words)
            kinds = [f.kind for f in find(text, rules, recognised=True)]
            planted = collections.Counter(screen.planted)
            caught = sum(min(n, kinds.count(k)) for k, n in planted.items())
            false = len(kinds) - caught
            row: dict[str, object] = {
                "screen": screen.name,
                "recall": recall([w.text for w in result.words], screen.words),
                "planted": len(screen.planted),
                "caught": caught,
                "false": false,
                "seconds": result.seconds,
            }
            if have_cli:
                words, seconds = baseline(screen.png, Path(tmp))
                row["baseline_recall"] = recall(words, screen.words)
                row["baseline_seconds"] = seconds
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def bench_search(entries: int = 100_000, captures: int = 2_000) -> dict[str, float]:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.incident"
        IncidentFile.create(path, "search bench").close()
        conn = sqlite3.connect(path)
        stamp = "2026-12-07T05:00:00.000Z"
        png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
        conn.executemany(
            "INSERT INTO entries (kind, text, occurred_at, recorded_at) VALUES (?, ?, ?, ?)",
            (
                ("observation", " ".join(rng.choices(VOCABULARY, k=12)), stamp, stamp)
                for _ in range(entries - captures)
            ),
        )
        for index in range(captures):
            cid = conn.execute(
                "INSERT INTO captures (png, thumbnail, width, height, sha256, captured_at) "
                "VALUES (?, ?, 1920, 1080, ?, ?)",
                (png, png, f"{index:064x}", stamp),
            ).lastrowid
            conn.execute(
                "INSERT INTO entries (kind, text, occurred_at, recorded_at, capture_id) "
                "VALUES ('observation', '', ?, ?, ?)",
                (stamp, stamp, cid),
            )
            text = "\n".join(" ".join(rng.choices(VOCABULARY, k=9)) for _ in range(40))
            conn.execute(
                "INSERT INTO recognitions (capture_id, status, engine, text, words, seconds, "
                "recognised_at) VALUES (?, 'done', 'bench', ?, '[]', 1, ?)",
                (cid, text, stamp),
            )
        conn.commit()
        conn.close()
        times = []
        with IncidentFile.open(path, readonly=True) as handle:
            for _ in range(20):
                query = " ".join(rng.sample(VOCABULARY, 2))
                started = time.perf_counter()
                handle.search(query)
                times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(times), "max_ms": max(times)}


def bench_ui_stall(screens: list[Screen]) -> dict[str, float]:
    """The longest gap of a 1 ms Qt timer on the UI thread while the window's RecognitionRunner
    (a child process) reads `screens`; beside it the same recognition on a Python thread of the
    window's process (what the child process avoids: Tesseract holds the GIL)."""
    import hashlib
    import threading

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from incident_recorder.domain import NewCapture
    from incident_recorder.session import IncidentSession
    from incident_recorder.ui.recorder.recognition_runner import RecognitionRunner

    app = QApplication.instance() or QApplication([])

    def longest_gap(run: Callable[[Callable[[], None]], None]) -> float:
        clock = QElapsedTimer()
        clock.start()
        last = [clock.elapsed()]
        gaps = [0.0]
        timer = QTimer()
        timer.setInterval(1)
        timer.timeout.connect(
            lambda: (gaps.append(clock.elapsed() - last[0]), last.__setitem__(0, clock.elapsed()))
        )
        timer.start()
        run(app.quit)
        app.exec()
        timer.stop()
        return max(gaps)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stall.incident"
        handle = IncidentFile.create(path, "stall bench")
        for screen in screens:
            digest = hashlib.sha256(screen.png).hexdigest()
            handle.add_capture(NewCapture(screen.png, screen.png, 1920, 1080, digest))
        runner = RecognitionRunner(IncidentSession(handle), path)

        def child(done: Callable[[], None]) -> None:
            runner.idle.connect(done)
            runner.kick()

        def thread(done: Callable[[], None]) -> None:
            def work() -> None:
                with Recogniser() as engine:
                    for screen in screens:
                        engine.recognise(screen.png)
                QTimer.singleShot(0, app, done)

            threading.Thread(target=work, daemon=True).start()

        def idle(done: Callable[[], None]) -> None:
            QTimer.singleShot(3000, app, done)

        quiet = longest_gap(idle)  # the machine's own noise, for comparison
        in_child = longest_gap(child)
        on_thread = longest_gap(thread)
        handle.close()
    return {
        "idle_max_ms": quiet,
        "child_process_max_ms": in_child,
        "in_process_thread_max_ms": on_thread,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="1080p screens only")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = bench_screens(all_screens(quick=args.quick))
    search = bench_search()
    print(json.dumps({"search": search}))
    stall = bench_ui_stall([s for s in all_screens(quick=True) if s.name.startswith("terminal")])
    print(json.dumps({"ui_stall": stall}))
    if args.json:
        result = {"screens": rows, "search": search, "ui_stall": stall}
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
