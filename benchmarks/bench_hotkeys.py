"""Global hotkey to pixels and to disk, at 1920x1080 and 3840x2160, through the real X path.

An XTest key press (Ctrl+Alt+S) goes to the X server from a second connection while another
window (an xterm) has the focus; the recorder's own grab receives it, as it would a person's
press. Measured from the moment the press is sent: pixels grabbed, entry durable, and the
longest UI-thread stall meanwhile (a 1 ms heartbeat timer). Beside `scrot` and ImageMagick
`import -window root` writing a PNG of the same screen, timed in the same run.

    python benchmarks/bench_hotkeys.py [--presses 20] [--json PATH]

Each resolution runs on an Xvfb of its own (started with xvfb-run), with a synthetic dashboard
painted as the screen's background so the PNGs have realistic sizes.
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
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_common import percentile, time_captures  # noqa: E402

CHILD_FLAG = "INCIDENT_RECORDER_BENCH_HOTKEYS_CHILD"
SIZES = ((1920, 1080), (3840, 2160))
BUDGET = {"pixels_ms": 10.0, "durable_1080_ms": 60.0, "durable_4k_ms": 150.0, "stall_ms": 16.0}


def measure(presses: int, width: int, height: int) -> dict[str, Any]:
    """Runs inside the Xvfb of one resolution: the real window, real grabs, XTest presses."""
    from bench_capture import paint_dashboard
    from bench_gui import Heartbeat, capture_baselines
    from Xlib import XK, X, display
    from Xlib.ext import xtest

    from incident_recorder.app import make_qapp
    from incident_recorder.domain.times import system_clock
    from incident_recorder.storage import IncidentFile
    from incident_recorder.ui.capture import global_hotkeys
    from incident_recorder.ui.recorder.recorder_window import RecorderWindow

    keep = paint_dashboard(width, height)
    app = make_qapp()
    folder = Path(tempfile.mkdtemp(prefix="ir-bench-keys-"))
    other = subprocess.Popen(["xterm", "-T", "Other application", "-e", "sleep 600"])
    try:
        path = folder / "keys.incident"
        window = RecorderWindow(IncidentFile.create(path, "Hotkeys"), clock=system_clock)
        window.show()
        deadline = time.monotonic() + 10  # the keys are grabbed on a worker after the paint
        while "capture_screen" not in global_hotkeys.grabbed_actions():
            if time.monotonic() > deadline:
                break
            app.processEvents()
        if "capture_screen" not in global_hotkeys.grabbed_actions():
            raise RuntimeError("Ctrl+Alt+S could not be grabbed on this display")
        sender = display.Display()
        codes = [
            sender.keysym_to_keycode(XK.string_to_keysym(name))
            for name in ("Control_L", "Alt_L", "s")
        ]
        subprocess.run(
            ["xdotool", "search", "--sync", "--name", "Other application"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            ["xdotool", "search", "--name", "Other application", "windowfocus"], capture_output=True
        )

        def press(_: int) -> None:
            for code in codes:
                xtest.fake_input(sender, X.KeyPress, code)
            for code in reversed(codes):
                xtest.fake_input(sender, X.KeyRelease, code)
            sender.sync()

        shown = [keep]

        def repaint(number: int) -> None:  # a new frame each time, or the file would only
            shown[0] = paint_dashboard(width, height, seed=number + 1)  # note an unchanged screen

        pixels, durable, stalls = time_captures(
            app, window, Heartbeat(), presses, press, after=repaint
        )
        window.close()
        sender.close()
        baselines = capture_baselines(n=5)
    finally:
        other.terminate()
        shutil.rmtree(folder, ignore_errors=True)
    del keep
    return {
        "size": f"{width}x{height}",
        "pixels_ms": {"median": statistics.median(pixels), "p99": percentile(pixels, 0.99)},
        "durable_ms": {"median": statistics.median(durable), "p99": percentile(durable, 0.99)},
        "stall_ms": {"median": statistics.median(stalls), "max": max(stalls)},
        **baselines,
    }


def run(presses: int = 20) -> list[dict[str, Any]]:
    """One child process per resolution, each under its own xvfb-run."""
    if not shutil.which("xvfb-run"):
        raise RuntimeError("xvfb-run is not installed")
    results = []
    for width, height in SIZES:
        env = dict(os.environ, **{CHILD_FLAG: f"{width}x{height}"})
        env.pop("QT_QPA_PLATFORM", None)
        env.pop("INCIDENT_RECORDER_NO_GLOBAL_KEYS", None)
        out = subprocess.run(
            [
                "xvfb-run",
                "-a",
                "-s",
                f"-screen 0 {width}x{height}x24",
                sys.executable,
                __file__,
                "--presses",
                str(presses),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def format_table(results: list[dict[str, Any]]) -> str:
    lines = [
        f"{'screen':<10} {'press→pixels ms':>16} {'press→durable ms':>17} {'UI stall ms':>12}"
        f" {'scrot ms':>9} {'import ms':>10}",
        f"{'':<10} {'median / p99':>16} {'median / p99':>17} {'med / max':>12}",
    ]
    for r in results:
        lines.append(
            f"{r['size']:<10} "
            f"{r['pixels_ms']['median']:>7.1f} / {r['pixels_ms']['p99']:<6.1f} "
            f"{r['durable_ms']['median']:>8.1f} / {r['durable_ms']['p99']:<6.1f} "
            f"{r['stall_ms']['median']:>5.1f} / {r['stall_ms']['max']:<4.1f} "
            f"{r.get('scrot_ms', float('nan')):>9.1f} {r.get('import_ms', float('nan')):>10.1f}"
        )
    lines.append(
        "budgets: press→pixels ≤ 10 ms; press→durable ≤ 60 ms at 1080p, ≤ 150 ms at 4K; "
        "UI stall ≤ 16 ms"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    size = os.environ.get(CHILD_FLAG)
    if size:  # inside xvfb-run: measure one resolution, print JSON last
        width, height = (int(v) for v in size.split("x"))
        print(json.dumps(measure(args.presses, width, height)))
        return 0
    if sys.platform.startswith("linux") and not shutil.which("xvfb-run"):
        print("bench_hotkeys: skipped: xvfb-run is not installed")
        return 0
    results = run(args.presses)
    print(format_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
