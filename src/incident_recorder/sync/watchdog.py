"""A team database that stops answering, without closing the connection, must not hold a sync.

A server that is frozen (stopped, swapping, its host suspended) or cut off by a network that
drops packets never closes the connection: a push or pull waits for its reply forever, and a
window would keep saying "live" with nothing sent. libpq's own timeouts only cover connecting.
`Watchdog` runs beside a sync loop: each exchange with the database is a `step`, each batch
done is `progress`; a step with no progress for `STALL_SECONDS` — or still under way when the
loop is asked to stop (the window closing) — has its socket shut down, which wakes the blocked
call with an error, so the loop reports offline (`cut` says why) and retries as for any lost
connection. Nothing is lost: a push or pull cut anywhere is repeated from its mark.

A slow link is not a stalled one: a batch of images over a thin uplink may take longer than
`STALL_SECONDS`, and cutting it would cut it again at every retry. So before cutting, the
watchdog asks the kernel (Linux TCP_INFO) when data or an acknowledgement last came on the
connection: bytes still moving count as progress. The socket is shut down under the lock a
step's end takes, so it is never one the connection has closed meanwhile (nor a reused number).
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
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

    def new_attempt(self) -> None:
        """A new connection is being made: an earlier cut says nothing of how it goes."""
        with self._lock:
            self.cut = False

    def _loop(self) -> None:
        while not self._over.wait(CHECK_SECONDS):
            with self._lock:  # held while cutting: the step cannot end and close the socket
                conn = self._conn
                if conn is None:
                    continue
                stopping = self._should_stop()
                if not stopping and time.monotonic() - self._since <= self._stall:
                    continue
                if not stopping and _moving(conn, self._stall):
                    self._since = time.monotonic()  # slow, not stalled
                    continue
                self._conn, self.cut = None, True
                shut_down(conn)


def _socket_of(conn: Any) -> socket.socket | None:
    """A socket object over a duplicate of the connection's descriptor (None if closed)."""
    try:
        fd = os.dup(conn.pgconn.socket)
    except Exception:  # closed, or no socket: nothing blocks on it
        return None
    try:
        return socket.socket(fileno=fd)
    except OSError:
        os.close(fd)
        return None


def _moving(conn: Any, seconds: float) -> bool:
    """Whether data or an acknowledgement came on the connection in the last `seconds`
    (Linux TCP_INFO: tcpi_last_data_recv and tcpi_last_ack_recv, ms, at bytes 52 and 56);
    False where the kernel does not say (a Unix socket, another system)."""
    tcp_info = getattr(socket, "TCP_INFO", None)
    sock = _socket_of(conn)
    if sock is None or tcp_info is None:
        if sock is not None:
            sock.close()
        return False
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, tcp_info, 104)
        last_data, last_ack = struct.unpack_from("=II", info, 52)
    except (OSError, struct.error):
        return False
    finally:
        sock.close()
    return bool(min(last_data, last_ack) < seconds * 1000)


def shut_down(conn: Any) -> None:
    """Shut the socket of a psycopg connection down under a thread blocked on it: its call
    returns at once with an error (the connection is then closed as any broken one)."""
    sock = _socket_of(conn)
    if sock is None:
        return
    try:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    finally:
        sock.close()
