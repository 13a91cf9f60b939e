"""Helpers shared by the reliability tests: the share being run, the CLI as a process, integrity
checks, real PNGs."""

from __future__ import annotations

import hashlib
import io
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from incident_recorder.domain import NewCapture

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"


SHARES = ("fast", "quick", "full")
"""fast: only the short tests (every `pytest` run); quick: the long (`reliability_full`) tests too,
each at reduced counts (CI: RELIABILITY_SHARE=quick); full: the long tests at full counts
(RELIABILITY_SHARE=full, what benchmarks/reliability.py --full runs for docs/reliability.md)."""


def share() -> str:
    """The share chosen by the environment (RELIABILITY_FULL=1 is the older spelling of full)."""
    if os.environ.get("RELIABILITY_FULL") == "1":
        return "full"
    chosen = os.environ.get("RELIABILITY_SHARE") or "fast"
    if chosen not in SHARES:
        raise pytest.UsageError(f"RELIABILITY_SHARE={chosen!r}: use one of {', '.join(SHARES)}")
    return chosen


def long_run(full: Any, quick: Any) -> Any:
    """The `full` parameter of a long test (marked reliability_full): `full` in the full share,
    `quick` in the quick share. A tuple gives one value per parameter name."""
    value = quick if share() == "quick" else full
    values = value if isinstance(value, tuple) else (value,)
    return pytest.param(*values, id="full", marks=pytest.mark.reliability_full)


def runs(fast: Any, full: Any, quick: Any) -> list[Any]:
    """Parameters of a test run with `fast` every time and `full` (or `quick`) as a long run."""
    return [pytest.param(fast, id="fast"), long_run(full, quick)]


def env() -> dict[str, str]:
    """The environment for a child process: this worktree's sources first."""
    child = dict(os.environ)
    child["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), child.get("PYTHONPATH")]))
    return child


def cli(*args: str, timeout: float = 60, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "incident_recorder", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env(),
        input=stdin,
    )


def integrity(path: Path) -> tuple[str, float]:
    """PRAGMA integrity_check of the file and the seconds it took (opening included)."""
    started = time.perf_counter()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = ",".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()
    return result, time.perf_counter() - started


def sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def noise_png(width: int, height: int, seed: int) -> bytes:
    """A PNG of a gradient with noise: compresses like a real screenshot does not (badly)."""
    rng = random.Random(seed)
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    image = Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.3)))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def new_capture(png: bytes, width: int, height: int, title: str = "Grafana") -> NewCapture:
    thumb = Image.open(io.BytesIO(png)).convert("RGB")
    thumb.thumbnail((160, 120))
    out = io.BytesIO()
    thumb.save(out, format="PNG")
    return NewCapture(
        png=png,
        thumbnail_png=out.getvalue(),
        width=width,
        height=height,
        sha256=hashlib.sha256(png).hexdigest(),
        monitor=1,
        window_title=title,
    )


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0, step: float = 0.02) -> float:
    """Poll until predicate() is true; the seconds it took. AssertionError on timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting")
