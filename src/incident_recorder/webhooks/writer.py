"""The one thread that writes webhook events into the incident file.

An IncidentFile belongs to the thread that opened it, and two connections writing at once would
wait on each other's lock; so a single writer thread owns the file, and each request thread hands
it a job (the events of one request) through a queue and waits for the answer. The writer takes
every job already waiting and records them in one transaction (a group commit: one fsync for
many requests under load); each job's events are on disk before its request is answered.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from incident_recorder.domain.events import NewEvent
from incident_recorder.domain.times import Clock, system_clock
from incident_recorder.session import IncidentSession
from incident_recorder.storage import IncidentFile, IncidentFileError
from incident_recorder.storage.events import EventOutcome

MAX_BATCH_JOBS = 256
"""At most this many requests share one transaction."""

Listener = Callable[[Sequence[NewEvent], Sequence[EventOutcome]], None]
"""Told what each committed job recorded, after its reply is released; it runs on the writer
thread, so it must be quick (hand the news to another thread, as the CLI's printer does)."""


class WriterClosed(Exception):
    """The writer has stopped: nothing more is recorded."""


@dataclass
class Job:
    """One request's events; `outcomes` or `error` is set before `done`."""

    events: Sequence[NewEvent]
    done: threading.Event = field(default_factory=threading.Event)
    outcomes: list[EventOutcome] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Opened:
    """What the writer learnt opening the file."""

    title: str
    token: str


class EventWriter:
    """Owns the incident file on its own thread; `submit` records events through it."""

    def __init__(
        self,
        path: Path,
        *,
        token: str | None = None,
        clock: Clock = system_clock,
        listener: Listener | None = None,
    ) -> None:
        self._path = path
        self._token = token
        self._clock = clock
        self._listener = listener
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._closing = False
        self._opened: Opened | IncidentFileError | ValueError | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-writer", daemon=True)
        self.recorded = 0
        self.duplicates = 0

    def start(self) -> Opened:
        """Open the file on the writer thread: its title and webhook token (created and saved
        if it has none; `token`, if given, becomes the incident's token). IncidentFileError or
        ValueError (a bad token) if it cannot be opened."""
        self._thread.start()
        self._ready.wait()
        opened = self._opened
        if not isinstance(opened, Opened):
            self._thread.join()
            assert opened is not None
            raise opened
        return opened

    def submit(self, events: Sequence[NewEvent], timeout: float) -> list[EventOutcome]:
        """Record `events` (durable when this returns); IncidentFileError if they could not be,
        WriterClosed once `stop` was called, TimeoutError after `timeout` seconds."""
        job = Job(events)
        with self._lock:
            if self._closing:
                raise WriterClosed("the server is shutting down: nothing was recorded")
            self._jobs.put(job)
        if not job.done.wait(timeout):
            raise TimeoutError(
                f"the incident file did not answer within {timeout:.0f} s; the events may "
                "still be recorded (a repeated delivery is recorded once)"
            )
        if job.error is not None:
            raise IncidentFileError(job.error)
        return job.outcomes

    def stop(self) -> None:
        """Record every job already submitted, then close the file."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            self._jobs.put(None)
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        try:
            handle = IncidentFile.open(self._path, clock=self._clock)
        except IncidentFileError as error:
            self._opened = error
            self._ready.set()
            return
        try:
            try:
                if self._token is not None:
                    token = handle.set_webhook_token(self._token)
                else:
                    token = handle.webhook_token(create=True) or ""
                self._opened = Opened(handle.details().title, token)
            except (IncidentFileError, ValueError) as error:
                self._opened = error
                return
            finally:
                self._ready.set()
            self._serve(handle)
        finally:
            handle.close()

    def _serve(self, handle: IncidentFile) -> None:
        session = IncidentSession(handle)  # events are recorded as every entry is (session/)
        stopping = False
        while not stopping:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < MAX_BATCH_JOBS:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stopping = True
                    break
                batch.append(job)
            self._record(session, batch)

    def _record(self, session: IncidentSession, batch: list[Job]) -> None:
        events = [event for job in batch for event in job.events]
        try:
            outcomes = session.record_events(events)
        except Exception as error:  # the writer thread must outlive any failure
            if len(batch) > 1 and isinstance(error, ValueError):
                for job in batch:  # one bad job must not fail the others
                    self._record(session, [job])
                return
            reason = (
                str(error) if isinstance(error, IncidentFileError | ValueError) else repr(error)
            )
            for job in batch:
                job.error = f"{reason}; nothing was recorded"
                job.done.set()
            return
        start = 0
        for job in batch:
            job.outcomes = outcomes[start : start + len(job.events)]
            start += len(job.events)
            self.recorded += sum(not outcome.duplicate for outcome in job.outcomes)
            self.duplicates += sum(outcome.duplicate for outcome in job.outcomes)
            job.done.set()  # the replies need not wait for the listener
        if self._listener is not None:
            for job in batch:
                with suppress(Exception):  # a listener's fault must not fail the recording
                    self._listener(job.events, job.outcomes)
