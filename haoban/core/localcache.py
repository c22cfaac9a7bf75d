"""Short-lived per-process caches of rarely changing rows read on hot paths (docs/performance.md).

A :class:`LocalCache` keeps values for ``HAOBAN_LOCAL_CACHE_SECONDS`` (default 2 s; the tests use 0 = no
caching) and forgets everything at once when a row of one of its ``models`` is saved or deleted in this
process. Other processes (gunicorn workers, the worker, the CLI) see a change within that time. Use it only
for data where a change taking effect a second or two later in other processes is acceptable — e.g. a
published item version (immutable once published; a new one is in force from a date), or which departments
have systems to notify — never for permissions.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save

DEFAULT_SECONDS = 2.0
MAX_ENTRIES = 1024
V = TypeVar("V")


def clear_on_change(name: str, models: tuple[type[models.Model], ...], clear: Callable[[], None]) -> None:
    """Call ``clear()`` whenever a row of one of ``models`` is saved or deleted in this process."""

    def forget(**kwargs: Any) -> None:
        clear()

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(forget, sender=model, weak=False, dispatch_uid=f"{name}-{model.__name__}")


class LocalCache(Generic[V]):
    def __init__(self, name: str, *, models: tuple[type[models.Model], ...]) -> None:
        self.name = name
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()
        clear_on_change(name, models, self.clear)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        """The cached value of ``key``, or ``load()`` (cached when caching is on)."""
        seconds = float(getattr(settings, "HAOBAN_LOCAL_CACHE_SECONDS", DEFAULT_SECONDS))
        if seconds <= 0:
            return load()
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and now - entry[0] < seconds:
            return entry[1]
        value = load()
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = (now, value)
        return value
