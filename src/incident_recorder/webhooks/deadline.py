"""A request's whole time limit: its line, headers and body must arrive within one deadline.

A socket timeout bounds each read, not the request: a client sending one byte a second never
trips a 15 s timeout and holds a worker as long as it likes. `DeadlineReader` is the raw stream
under a request handler's `rfile`: before its first byte a connection may wait IDLE_S (then it
is closed quietly, as an idle keep-alive connection is), and from that byte on every read is
given only what is left of the request's deadline; past it a read raises `DeadlinePassed`, which
the handler answers with 408. `limit` shortens the deadline (draining a refused body).
"""

from __future__ import annotations

import io
import socket
import time

IDLE_S = 15.0
"""How long a connection may wait before a request's first byte (then it is closed)."""


class DeadlinePassed(Exception):  # not a TimeoutError: http.server swallows those without a word
    """The request did not arrive within its deadline."""


class DeadlineReader(io.RawIOBase):
    """Reads from `sock`, each read bounded by IDLE_S before a request starts and by what is
    left of the request's deadline after."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock
        self._deadline: float | None = None

    def readable(self) -> bool:
        return True

    def start(self, seconds: float) -> None:
        """A request's first byte has arrived: the rest must arrive within `seconds`."""
        self._deadline = time.monotonic() + seconds

    def limit(self, seconds: float) -> None:
        """From now, at most `seconds` more (never longer than the current deadline)."""
        until = time.monotonic() + seconds
        self._deadline = until if self._deadline is None else min(self._deadline, until)

    def idle(self) -> None:
        """Between requests: the next read waits for a first byte (IDLE_S)."""
        self._deadline = None

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        if self._deadline is None:
            self._sock.settimeout(IDLE_S)
            return self._sock.recv_into(buffer)
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise DeadlinePassed
        self._sock.settimeout(left)
        try:
            return self._sock.recv_into(buffer)
        except TimeoutError:
            raise DeadlinePassed from None
