"""The built bundle: its size and file count, and its start time beside the venv's.

    python benchmarks/bench_bundle.py [--runs 5] [--entries 10000] [--bundle DIR] [--json P]

Start time is process start to the recorder window mapped on the X display (one python-xlib
connection waits for the MapNotify; see packaging/smoke_test.py `time_to_window`), opening an
incident of ENTRIES entries. The baseline, measured in the same run on the same file and display,
is the same app started from this checkout's Python (`python -m incident_recorder FILE`). Runs
alternate between the two so that load on the machine hits both alike; medians are printed.

Needs the bundle built by packaging/build.sh: without dist/incident-recorder/ it says so and
exits 0, which is why run_all.py does not run it by default. Without a display it runs itself
under xvfb-run.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "packaging"))

import smoke_test  # noqa: E402

REEXEC_FLAG = "INCIDENT_RECORDER_BENCH_XVFB"
TITLE = "Checkout outage (generated)"  # the title make_incident gives


def measure(command: list[str], env: dict[str, str], home: Path) -> float:
    """Milliseconds from start to the window mapped; the app is then closed with SIGTERM."""
    proc, seconds, _window = smoke_test.time_to_window(command, TITLE, env, home / "app.log")
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    return seconds * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="starts of each (default 5)")
    parser.add_argument("--entries", type=int, default=10_000, help="entries in the incident")
    parser.add_argument("--bundle", type=Path, default=smoke_test.BUNDLE)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    exe = smoke_test.binary(args.bundle)
    if not exe.is_file():
        print(f"bench_bundle: skipped: no bundle at {exe} (build it with packaging/build.sh)")
        return 0
    if not os.environ.get("DISPLAY"):
        if os.environ.get(REEXEC_FLAG) or not shutil.which("xvfb-run"):
            print("bench_bundle: skipped: no DISPLAY and no xvfb-run")
            return 0
        env = dict(os.environ, **{REEXEC_FLAG: "1"})
        command = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, __file__]
        return subprocess.run([*command, *(argv or sys.argv[1:])], env=env).returncode

    from make_incident import make_incident

    size_mb, files = smoke_test.bundle_size(args.bundle)
    with tempfile.TemporaryDirectory(prefix="ir-bench-bundle-") as tmp:
        home = Path(tmp)
        env = smoke_test.isolated_env(home)
        env.pop("PYTHONPATH", None)
        venv_env = dict(env, PYTHONPATH=str(ROOT / "src"))  # this checkout, as frozen
        path = home / "bench.incident"
        make_incident(path, args.entries)
        frozen: list[float] = []
        venv: list[float] = []
        for _ in range(args.runs):
            frozen.append(measure([str(exe), str(path)], env, home))
            venv_command = [sys.executable, "-m", "incident_recorder", str(path)]
            venv.append(measure(venv_command, venv_env, home))
    figures = {
        "bundle_mib": round(size_mb, 1),
        "bundle_files": files,
        "entries": args.entries,
        "runs": args.runs,
        "frozen_start_ms": round(statistics.median(frozen), 1),
        "venv_start_ms": round(statistics.median(venv), 1),
        "frozen_all_ms": [round(v) for v in frozen],
        "venv_all_ms": [round(v) for v in venv],
    }
    print(f"bundle {args.bundle}: {size_mb:.0f} MiB in {files} files")
    print(
        f"start to window mapped, {args.entries:,} entries, median of {args.runs}: "
        f"bundle {figures['frozen_start_ms']:.0f} ms  |  venv python "
        f"{figures['venv_start_ms']:.0f} ms (baseline, same run)"
    )
    print(f"  bundle runs {figures['frozen_all_ms']}  venv runs {figures['venv_all_ms']}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
