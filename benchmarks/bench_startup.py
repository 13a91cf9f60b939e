"""Cold start to the recorder window painted, on a 10,000-entry incident, beside the floor.

Each run is a fresh process started the way a user starts the app: the command line
(``incident_recorder.cli.main([FILE])``: argument parsing, the display check, the single-instance
server, the QApplication, the theme, the settings, the incident opened, the recorder window
shown). It is timed from the moment the parent launches it to the end of the window's first
paint (the timeline's first paint event posts a zero timer, which fires once that whole paint
pass, the timeline's rows included, is done), as read on the system-wide monotonic clock; so the
interpreter's own start-up and every import count, in the order the command line makes them.
The child only wraps ``app.build`` (as the command line imports the app) to watch for that
paint; each run gets its own instance socket, so it never forwards to an app already running.
Also reported: when every entry of the file is in the timeline's model (a large incident's
earlier entries are read in the background after the first paint). One warm-up run of each
comes first (not counted): it writes the byte-code caches an installed app has, and brings the
files into the page cache. The floor is a bare PySide6 script that shows an empty QMainWindow,
timed the same way (its first paint event posts the zero timer) in the same run. Reported: the
median (and the spread) of N runs of each.

    python benchmarks/bench_startup.py [--entries 10000] [--runs 7] [--json PATH]

Without a display it runs itself under xvfb-run. The budget (issue 6) is 400 ms.
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

REEXEC_FLAG = "INCIDENT_RECORDER_BENCH_XVFB"
BUDGET_MS = 400.0

_APP_CHILD = """
import importlib.util, os, sys, time
def build_watched(_build):
    def build(path, *args, **kwargs):
        from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
        app = _build(path, *args, **kwargs)
        window = app.windows[0]
        painted, started = [], []
        class Watch(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint and not started:
                    started.append(True)  # painted once this paint pass is over (timer 0)
                    QTimer.singleShot(0, lambda: painted.append(time.monotonic()))
                    QTimer.singleShot(0, lambda: painted.append(len(sys.modules)))
                return False
        watch = Watch()
        window.view.viewport().installEventFilter(watch)
        while not painted:
            app.qapp.processEvents()
        modules = painted[1]  # at the paint, not after the work the window starts then
        entries, model = window.file.entry_count(), window.model
        while len(model.records()) + len(model.hidden_records()) < entries:
            app.qapp.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        print(painted[0], entries, modules, time.monotonic(), flush=True)
        os._exit(0)
    return build
class WrapBuild:  # app.build is wrapped when the command line imports the app, not before
    def find_spec(self, name, path=None, target=None):
        if name != "incident_recorder.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            module.build = build_watched(module.build)
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, WrapBuild())
from incident_recorder.cli import main
main([sys.argv[1]])
raise SystemExit("the recorder window was not built")
"""

_BARE_CHILD = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
qapp = QApplication([])
painted, started = [], []
class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not started:
            started.append(True)
            QTimer.singleShot(0, lambda: painted.append(time.monotonic()))
        return False
window = QMainWindow()
window.resize(1100, 760)
window.installEventFilter(Watch(window))
window.show()
while not painted:
    qapp.processEvents()
print(painted[0], 0, len(sys.modules), flush=True)
__import__("os")._exit(0)
"""


def _one(code: str, path: Path, env: dict[str, str]) -> tuple[float, int, float]:
    """Milliseconds from launch to first paint, the modules loaded by then, and milliseconds
    from launch to every entry in the model (the bare window: its paint)."""
    socket = Path(env["INCIDENT_RECORDER_CONFIG_DIR"]) / f"instance-{time.monotonic_ns()}.sock"
    launched = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**env, "INCIDENT_RECORDER_INSTANCE": str(socket)},
    ).stdout.split()
    painted = (float(out[0]) - launched) * 1000
    loaded = (float(out[3]) - launched) * 1000 if len(out) > 3 else painted
    return painted, int(out[2]), loaded


def measure(path: Path, runs: int) -> dict[str, object]:
    config = Path(tempfile.mkdtemp(prefix="bench-startup-config-"))
    env = {
        **os.environ,
        "INCIDENT_RECORDER_CONFIG_DIR": str(config),
        "INCIDENT_RECORDER_DATA_DIR": str(config / "data"),
        "INCIDENT_RECORDER_THEME": "light",
    }
    # As installed: byte-code cached (pip compiles it), so the runs do not compile sources.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        _one(_APP_CHILD, path, env)  # warm-up, not counted: writes the byte-code caches
        _one(_BARE_CHILD, path, env)
        app_ms, bare_ms, loaded_ms = [], [], []
        modules = bare_modules = 0
        for _ in range(runs):  # interleaved: a busy moment on the machine hits both alike
            ms, modules, loaded = _one(_APP_CHILD, path, env)
            app_ms.append(ms)
            loaded_ms.append(loaded)
            ms, bare_modules, _ = _one(_BARE_CHILD, path, env)
            bare_ms.append(ms)
    finally:
        shutil.rmtree(config, ignore_errors=True)
    return {
        "runs": runs,
        "app_median_ms": statistics.median(app_ms),
        "app_min_ms": min(app_ms),
        "app_max_ms": max(app_ms),
        "loaded_median_ms": statistics.median(loaded_ms),
        "loaded_min_ms": min(loaded_ms),
        "loaded_max_ms": max(loaded_ms),
        "floor_median_ms": statistics.median(bare_ms),
        "floor_min_ms": min(bare_ms),
        "floor_max_ms": max(bare_ms),
        "app_modules": modules,
        "floor_modules": bare_modules,
        "budget_ms": BUDGET_MS,
    }


def format_table(f: dict[str, object], entries: int) -> str:
    rows = [
        ("recorder window painted", f"{entries:,} entries", "app"),
        ("bare PySide6 window painted (floor)", "empty window", "floor"),
    ]
    lines = [f"cold start, median of {f['runs']} runs (min–max), launch to first paint:"]
    for label, what, key in rows:
        lines.append(
            f"  {label:38} {what:>15}  {f[f'{key}_median_ms']:7.0f} ms"
            f"  ({f[f'{key}_min_ms']:.0f}–{f[f'{key}_max_ms']:.0f})"
            f"  {f[f'{key}_modules']} modules"
        )
    lines.append(
        f"  {'every entry in the timeline model':38} {'':>15}  {f['loaded_median_ms']:7.0f} ms"
        f"  ({f['loaded_min_ms']:.0f}–{f['loaded_max_ms']:.0f})"
    )
    extra = float(f["app_median_ms"]) - float(f["floor_median_ms"])  # type: ignore[arg-type]
    verdict = "within" if float(f["app_median_ms"]) <= BUDGET_MS else "OVER"  # type: ignore[arg-type]
    lines.append(f"  the app above the floor: {extra:.0f} ms; budget {BUDGET_MS:.0f} ms: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY") and not os.environ.get(REEXEC_FLAG):
        if not shutil.which("xvfb-run"):
            print("bench_startup: needs a display or xvfb-run", file=sys.stderr)
            return 1
        env = {**os.environ, REEXEC_FLAG: "1"}
        command = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, __file__]
        return subprocess.run([*command, *(argv or sys.argv[1:])], env=env).returncode
    from make_incident import make_incident

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as folder:
        path = Path(folder) / "big.incident"
        make_incident(path, args.entries)
        figures = measure(path, max(5, args.runs))
    figures["entries"] = args.entries
    print(format_table(figures, args.entries))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
