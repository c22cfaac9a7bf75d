"""Time-driven rules run by ``haoban tick`` (every minute from ``haoban worker``).

Each registered job gets "now" and must be idempotent: running it twice in a row changes nothing the
second time. Apps register their jobs in ``AppConfig.ready()``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

TickJob = Callable[[dt.datetime], str | None]
_jobs: dict[str, TickJob] = {}


def register_tick(name: str) -> Callable[[TickJob], TickJob]:
    def decorator(fn: TickJob) -> TickJob:
        _jobs[name] = fn
        return fn

    return decorator


def unregister_tick(name: str) -> None:
    _jobs.pop(name, None)


def registered_ticks() -> list[str]:
    return sorted(_jobs)


def run_ticks(now: dt.datetime) -> dict[str, str]:
    """Run every job; one failing job does not stop the others. Returns a summary per job."""
    results: dict[str, str] = {}
    for name in sorted(_jobs):
        try:
            results[name] = _jobs[name](now) or "完成"
        except Exception as exc:
            logger.exception("tick job %s failed", name)
            results[name] = f"失败：{type(exc).__name__}: {exc}"
    return results
