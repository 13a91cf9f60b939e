"""Smoke test of the built bundle: the frozen app answers, records, exports and shows its window.

    packaging/smoke-test.sh [BUNDLE_DIR]      # under Xvfb when there is no display

Run with the project's Python (python-xlib watches the display) and the `xdotool` command: it
drives the frozen binary from outside, as a user would. Steps: (a) `--version` names the
package's version, and resources/ is inside; (b) `new` an incident in a temporary folder,
`note` into it, `export --out` a report and find the note in report.md's timeline; (c) start the
GUI on that file, wait for its window to be mapped (the start time) with the app icon, type a
note with real X key events and Enter, close the app with SIGTERM, and find the typed note in a
second export; (d) text in captures: `import` a generated terminal screen (Pillow) as a capture,
`recognise` it (tesserocr's own libtesseract, the system's English data), `search` a word of the
screen, `findings` lists its AWS key (a detect-secrets plugin, loaded inside the frozen app) and
e-mail address without their values, an HTML export renders (markdown-it-py), and `team init`
against a closed port fails cleanly through psycopg's binary libpq, and `team password` keeps a
password in a private Secret Service and removes it (the keyring's frozen backends). Prints the
bundle's size and file count beside the start time. Exit 1 on failure. `tests/test_bundle.py`
runs the same steps under pytest (marker `bundle`); benchmarks/bench_bundle.py reuses
`time_to_window`.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "incident-recorder"
TITLE = "Bundle smoke outage"
CLI_NOTE = "checkout-api 5xx above 5% (recorded from the shell)"
TYPED_NOTE = "rolled back the checkout deploy"
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
SCREEN = [
    "14:02:09 INFO aws_access_key_id = " + AWS_KEY,
    "14:02:10 WARN paged jane.doe@example.com",
    "14:02:11 ERROR pool exhausted on orders-db",
]
MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


class SmokeError(Exception):
    """A step of the smoke test failed; the message says which and why."""


@dataclass
class Figures:
    size_mb: float
    files: int
    start_ms: float


def binary(bundle: Path = BUNDLE) -> Path:
    exe = bundle / "incident-recorder"
    return exe.with_suffix(".exe") if not exe.exists() and os.name == "nt" else exe


def bundle_size(bundle: Path = BUNDLE) -> tuple[float, int]:
    """(size in MiB, number of files) of the bundle folder."""
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 2**20, len(files)


def isolated_env(home: Path) -> dict[str, str]:
    """The environment for the app: its own config, data and instance socket under `home`."""
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the real X display, never offscreen
    env.update(
        INCIDENT_RECORDER_CONFIG_DIR=str(home / "config"),
        INCIDENT_RECORDER_DATA_DIR=str(home / "data"),
        INCIDENT_RECORDER_INSTANCE=str(home / "instance.sock"),
        XDG_CONFIG_HOME=str(home / "xdg-config"),
    )
    return env


def run(command: list[str], env: dict[str, str], timeout: float = 60) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SmokeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def xdotool(*args: str) -> str:
    return run(["xdotool", *args], dict(os.environ), timeout=20).strip()


def timeline_texts(report: Path) -> list[str]:
    """The note texts in report.md's timeline table (the last column of each row), with the
    report's Markdown escapes (`\\|`, `\\*`, ...) undone."""
    texts = []
    for line in report.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if line.startswith("|") and len(cells) >= 4 and re.match(r"\d\d:\d\d", cells[0]):
            texts.append(re.sub(r"\\(.)", r"\1", cells[-1]))
    return texts


def time_to_window(
    command: list[str], title: str, env: dict[str, str], log: Path, timeout: float = 30
) -> tuple[subprocess.Popen[bytes], float, str]:
    """Start `command` (its output into `log`); (process, seconds from start to its window
    `title` mapped, window id).

    Listens on one X connection for the root window's MapNotify events (python-xlib, installed
    with the project on Linux), so the figure is exact and nothing else connects to the display
    while the app starts: on Xvfb a burst of connections (e.g. polling `xdotool search`) makes
    about one connect in fifteen fail, the app's own included.
    """
    from Xlib import X, error
    from Xlib import display as xdisplay

    conn = xdisplay.Display(env.get("DISPLAY"))
    try:
        net_name = conn.intern_atom("_NET_WM_NAME")
        conn.screen().root.change_attributes(event_mask=X.SubstructureNotifyMask)
        conn.sync()
        start = time.perf_counter()
        with log.open("wb") as sink:
            proc = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
        while time.perf_counter() - start < timeout:
            select.select([conn.fileno()], [], [], 0.05)
            while conn.pending_events():
                event = conn.next_event()
                if event.type != X.MapNotify:
                    continue
                try:
                    name = event.window.get_full_property(net_name, X.AnyPropertyType)
                except error.XError:  # already gone again
                    continue
                value = name.value if name else b""
                text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
                if title in text:
                    return proc, time.perf_counter() - start, str(event.window.id)
            if proc.poll() is not None:
                output = log.read_text(errors="replace").strip()
                raise SmokeError(f"the app exited {proc.returncode} before its window: {output}")
        proc.kill()
        raise SmokeError(f"no window named {title!r} within {timeout:.0f} s")
    finally:
        conn.close()


def has_icon(window: str, env: dict[str, str]) -> bool:
    """True if the window carries an icon (_NET_WM_ICON, which Qt sets from the app's icon:
    absent if the SVG icon could not be loaded, e.g. without Qt's SVG plugins)."""
    from Xlib import X
    from Xlib import display as xdisplay

    conn = xdisplay.Display(env.get("DISPLAY"))
    try:
        handle = conn.create_resource_object("window", int(window))
        icon = handle.get_full_property(conn.intern_atom("_NET_WM_ICON"), X.AnyPropertyType)
        return bool(icon and len(icon.value) > 2)
    finally:
        conn.close()


def focus(window: str, timeout: float = 10) -> None:
    """Give `window` the keyboard focus (bare Xvfb has no window manager to do it)."""
    xdotool("mousemove", "--window", window, "200", "200")
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        subprocess.run(["xdotool", "windowfocus", "--sync", window], capture_output=True)
        if xdotool("getwindowfocus") == window:
            return
    raise SmokeError(f"window {window} never took the keyboard focus")


def wait_for_note(exe: Path, path: Path, out: Path, env: dict[str, str], text: str) -> None:
    """Export until the typed note is in the report (the app commits on Enter), 10 s at most."""
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline:
        run([str(exe), "export", str(path), "--out", str(out)], env)
        if text in timeline_texts(out / "report.md"):
            return
    raise SmokeError(f"the typed note {text!r} never reached the incident file")


def screen_export(folder: Path) -> Path:
    """An export folder (incident.json and images/) holding one capture: a terminal screen of
    SCREEN drawn with Pillow (DejaVu Sans Mono when installed), as `import` reads it."""
    import hashlib
    import io
    import json

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (720, 20 + 24 * len(SCREEN)), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype(MONO, 14)
    except OSError:
        font = ImageFont.load_default(size=14)
    for index, line in enumerate(SCREEN):
        draw.text((12, 10 + 24 * index), line, font=font, fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, "PNG")
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "screen.png").write_bytes(out.getvalue())
    entry = {
        "id": 1,
        "kind": "observation",
        "text": "the terminal",
        "occurred_at": "2026-11-27T14:02:12.000+00:00",
        "capture": {
            "file": "images/screen.png",
            "sha256": hashlib.sha256(out.getvalue()).hexdigest(),
        },
    }
    document = {"format": "incident-recorder/1", "entries": [entry]}
    (folder / "incident.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def text_in_captures(exe: Path, home: Path, env: dict[str, str]) -> None:
    """Step (d): recognition, search, findings, the HTML export and psycopg, all frozen."""
    import json

    path = home / "text.incident"
    run([str(exe), "new", str(path), "--title", "Bundle text outage"], env)
    run([str(exe), "import", str(path), str(screen_export(home / "screen-export"))], env)
    done = run([str(exe), "recognise", str(path)], env, timeout=120)
    if "Recognised 1 capture(s)" not in done:
        raise SmokeError(f"recognise did not read the capture: {done.strip()}")
    hits = json.loads(run([str(exe), "search", str(path), "exhausted", "--json"], env))
    if [hit.get("where") for hit in hits] != ["capture text"]:
        raise SmokeError(f"search found {hits}, not the word on the screen")
    listed = run([str(exe), "findings", str(path), "--json"], env)
    kinds = sorted(row["kind"] for row in json.loads(listed))
    if kinds != ["aws_key", "email"]:
        raise SmokeError(f"findings listed {kinds}, not the AWS key and the e-mail address")
    if AWS_KEY in listed or "jane.doe" in listed:
        raise SmokeError("findings printed a value it found")
    run([str(exe), "export", str(path), "--format", "html", "--out", str(home / "html")], env)
    if "pool exhausted" not in (home / "html" / "report.html").read_text(encoding="utf-8"):
        raise SmokeError("the HTML report lacks the capture's recognised text")
    closed = subprocess.run(  # only the binary wrapper: never the system's libpq by chance
        [str(exe), "team", "init", "postgresql://127.0.0.1:9/none?connect_timeout=5"],
        env={**env, "PSYCOPG_IMPL": "binary"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    said = closed.stderr.strip()
    if closed.returncode == 0 or "cannot be reached" not in said:
        raise SmokeError(f"team init through psycopg: exit {closed.returncode}: {said}")
    if not list(exe.parent.glob("**/psycopg_binary/pq*")):
        raise SmokeError("the bundle lacks psycopg_binary (its own libpq)")
    if not list(exe.parent.glob("**/libtesseract*")):
        raise SmokeError("the bundle lacks tesserocr's libtesseract")


def keyring_in_bundle(exe: Path, home: Path, env: dict[str, str]) -> None:
    """Step (d), the keyring's frozen backends: `team password` keeps a team password in a
    private Secret Service (tests/sync/secret_service.py: a session bus and gnome-keyring-daemon
    of its own, never the user's) and `--forget` finds it there and removes it."""
    sys.path.insert(0, str(ROOT))
    from tests.sync.secret_service import SecretService, missing

    if missing():
        raise SmokeError(f"no Secret Service to try the keyring with: {missing()}")
    url, key = "postgresql://smoke@127.0.0.1:5432/team", "smoke@127.0.0.1:5432/team"
    service = SecretService(home / "secrets")
    try:
        on_bus = {k: v for k, v in env.items() if not k.startswith("DBUS_") and k != "DISPLAY"}
        on_bus.update(service.env)
        kept = subprocess.run(
            [str(exe), "team", "password", url], input="bundle-s3cret\n", env=on_bus,
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if kept.returncode != 0 or "SecretService" not in kept.stdout:
            raise SmokeError(f"team password: exit {kept.returncode}: {kept.stdout}{kept.stderr}")
        if "bundle-s3cret" in kept.stdout + kept.stderr:
            raise SmokeError("team password printed the password")
        removed = run([str(exe), "team", "password", url, "--forget"], on_bus)
        if f"Removed the password for {key}" not in removed:
            raise SmokeError(f"team password --forget did not find it: {removed.strip()}")
        again = run([str(exe), "team", "password", url, "--forget"], on_bus)
        if f"No password for {key}" not in again:
            raise SmokeError(f"the password was not removed: {again.strip()}")
    finally:
        service.close()


def smoke(bundle: Path = BUNDLE, workdir: Path | None = None) -> Figures:
    """Run the four steps against the bundle; its figures. Raises SmokeError on failure."""
    exe = binary(bundle)
    if not exe.is_file():
        raise SmokeError(f"no bundle at {exe}: build it with packaging/build.sh")
    if not os.environ.get("DISPLAY"):
        raise SmokeError("no X display: run packaging/smoke-test.sh (it starts Xvfb)")
    with tempfile.TemporaryDirectory(prefix="ir-smoke-", dir=workdir) as tmp:
        home = Path(tmp)
        env = isolated_env(home)
        sys.path.insert(0, str(ROOT / "src"))
        from incident_recorder import __version__

        # (a) the version
        version = run([str(exe), "--version"], env).strip()
        if version != f"incident-recorder {__version__}":
            raise SmokeError(f"--version printed {version!r}, expected {__version__}")
        # the shipped resources sit beside the frozen package, where paths.resources_dir() looks
        for wanted in ("icons/incident-recorder.svg", "review/*.txt"):
            if not list(bundle.glob(f"**/incident_recorder/resources/{wanted}")):
                raise SmokeError(f"the bundle lacks incident_recorder/resources/{wanted}")
        # (b) the command line: new, note, export
        path = home / "smoke.incident"
        run([str(exe), "new", str(path), "--title", TITLE], env)
        run([str(exe), "note", str(path), CLI_NOTE], env)
        run([str(exe), "export", str(path), "--out", str(home / "report")], env)
        if CLI_NOTE not in timeline_texts(home / "report" / "report.md"):
            raise SmokeError("the exported report.md does not hold the note")
        # (c) the window: start, type a note, SIGTERM, the note is in the file
        log = home / "app.log"
        proc, seconds, window = time_to_window([str(exe), str(path)], TITLE, env, log)
        try:
            if not has_icon(window, env):
                raise SmokeError("the window has no icon: the SVG app icon did not load")
            focus(window)
            xdotool("type", "--delay", "15", TYPED_NOTE)
            xdotool("key", "Return")
            wait_for_note(exe, path, home / "report2", env, TYPED_NOTE)
            proc.send_signal(signal.SIGTERM)
            status = proc.wait(timeout=15)
            output = log.read_text(errors="replace").strip()
            if status != 0 or "Traceback" in output:
                raise SmokeError(f"the app exited {status} after SIGTERM: {output}")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
        run([str(exe), "export", str(path), "--out", str(home / "report3")], env)
        texts = timeline_texts(home / "report3" / "report.md")
        if texts != [CLI_NOTE, TYPED_NOTE]:
            raise SmokeError(f"after closing, the report's timeline is {texts}")
        # (d) text in captures: recognition, search, findings (and the libraries they need)
        text_in_captures(exe, home, env)
        keyring_in_bundle(exe, home, env)
    size, files = bundle_size(bundle)
    return Figures(size_mb=size, files=files, start_ms=seconds * 1000)


def main(argv: list[str]) -> int:
    bundle = Path(argv[0]) if argv else BUNDLE
    try:
        figures = smoke(bundle)
    except (SmokeError, subprocess.TimeoutExpired) as error:
        print(f"smoke test FAILED: {error}", file=sys.stderr)
        return 1
    print(
        f"{binary(bundle)}: --version, new/note/export, window with its icon, typed note, "
        "SIGTERM; recognise, search, findings, HTML, psycopg, keyring: ok\n"
        f"bundle: {figures.size_mb:.0f} MiB in {figures.files} files; "
        f"start to window mapped: {figures.start_ms:.0f} ms\n"
        "smoke: 4 passed, 0 failed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
