"""Capture speed at the screen's size: grab, encode, both, next to scrot and ImageMagick.

Run as ``python benchmarks/bench_capture.py [-n 50] [--json PATH]``. It needs an X display;
without one it re-runs itself under ``xvfb-run -a -s "-screen 0 1920x1080x24"`` when that is
installed, else says why and exits 0. ``run(n)`` returns the figures as a dict for a runner.

Budgets (DESIGN.md: capture key to pixels well under a tenth of a second): grab ≤ 10 ms,
grab + encode ≤ 60 ms. The baselines are whole processes, as a user would run them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

XVFB_SCREEN = "-screen 0 1920x1080x24"
REEXEC_FLAG = "INCIDENT_RECORDER_BENCH_REEXEC"
BUDGETS_MS = {"grab (reused Grabber)": 10.0, "grab + encode": 60.0}


def _timings(action: Callable[[], object], n: int) -> list[float]:
    """Milliseconds taken by each of ``n`` calls of ``action``."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _summary(times: Sequence[float]) -> dict[str, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(p99, 2),
        "min_ms": round(ordered[0], 2),
        "n": len(ordered),
    }


def _dashboard(width: int, height: int, seed: int = 7) -> Any:
    """A synthetic dashboard image: dark panels with a line graph and rows of figures each."""
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (24, 27, 31))
    draw = ImageDraw.Draw(image)
    panel_w, panel_h = width // 4, height // 3
    for px in range(0, width - panel_w + 1, panel_w):
        for py in range(0, height - panel_h + 1, panel_h):
            draw.rectangle((px + 6, py + 6, px + panel_w - 6, py + panel_h - 6), fill=(32, 36, 42))
            draw.text((px + 14, py + 12), f"p99 latency svc-{rng.randrange(100)}", fill="white")
            points, y = [], py + panel_h // 2
            for x in range(px + 14, px + panel_w - 14, 3):
                y = min(max(y + rng.randint(-9, 9), py + 40), py + panel_h - 20)
                points.append((x, y))
            colour = (rng.randrange(80, 256), rng.randrange(80, 256), rng.randrange(80, 256))
            draw.line(points, fill=colour, width=2)
            for row in range(6):
                words = " ".join(f"{rng.random():.4f}" for _ in range(4))
                draw.text((px + 14, py + panel_h - 110 + row * 14), words, fill=(170, 170, 170))
    return image


def paint_dashboard(width: int, height: int, seed: int = 7) -> Any:
    """Make a synthetic dashboard the root window's background; return the Xlib connection.

    A blank Xvfb screen compresses to almost nothing and would flatter the encode figures. Only
    used on the Xvfb this script started itself, never on a real desktop. Keep the returned
    connection open while measuring (the background pixmap lives as long as it does).
    """
    from Xlib import X, display

    bgrx = _dashboard(width, height, seed).tobytes("raw", "BGRX")
    connection = display.Display()
    screen = connection.screen()
    root = screen.root
    pixmap = root.create_pixmap(width, height, screen.root_depth)
    gc = pixmap.create_gc()
    rows = max(1, 200_000 // (width * 4))  # stay under the core protocol's request size
    for top in range(0, height, rows):
        strip = min(rows, height - top)
        data = bgrx[top * width * 4 : (top + strip) * width * 4]
        pixmap.put_image(gc, 0, top, width, strip, X.ZPixmap, screen.root_depth, 0, data)
    root.change_attributes(background_pixmap=pixmap)
    root.clear_area(0, 0, width, height)
    connection.sync()
    return connection


def _run_tool(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(n: int = 50, *, paint: bool = False) -> dict[str, Any]:
    """Measure ``n`` repetitions of each step on the current display; return the figures.

    ``paint``: first draw a synthetic dashboard on the root window (for a private Xvfb only).
    """
    from incident_recorder.capture import Grabber, check_capture_possible, encode

    check_capture_possible()
    results: dict[str, dict[str, float]] = {}
    with Grabber() as grabber, tempfile.TemporaryDirectory() as tmp:
        shot = grabber.grab(1)  # opens mss and reads the monitors: not part of the figures
        painter = paint_dashboard(shot.width, shot.height) if paint else None
        shot = grabber.grab(1)
        encoded = encode(shot)
        results["grab (reused Grabber)"] = _summary(_timings(lambda: grabber.grab(1), n))
        results["encode (PNG level 1 + thumbnail)"] = _summary(_timings(lambda: encode(shot), n))
        results["grab + encode"] = _summary(_timings(lambda: encode(grabber.grab(1)), n))
        out = str(Path(tmp) / "x.png")
        # The Grabber stays open meanwhile: Xvfb resets when its last client leaves.
        if shutil.which("scrot"):
            scrot = ["scrot", "-o", out]
            results["scrot -o x.png (process)"] = _summary(_timings(lambda: _run_tool(scrot), n))
        if shutil.which("import"):
            magick = ["import", "-window", "root", out]
            results["import -window root (process)"] = _summary(
                _timings(lambda: _run_tool(magick), n)
            )
        if painter is not None:
            painter.close()
    return {
        "screen": [shot.width, shot.height],
        "content": "synthetic dashboard" if painter else "the screen as it was",
        "n": n,
        "png_bytes": len(encoded.png),
        "thumbnail_bytes": len(encoded.thumbnail_png),
        "results": results,
        "budgets_ms": BUDGETS_MS,
    }


def format_table(figures: dict[str, Any]) -> str:
    """The figures as a small aligned text table."""
    width, height = figures["screen"]
    rows = [("step", "median ms", "p99 ms", "budget ms")]
    for name, stats in figures["results"].items():
        budget = figures["budgets_ms"].get(name)
        rows.append(
            (
                name,
                f"{stats['median_ms']:.1f}",
                f"{stats['p99_ms']:.1f}",
                "" if budget is None else f"{budget:.0f}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        f"capture at {width}x{height} ({figures['content']}), n={figures['n']}, "
        f"PNG {figures['png_bytes'] / 1024:.0f} KiB",
    ]
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _needs_display() -> str | None:
    """Why there is no usable display here, or None if there is one."""
    if os.environ.get("WAYLAND_DISPLAY") or os.environ.get("XDG_SESSION_TYPE") == "wayland":
        return "a Wayland session (mss captures X11 only)"
    if not os.environ.get("DISPLAY"):
        return "no DISPLAY"
    return None


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=50, help="repetitions (default 50)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this path")
    args = parser.parse_args(args_in)

    reason = sys.platform.startswith("linux") and _needs_display()
    if reason:
        xvfb_run = shutil.which("xvfb-run")
        if xvfb_run is None or os.environ.get(REEXEC_FLAG):
            print(f"bench_capture: skipped: {reason}, and xvfb-run is not available")
            return 0
        print(f"bench_capture: {reason}: running under xvfb-run ({XVFB_SCREEN})", flush=True)
        env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
        env["XDG_SESSION_TYPE"] = "x11"
        env[REEXEC_FLAG] = "1"
        command = [xvfb_run, "-a", "-s", XVFB_SCREEN, sys.executable, __file__, *args_in]
        return subprocess.run(command, env=env).returncode

    figures = run(args.n, paint=bool(os.environ.get(REEXEC_FLAG)))
    print(format_table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
