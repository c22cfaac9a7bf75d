"""gunicorn's threaded worker, leaving new connections to a worker with an idle thread when it can.

    gunicorn haoban.wsgi --worker-class haoban.core.gunicorn_worker.SpreadingThreadWorker --workers 2 --threads 4

gunicorn's ``gthread`` worker accepts every connection it can (up to ``--worker-connections``, 1,000) and queues
the requests for its threads. Clients that keep their connection alive (browsers, a reverse proxy, ``wrk``) stay
with the worker that accepted them: when 16 connections arrive together, one worker often takes all 16 and runs
them on its 4 threads under one GIL (one core) while the other worker idles. Measured here with 16 keep-alive
clients (docs/performance.md): about 28 % of the machine idle and 25–30 % fewer submissions per second in the
runs where that happened.

This worker, while all its threads are busy, waits ``HOLD_SECONDS`` before it takes a new connection: a worker
with an idle thread takes it meanwhile (all workers are woken by a new connection). When the wait is over the
busy worker takes the connection anyway, so a connection never waits in the listen backlog for long, whatever
the other workers do — holding off until a thread is free would starve it, since a worker's own keep-alive
connections refill its threads first. Everything else is gunicorn's ``ThreadWorker``.
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

HOLD_SECONDS = 0.01


class SpreadingThreadWorker(ThreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # requests handed to the thread pool and not finished (changed on the main thread only)
        self.in_flight = 0
        self.held_until: float | None = None  # while set, new connections are left to the other workers
        self.hold_spent = False  # the last hold ran out: take the next connection even if busy

    def _busy(self) -> bool:
        return self.in_flight >= self.cfg.threads

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled and self.held_until is None)

    def _release_hold(self, *, spent: bool) -> None:
        self.held_until = None
        self.hold_spent = spent
        self.set_accept_enabled(self.alive and self.nr_conns < self.worker_connections)

    def accept(self, listener: Any) -> None:
        if self._busy() and not self.hold_spent:
            if self.held_until is None:
                self.held_until = time.monotonic() + HOLD_SECONDS
                self.set_accept_enabled(False)
            return
        self.hold_spent = False
        super().accept(listener)

    def enqueue_req(self, conn: Any) -> None:
        self.in_flight += 1
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.in_flight -= 1
        super().finish_request(conn, fs)
        if self.held_until is not None and not self._busy():
            self._release_hold(spent=False)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        if self.held_until is not None:
            timeout = min(timeout, max(0.0, self.held_until - time.monotonic()))
        super().wait_for_and_dispatch_events(timeout)
        if self.held_until is not None and time.monotonic() >= self.held_until:
            self._release_hold(spent=True)
