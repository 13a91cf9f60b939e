"""The team screenshot for docs/team.md: a window on a shared incident, live with two teammates.

A private PostgreSQL cluster in a temporary folder (tests/sync/postgres_cluster.py: Debian's
`postgresql` package), `team init`, and three recorders on one incident: Sam (database on-call)
and Lee (communications) from the shell, each with a replica of their own, and Priya (incident
commander) in the window. Their notes reach Priya's window through the team database, each
labelled with its author. Then the database is stopped and Priya records a note: team-offline.png
shows it marked "⇡ not sent" under a header saying "offline since …, 1 entry waiting". The
database is started again and team-live.png shows the window live, the note sent. Each window
is grabbed with ``QWidget.grab`` and reduced to 256 colours, as make.sh does.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python docs/screenshots/shoot_team.py \
        docs/screenshots       (from the repository root, after ./install.sh --test)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SIZE = (1440, 820)

NOTES = [  # (who, minutes ago, kind, text)
    ("Sam Okafor", 13, "detection", "Pager: checkout-api 5xx above 5 % for 3 minutes"),
    ("Lee Chen", 12, "communication", "Status page: investigating elevated checkout errors"),
    ("Sam Okafor", 10, "observation", "DB connections pinned at the pool maximum (500)"),
    ("Sam Okafor", 8, "cause", "The config push before the errors lowered the pool idle timeout"),
    ("Lee Chen", 6, "communication", "Support: 40 tickets about failed payments so far"),
]
PRIYA = [
    (11, "decision", "Priya is incident commander; Sam on the database, Lee on comms"),
    (5, "action", "Rolling back the pool-size change on checkout-api (deploy #4812)"),
]


def cli(*args: object) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "incident_recorder", *map(str, args)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def main() -> int:
    out = Path(sys.argv[1]).resolve()
    work = Path(tempfile.mkdtemp(prefix="team-shot-"))
    os.environ["INCIDENT_RECORDER_CONFIG_DIR"] = str(work / "config")
    os.environ["INCIDENT_RECORDER_DATA_DIR"] = str(work / "data")
    from tests.sync.postgres_cluster import Cluster

    cluster = Cluster()
    try:
        url = cluster.new_database()
        cli("team", "init", url)
        sam, lee, priya = (work / f"{name}.incident" for name in ("sam", "lee", "priya"))
        cli("new", sam, "--title", "Checkout API errors after config push")
        incident = cli("share", sam, "--db", url, "--author", "Sam Okafor").split()[0]
        cli("join", url, incident, "--out", lee, "--author", "Lee Chen")
        cli("join", url, incident, "--out", priya, "--author", "Priya Patel")
        shoot(out, cluster, {"Sam Okafor": sam, "Lee Chen": lee}, priya)
    finally:
        cluster.close()
    return 0


def save(window: object, path: Path) -> None:
    from PIL import Image

    window.grab().save(str(path), "PNG")  # type: ignore[attr-defined]
    image = Image.open(path).convert("RGB")
    image.quantize(256, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    print(f"wrote {path}")


def shoot(out: Path, cluster: object, teammates: dict[str, Path], priya: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from incident_recorder.app import make_qapp
    from incident_recorder.domain import EntryKind
    from incident_recorder.domain.times import system_clock
    from incident_recorder.storage import IncidentFile
    from incident_recorder.ui.recorder.recorder_window import RecorderWindow

    def settle(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def until(condition: object, seconds: float = 30) -> None:
        for _ in range(int(seconds * 10)):
            if condition():  # type: ignore[operator]
                return
            settle(100)
        raise RuntimeError("timed out")

    qapp = make_qapp()
    window = RecorderWindow(IncidentFile.open(priya), clock=system_clock)
    window.session.set_author("Priya Patel")
    window.resize(*SIZE)
    window.show()
    until(lambda: window.team.status == "live")
    now = system_clock()

    for who, ago, kind, text in NOTES:
        path = teammates[who]
        cli("note", path, text, "--kind", kind, "--at", f"-{ago}m", "--author", who)
        cli("sync", path, "--once")
    for ago, kind, text in PRIYA:
        window.session.add_note(text, EntryKind(kind), now - timedelta(minutes=ago))
    until(lambda: window.model.rowCount() == len(NOTES) + len(PRIYA))
    cluster.stop("fast")  # type: ignore[attr-defined]
    until(lambda: window.team.status == "offline")
    window.session.add_note("Error rate falling: 5xx at 4 % and dropping", EntryKind.OBSERVATION)
    settle(1500)
    window.view.follow_latest()
    settle(500)
    window.statusBar().clearMessage()
    save(window, out / "team-offline.png")
    cluster.start()  # type: ignore[attr-defined]
    until(lambda: window.team.status == "live", 60)
    settle(1500)
    window.statusBar().clearMessage()
    save(window, out / "team-live.png")
    window.close()
    qapp.processEvents()


if __name__ == "__main__":
    sys.exit(main())
