"""Settings every test runs with (the whole suite: ``haoban/`` and ``tests/``).

Three production shortcuts on the submission write path are switched off here, because tests change the data
behind them inside rolled-back transactions; each has its own tests that switch it back on:

- ``HAOBAN_CALENDAR_CHECK_SECONDS = 0``: the working-day calendar is checked against the database on every
  call (production: at most every 2 s per process; ``haoban.calendars.selectors``).
- ``HAOBAN_LOCAL_CACHE_SECONDS = 0``: no per-process caching of rarely changing rows
  (``haoban.core.localcache``; production: 2 s).
- ``HAOBAN_CASE_NUMBER_OWN_TRANSACTION = False``: case numbers are allocated inside the submission's
  transaction, so a test's numbers roll back with it (production on PostgreSQL: in a short transaction of
  their own; ``haoban.cases.services.submission``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings


@pytest.fixture(autouse=True, scope="session")
def _test_settings() -> Iterator[None]:
    saved = {
        name: getattr(settings, name)
        for name in (
            "HAOBAN_CALENDAR_CHECK_SECONDS",
            "HAOBAN_LOCAL_CACHE_SECONDS",
            "HAOBAN_CASE_NUMBER_OWN_TRANSACTION",
        )
    }
    settings.HAOBAN_CALENDAR_CHECK_SECONDS = 0
    settings.HAOBAN_LOCAL_CACHE_SECONDS = 0
    settings.HAOBAN_CASE_NUMBER_OWN_TRANSACTION = False
    yield
    for name, value in saved.items():
        setattr(settings, name, value)
