"""The back office in Chinese: years with their days inline; saving records a change and recomputes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from haoban.calendars.models import CalendarChange, ChangeKind, HolidayYear
from haoban.calendars.selectors import get_work_calendar

from .conftest import FakeRecomputer, counts

pytestmark = pytest.mark.django_db


def _year_form(year: int, days: list[tuple[str, str, str]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "year": str(year),
        "published": "on",
        "source_notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "notes": "",
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for i, (date, kind, name) in enumerate(days):
        data |= {f"days-{i}-date": date, f"days-{i}-kind": kind, f"days-{i}-name": name}
    return data


def test_pages_are_in_chinese(admin_client: Client) -> None:
    changelist = admin_client.get("/admin/calendars/holidayyear/")
    assert changelist.status_code == 200
    assert "年度节假日安排" in changelist.content.decode()
    year = HolidayYear.objects.get(year=2026)
    change = admin_client.get(f"/admin/calendars/holidayyear/{year.pk}/change/")
    assert change.status_code == 200
    body = change.content.decode()
    assert "节假日和调休日" in body and "调休上班" in body and "2026-10-10" in body
    assert admin_client.get("/admin/calendars/holidayyear/?published__exact=1&q=2026").status_code == 200
    assert admin_client.get("/admin/calendars/calendarchange/").status_code == 200


def test_adding_a_year_records_the_change_and_recomputes(
    admin_client: Client, recomputer: FakeRecomputer
) -> None:
    # when
    response = admin_client.post(
        "/admin/calendars/holidayyear/add/",
        _year_form(2027, [("2027-01-01", "holiday", "元旦"), ("2027-01-31", "makeup_workday", "春节调休")]),
    )
    # then
    assert response.status_code == 302
    year = HolidayYear.objects.get(year=2027)
    assert year.published and year.published_at is not None
    change = CalendarChange.objects.get(kind=ChangeKind.EDIT)
    assert change.actor is not None and change.actor.get_username() == "admin"
    assert change.details["makeup_workdays_added"] == ["2027-01-31"]
    assert recomputer.calls == [2027]
    calendar = get_work_calendar()
    assert calendar.is_provisional_year(2027) is False
    assert calendar.is_workday(dt.date(2027, 1, 31)) is True


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (("2026-12-31", "holiday", "元旦"), "2026-12-31 不在 2027 年内"),
        (("2027-01-04", "makeup_workday", "调休"), "2027-01-04 不是周六或周日，不能设为调休上班日"),
        (("2026-10-01", "holiday", "国庆节"), "2026-10-01 不在 2027 年内"),
    ],
)
def test_an_invalid_day_is_refused_and_nothing_is_written(
    admin_client: Client, recomputer: FakeRecomputer, day: tuple[str, str, str], message: str
) -> None:
    before = counts()
    response = admin_client.post("/admin/calendars/holidayyear/add/", _year_form(2027, [day]))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert counts() == before
    assert recomputer.calls == []


def test_years_cannot_be_deleted_and_changes_are_read_only(admin_client: Client) -> None:
    year = HolidayYear.objects.get(year=2026)
    assert (
        admin_client.post(f"/admin/calendars/holidayyear/{year.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    change = CalendarChange.objects.filter(year=2026).first()
    assert change is not None
    assert admin_client.get("/admin/calendars/calendarchange/add/").status_code == 403
    page = admin_client.get(f"/admin/calendars/calendarchange/{change.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert HolidayYear.objects.filter(year=2026).exists()
