"""The webhook server's connections: a real listen backlog and a fixed pool of workers.

The standard library's ThreadingHTTPServer listens with a backlog of 5 and starts a thread per
connection without limit: a burst of senders overflows the backlog (the kernel drops or resets
what does not fit) and a flood of slow ones makes threads without end. Here the socket listens
with BACKLOG (the system's SOMAXCONN, which the kernel may lower), WORKERS threads answer
connections, and a connection is accepted only when a worker is free: the others wait in the
kernel's queue, never reset. Each request has a total deadline (webhooks/deadline.py), so a
worker is never held longer than that by one request; a kept-alive connection is closed after
its answer while every worker is busy (`saturated`), so idle connections cannot hold the pool.
"""

from __future__ import annotations

import queue
import selectors
import socket
import threading
from http.server import HTTPServer
from typing import Any

BACKLOG = max(socket.SOMAXCONN, 128)
"""Connections the kernel keeps waiting to be accepted (capped by net.core.somaxconn)."""
WORKERS = 32
"""Connections answered at once; the others wait in the backlog."""
POLL_S = 0.05


class WorkerPool:
    """Accepts connections of `httpd` only while one of `workers` threads is free."""

    def __init__(self, httpd: HTTPServer, workers: int = WORKERS) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self._httpd = httpd
        self._free = workers
        self._lock = threading.Condition()
        self._jobs: queue.SimpleQueue[tuple[Any, Any] | None] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._workers = [
            threading.Thread(target=self._work, name=f"webhook-worker-{n}", daemon=True)
            for n in range(workers)
        ]
        self._acceptor = threading.Thread(target=self._accept, name="webhook-accept")

    def start(self) -> None:
        for worker in self._workers:
            worker.start()
        self._acceptor.start()

    @property
    def saturated(self) -> bool:
        """Whether every worker is busy (a connection accepted now would wait)."""
        with self._lock:
            return self._free == 0

    def _take(self) -> bool:
        with self._lock:
            if self._free == 0 and not self._lock.wait_for(lambda: self._free > 0, POLL_S):
                return False
            self._free -= 1
            return True

    def _give_back(self) -> None:
        with self._lock:
            self._free += 1
            self._lock.notify()

    def _accept(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._httpd.socket, selectors.EVENT_READ)
            while not self._stopping.is_set():
                if not self._take():
                    continue
                handed = False
                try:
                    if selector.select(POLL_S) and not self._stopping.is_set():
                        try:
                            request, address = self._httpd.get_request()
                        except OSError:
                            continue
                        self._jobs.put((request, address))
                        handed = True
                finally:
                    if not handed:
                        self._give_back()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            request, address = job
            try:
                self._httpd.finish_request(request, address)
            except Exception:
                self._httpd.handle_error(request, address)
            finally:
                self._httpd.shutdown_request(request)
                self._give_back()

    def stop(self) -> None:
        """Stop accepting (what waits in the backlog is dropped with the socket); the workers
        finish the requests they hold and then end."""
        self._stopping.set()
        if self._acceptor.is_alive():
            self._acceptor.join()
        for _ in self._workers:
            self._jobs.put(None)
