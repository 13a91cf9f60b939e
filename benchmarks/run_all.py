"""Run every benchmark and print its figures beside the baseline measured in the same run.

    python benchmarks/run_all.py [--quick]

storage: note append and open on 100,000 entries (bare sqlite3 baseline); capture: grab and
encode at 1920x1080 (scrot / ImageMagick baseline); gui: the same paths through the real window
(keystroke to visible entry, capture key to pixels and to disk, UI stalls, opening); hotkeys: a
global Ctrl+Alt+S press while another window has focus, at 1080p and 4K; webhooks: 1,000 events
posted to `incident-recorder serve` by concurrent clients (direct add_note baseline); startup:
cold start to the recorder window painted on 10,000 entries (bare PySide6 window baseline).
Not run here: bench_bundle.py (bundle size and start time), which needs packaging/build.sh first.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    runs = [
        ["bench_storage.py"] + (["--notes", "500"] if args.quick else []),
        ["bench_capture.py"] + (["-n", "15"] if args.quick else []),
        ["bench_gui.py"] + (["--notes", "100", "--captures", "10"] if args.quick else []),
        ["bench_hotkeys.py"] + (["--presses", "8"] if args.quick else []),
        ["bench_webhooks.py"] + (["--events", "300"] if args.quick else []),
        ["bench_export.py"] + (["--entries", "1000", "--captures", "50"] if args.quick else []),
        ["bench_startup.py"] + (["--runs", "5"] if args.quick else []),
        ["bench_team.py"] + (["--notes", "50", "--catch-up", "2000"] if args.quick else []),
        ["bench_recognition.py"] + (["--quick"] if args.quick else []),
    ]
    status = 0
    for script, *extra in runs:
        print(f"\n== {script} ==", flush=True)
        status |= subprocess.run([sys.executable, str(HERE / script), *extra]).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
