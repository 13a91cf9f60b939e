"""A team database that stops answering, without closing the connection, must not hold a sync.

A server that is frozen (stopped, swapping, its host suspended) or cut off by a network that
drops packets never closes the connection: a push or pull waits for its reply forever, and a
window would keep saying "live" with nothing sent. libpq's own timeouts only cover connecting.
`Watchdog` runs beside a sync loop: each exchange with the database is a `step`, each batch
done is `progress`; a step with no progress for `STALL_SECONDS` — or still under way when the
loop is asked to stop (the window closing) — has its socket shut down, which wakes the blocked
call with an error, so the loop reports offline (`cut` says why) and retries as for any lost
connection. Nothing is lost: a push or pull cut anywhere is repeated from its mark.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

STALL_SECONDS = 20.0
"""How long a step may go without progress (a batch pushed, pulled or fetched). Longer than a
window takes to show a pulled batch (TeamSync waits at most 5 s)."""
CHECK_SECONDS = 0.25


class Watchdog:
    """Watches the steps of one sync loop (see the module)."""

    def __init__(self, should_stop: Callable[[], bool], stall_seconds: float | None = None) -> None:
        self._should_stop = should_stop
        self._stall = STALL_SECONDS if stall_seconds is None else stall_seconds
        self._lock = threading.Lock()
        self._conn: Any = None
        self._since = 0.0
        self._over = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="team sync watchdog", daemon=True)
        self.cut = False
        """The last step was cut: the database stopped answering (or the loop was stopped)."""

    def __enter__(self) -> Watchdog:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._over.set()
        self._thread.join(timeout=5)

    @property
    def reason(self) -> str:
        """What a cut step's error means, said to the user."""
        return f"the team database stopped answering (no reply for {self._stall:.0f} s)"

    @contextlib.contextmanager
    def step(self, conn: Any) -> Iterator[None]:
        """An exchange with the database on `conn` is under way."""
        with self._lock:
            self._conn, self._since, self.cut = conn, time.monotonic(), False
        try:
            yield
        finally:
            with self._lock:
                self._conn = None

    def progress(self) -> None:
        """A batch went through: the step is alive."""
        with self._lock:
            self._since = time.monotonic()

    def _loop(self) -> None:
        while not self._over.wait(CHECK_SECONDS):
            with self._lock:
                conn = self._conn
                stalled = conn is not None and (
                    time.monotonic() - self._since > self._stall or self._should_stop()
                )
                if stalled:
                    self._conn, self.cut = None, True
            if stalled:
                shut_down(conn)


def shut_down(conn: Any) -> None:
    """Shut the socket of a psycopg connection down under a thread blocked on it: its call
    returns at once with an error (the connection is then closed as any broken one)."""
    try:
        fd = conn.pgconn.socket
        sock = socket.socket(fileno=os.dup(fd))
    except Exception:  # already closed: nothing blocks on it
        return
    try:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    finally:
        sock.close()
