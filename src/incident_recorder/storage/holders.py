"""Which other processes have an incident file open, and what they are, read from /proc.

Every SQLite connection to a WAL database holds a shared POSIX lock on the "DMS" byte of its
-shm file for as long as it is open; /proc/locks lists them with the holder's process id. So a
window can say, once, that the incident is also open in another Incident Recorder window (and
which process), where it used to open without a word and let two windows record side by side.
Linux only; elsewhere nothing is known and nothing is said.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from incident_recorder.storage.guard import SHM_DMS, identity

APP_MARKERS = ("incident_recorder", "incident-recorder")
"""How our own processes show in /proc/PID/cmdline (`python -m incident_recorder`, the script,
the frozen bundle)."""
CLI_WORDS = {
    "serve": "the webhook server (`incident-recorder serve`)",
    "note": "`incident-recorder note`",
    "import": "`incident-recorder import`",
    "export": "an export",
    "review": "`incident-recorder review`",
    "merge": "`incident-recorder merge`",
}


@dataclass(frozen=True)
class Holder:
    pid: int
    ours: bool
    """An Incident Recorder process (a window, unless `what` names a command)."""
    what: str
    """In words: "another Incident Recorder window", "the webhook server …", "vim"."""

    def describe(self) -> str:
        return f"{self.what} (process {self.pid})"


def holders(path: Path) -> list[Holder]:
    """The other processes that hold `path` open (by their lock on its -shm file)."""
    shm = identity(f"{path}-shm")
    if shm is None:
        return []
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as source:
            lines = source.read().splitlines()
    except OSError:
        return []
    pids: list[int] = []
    for line in lines:
        fields = line.split()
        if len(fields) < 8 or fields[1] != "POSIX" or "->" in line:
            continue
        try:
            major, minor, inode = fields[5].split(":")
            device = os.makedev(int(major, 16), int(minor, 16))
            first = int(fields[6])
            last = None if fields[7] == "EOF" else int(fields[7])
            pid = int(fields[4])
        except ValueError:
            continue
        held = (
            (device, int(inode)) == shm and first <= SHM_DMS and (last is None or last >= SHM_DMS)
        )
        if held and pid != os.getpid() and pid not in pids:
            pids.append(pid)
    return [describe(pid) for pid in pids]


def describe(pid: int) -> Holder:
    """What process `pid` is, as far as /proc tells."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return Holder(pid, False, "another program")
    words = [w.decode(errors="replace") for w in raw.split(b"\0") if w]
    if not any(marker in word for word in words for marker in APP_MARKERS):
        name = Path(words[0]).name if words else "another program"
        return Holder(pid, False, name)
    for word in words[1:]:
        if word in CLI_WORDS:
            return Holder(pid, True, CLI_WORDS[word])
    return Holder(pid, True, "another Incident Recorder window")
