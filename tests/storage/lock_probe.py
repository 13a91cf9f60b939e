"""Which process holds SQLite's locks on an incident file, asked from a second process.

In WAL mode every open connection keeps a read lock on the database file's SHARED range and on
the -shm file's "dead man switch" byte. `lock_holders` asks the kernel (F_GETLK) from a fresh
child process which pid holds each: a process that lost them (the lock trap) shows as 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from incident_recorder.storage.guard import SHARED_FIRST, SHARED_SIZE, SHM_DMS

_PROBE = f"""
import fcntl, os, struct, sys
fmt = "hhqqi4x"
ranges = ((sys.argv[1], {SHARED_FIRST}, {SHARED_SIZE}), (sys.argv[1] + "-shm", {SHM_DMS}, 1))
for path, start, length in ranges:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        print(0)
        continue
    wanted = struct.pack(fmt, fcntl.F_WRLCK, os.SEEK_SET, start, length, 0)
    kind, _, _, _, pid = struct.unpack(fmt, fcntl.fcntl(fd, fcntl.F_GETLK, wanted))
    print(0 if kind == fcntl.F_UNLCK else pid)
"""


def lock_holders(path: Path) -> tuple[int, int]:
    """(pid holding a lock on the database's SHARED range, pid holding the -shm's DMS byte);
    0 where nobody does. With several holders the kernel names one of them."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    db, shm = (int(line) for line in done.stdout.split())
    return db, shm


def pids_holding(path: Path) -> set[int]:
    """Every process holding a lock on the database file's SHARED range, read from /proc/locks
    (by this process, which is not the one being checked)."""
    stat = path.stat()
    wanted = f"{os.major(stat.st_dev):02x}:{os.minor(stat.st_dev):02x}:{stat.st_ino}"
    pids: set[int] = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if len(fields) < 8 or "->" in line or fields[5] != wanted:
            continue
        last = fields[7]
        if int(fields[6]) <= SHARED_FIRST and (last == "EOF" or int(last) >= SHARED_FIRST):
            pids.add(int(fields[4]))
    return pids
