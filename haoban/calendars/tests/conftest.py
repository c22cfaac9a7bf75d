from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from haoban.calendars import selectors
from haoban.calendars.models import CalendarChange, CalendarDay, HolidayYear
from haoban.calendars.services import (
    ChangeRecord,
    register_deadline_recomputer,
    unregister_deadline_recomputer,
)

EXAMPLE_2027 = Path(__file__).resolve().parents[3] / "docs" / "examples" / "holidays-2027.example.json"


def example_2027() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE_2027.read_text(encoding="utf-8"))
    return data


def example_2027_days(key: str) -> list[tuple[dt.date, str]]:
    return [(dt.date.fromisoformat(e["date"]), e["name"]) for e in example_2027()[key]]


def counts() -> tuple[int, int, int]:
    return HolidayYear.objects.count(), CalendarDay.objects.count(), CalendarChange.objects.count()


@dataclass
class FakeRecomputer:
    """A test-only deadline recomputer: one stored deadline of 10 working days from 25 Dec 2026."""

    calls: list[int] = field(default_factory=list)
    fail: bool = False

    def __call__(self, year: int) -> list[ChangeRecord]:
        self.calls.append(year)
        if self.fail:
            raise RuntimeError("重算失败（测试）")
        due = selectors.get_work_calendar().add_workdays(dt.date(2026, 12, 25), 10)
        return [{"deadline": "TEST-1", "year": year, "due": due.value, "provisional": due.provisional}]


@pytest.fixture
def recomputer() -> Iterator[FakeRecomputer]:
    fn = FakeRecomputer()
    register_deadline_recomputer(fn)
    yield fn
    unregister_deadline_recomputer(fn)
