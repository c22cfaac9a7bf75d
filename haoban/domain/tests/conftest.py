from __future__ import annotations

import pytest

from haoban.domain.workcalendar import WorkCalendar

from .notice2026 import calendar_2026


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    return calendar_2026()
