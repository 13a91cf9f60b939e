"""Reading strace: was the WAL synced after the entry was written and before anyone was told?

The power-loss promise ("a power cut loses nothing that was shown as saved") needs an fsync of the
WAL between the commit's write and the reply: the "Saved entry" line of the CLI, the HTTP
response of `serve`, the row the window's timeline shows. A copy of the page cache cannot see a
missing fsync (the data is in the cache either way), so the sync tests read the system calls
instead: `strace` records writes to the `-wal` file, fsync/fdatasync of it and the reply, in the
order the kernel saw them, and `sync_problems` says what is missing.

What this proves: the sync is *issued* and *returned* before the reply. What it cannot prove:
that the disk honours it (a disk or virtual disk that acknowledges a flush it has not done).

Two ways to trace: `strace_argv(out) + [command…]` starts a process under strace (the CLI);
`Attached(pid, out)` attaches to a running process and all its threads (the test process for the
window, a `serve` process), detaching at the end of the `with` block.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

WRITES = frozenset({"write", "writev", "pwrite64", "pwritev", "pwritev2", "sendto", "sendmsg"})
SYNCS = frozenset({"fsync", "fdatasync"})
TRACED = ",".join(sorted(WRITES | SYNCS))
"""Traced system calls (sync_file_range is left out on purpose: it does not make data durable)."""


def strace_argv(out: Path) -> list[str]:
    """strace options: follow threads and children, show fd paths and socket ends, whole pages."""
    return ["strace", "-f", "-yy", "-s", "65536", "-e", f"trace={TRACED}", "-o", str(out)]


def missing_tools(*tools: str, attach: bool = False) -> str | None:
    """Why the sync tests cannot run here (a tool absent, or ptrace not permitted), or None.

    `attach`: strace must also be able to attach to a running process that is not its child
    (refused, e.g., for a non-root user under kernel.yama.ptrace_scope=1)."""
    for tool in tools:
        if not shutil.which(tool):
            return f"{tool} is not installed (./install.sh --test installs it)"
    if "strace" in tools:
        probe = subprocess.run(
            ["strace", "-f", "-e", "trace=none", "-o", os.devnull, "true"],
            capture_output=True,
            text=True,
        )
        if probe.returncode != 0:
            return f"strace cannot trace here (ptrace not permitted?): {probe.stderr.strip()}"
        if attach:
            return _attach_refused()
    return None


def _attach_refused() -> str | None:
    """strace -p on a sibling process: None once it is attached, else why not."""
    target = subprocess.Popen(["sleep", "60"])
    tracer = subprocess.Popen(
        ["strace", "-e", "trace=none", "-o", os.devnull, "-p", str(target.pid)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if f"TracerPid:\t{tracer.pid}\n" in Path(f"/proc/{target.pid}/status").read_text():
                return None
            if tracer.poll() is not None:
                assert tracer.stderr is not None
                return (f"strace cannot attach to a running process here (run as root, or "
                        f"kernel.yama.ptrace_scope=0): {tracer.stderr.read().strip()}")  # fmt: skip
            time.sleep(0.01)
        return "strace did not attach to a running process within 10 s"
    finally:
        target.kill()
        target.wait(timeout=10)
        tracer.wait(timeout=10)
        if tracer.stderr:
            tracer.stderr.close()


@dataclass
class Call:
    """One traced system call: `start` and `end` are the positions (line numbers) where strace
    saw it enter and return; a call with start > another's end began after that one returned."""

    pid: int
    name: str
    path: str  # what the fd pointed at ("/tmp/x.incident-wal", "TCP:[…]", "pipe:[…]")
    data: bytes  # the strings among its arguments, concatenated (writes: the buffer)
    start: int
    end: int
    result: int | None = None
    line: str = ""

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result >= 0


_PREFIX = re.compile(r"^(?:\[pid\s+)?(\d+)\]?\s+")
_CALL = re.compile(r"^([a-z0-9_]+)\((\d+)<(.*?)>(?:\(deleted\))?(?=, |\)| <unfinished)")
_RESUMED = re.compile(r"^<\.\.\. ([a-z0-9_]+) resumed>")
_RESULT = re.compile(r"\)\s+=\s+(-?\d+)")
_ESCAPES = {"n": 10, "t": 9, "r": 13, "v": 11, "f": 12, "a": 7, "b": 8, "\\": 92, '"': 34}


def _strings(args: str) -> bytes:
    """The C string literals in strace's rendering of the arguments, decoded and joined."""
    out = bytearray()
    index, inside = 0, False
    while index < len(args):
        char = args[index]
        if not inside:
            inside = char == '"'
            index += 1
            continue
        if char == '"':
            inside = False
            index += 1
        elif char == "\\":
            following = args[index + 1]
            if following == "x":
                out.append(int(args[index + 2 : index + 4], 16))
                index += 4
            elif following in "01234567":
                digits = re.match(r"[0-7]{1,3}", args[index + 1 :])
                assert digits is not None
                out.append(int(digits.group(0), 8))
                index += 1 + len(digits.group(0))
            else:
                out.append(_ESCAPES.get(following, ord(following)))
                index += 2
        else:
            out.extend(char.encode())
            index += 1
    return bytes(out)


def parse(text: str) -> list[Call]:
    """The calls of an `strace -f -yy -o FILE` output, in the order they entered."""
    calls: list[Call] = []
    pending: dict[int, Call] = {}
    for number, line in enumerate(text.splitlines()):
        prefix = _PREFIX.match(line)
        pid = int(prefix.group(1)) if prefix else 0
        rest = line[prefix.end() :] if prefix else line
        if resumed := _RESUMED.match(rest):
            call = pending.pop(pid, None)
            if call is not None and call.name == resumed.group(1):
                call.end = number
                result = _RESULT.search(rest)
                call.result = int(result.group(1)) if result else None
                call.data += _strings(rest[resumed.end() :])
                call.line += " … " + rest
            continue
        match = _CALL.match(rest)
        if not match:
            continue  # a signal, an exit, a call on something that is not an fd
        call = Call(pid, match.group(1), match.group(3), _strings(rest[match.end() :]),
                    number, number, line=line)  # fmt: skip
        calls.append(call)
        if rest.endswith("<unfinished ...>"):
            pending[pid] = call
        else:
            result = _RESULT.search(rest)
            call.result = int(result.group(1)) if result else None
    return calls


def sync_problems(
    calls: list[Call],
    wal: Path,
    is_reply: Callable[[Call], bool],
    *,
    entry: bytes | None = None,
    after: int = -1,
) -> list[str]:
    """What is wrong with the order in the trace ([] when the WAL was synced in time).

    The entry's write is the first successful write to `wal` that holds `entry` (or, without
    `entry`, the first one that starts after position `after`); the reply is the first call that
    `is_reply` after it. Between the last write to the WAL before the reply and the reply, an
    fsync or fdatasync of the WAL must have returned 0.
    """
    wal_path = os.path.realpath(wal)

    def on_wal(call: Call) -> bool:
        return call.path.removesuffix(" (deleted)") == wal_path and call.ok

    writes = [c for c in calls if c.name in WRITES and on_wal(c) and c.start > after]
    first = next((c for c in writes if entry is None or entry in c.data), None)
    if first is None:
        what = f"holding {entry!r}" if entry is not None else f"after position {after}"
        return [f"no write to {wal_path} {what} was traced ({len(writes)} writes to it)"]
    reply = next((c for c in calls if c.start > first.end and is_reply(c)), None)
    if reply is None:
        return [f"no reply after the entry's write to the WAL (line {first.start + 1})"]
    last = max(c.end for c in writes if first.start <= c.start < reply.start)
    synced = [c for c in calls if c.name in SYNCS and on_wal(c) and last < c.end < reply.start]
    if synced:
        return []
    syncs = [c.start + 1 for c in calls if c.name in SYNCS and on_wal(c)]
    return [
        f"no fsync/fdatasync of {wal_path} returned between the last write of the entry to it "
        f"(line {last + 1}) and the reply (line {reply.start + 1}: {reply.line.strip()[:120]}); "
        f"syncs of the WAL at lines {syncs or 'none'}"
    ]


def reply_starting(prefix: bytes) -> Callable[[Call], bool]:
    """A reply is a write whose buffer starts with `prefix` (b"Saved entry", b"HTTP/1.")."""
    return lambda call: call.name in WRITES and call.ok and call.data.startswith(prefix)


def reply_to(path: Path, prefix: bytes) -> Callable[[Call], bool]:
    """A reply is a write to the marker file `path` whose buffer starts with `prefix`."""
    where = os.path.realpath(path)
    return lambda call: reply_starting(prefix)(call) and call.path == where


class Attached:
    """`strace -p PID -f` for the `with` block: every thread of the process, and new ones."""

    def __init__(self, pid: int, out: Path, *, timeout: float = 15.0) -> None:
        self.pid, self.out, self.timeout = pid, out, timeout
        self.process: subprocess.Popen[str] | None = None

    def _traced(self, tracer: int) -> bool:
        tasks = Path(f"/proc/{self.pid}/task")
        for task in tasks.iterdir():
            try:
                status = (task / "status").read_text()
            except FileNotFoundError:
                continue  # a thread that just ended
            if f"TracerPid:\t{tracer}\n" not in status:
                return False
        return True

    def __enter__(self) -> Attached:
        argv = strace_argv(self.out)
        self.process = subprocess.Popen(
            [*argv, "-p", str(self.pid)], stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + self.timeout
        while not self._traced(self.process.pid):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self._stop()
                assert self.process.stderr is not None
                raise AssertionError(f"strace did not attach: {self.process.stderr.read()}")
            time.sleep(0.01)
        return self

    def _stop(self) -> None:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # detaches; the traced process runs on
        self.process.wait(timeout=30)
        if self.process.stderr:
            self.process.stderr.close()

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def calls(self) -> list[Call]:
        return parse(self.out.read_text(errors="replace"))
