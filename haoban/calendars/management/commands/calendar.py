"""``haoban calendar``: ask the working-day calendar, and import a year's holiday arrangement.

    haoban calendar is-workday 2026-10-08          → true
    haoban calendar add-workdays 2026-09-30 1      → 2026-10-08
    haoban calendar between 2026-09-30 2026-10-31  → 18
    haoban calendar add-workdays 2026-12-25 10     → 2027-01-11 (provisional)
    haoban calendar import-year 2027 holidays-2027.json
    haoban calendar import-year 2027 holidays-2027.csv --source-notice "国务院办公厅关于2027年部分节假日安排的通知"
    haoban calendar status

A value followed by `` (provisional)`` depended on a year whose notice is not published yet (legal-rules.md
§9). Bad input exits with status 1 and a Chinese message on stderr; nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from haoban.calendars import selectors, services
from haoban.calendars.importing import YearFileError, parse_date, read_year_file
from haoban.calendars.models import MAX_YEAR, MIN_YEAR
from haoban.domain.workcalendar import CalendarError

PROVISIONAL = " (provisional)"


class Command(BaseCommand):
    help = "工作日历：判断工作日、推算期限、统计工作日，导入年度节假日安排。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="子命令")
        p = sub.add_parser("is-workday", help="判断某日是否为工作日，输出 true 或 false。")
        p.add_argument("date", metavar="DATE", help="日期，YYYY-MM-DD。")
        p = sub.add_parser("add-workdays", help="某日之后第 N 个工作日（当日不计），输出日期。")
        p.add_argument("date", metavar="DATE", help="起算日，YYYY-MM-DD。")
        p.add_argument("n", metavar="N", help="工作日数（整数，可为负数）。")
        p = sub.add_parser("between", help="两日之间的工作日数（不含起日，含止日），输出整数。")
        p.add_argument("date1", metavar="DATE1", help="起日，YYYY-MM-DD。")
        p.add_argument("date2", metavar="DATE2", help="止日，YYYY-MM-DD。")
        p = sub.add_parser(
            "import-year", help="导入并发布某年的节假日安排（JSON 或 CSV，格式见 docs/calendar.md）。"
        )
        p.add_argument("year", metavar="YEAR", help="年份。")
        p.add_argument("file", metavar="FILE", help="JSON 或 CSV 文件。")
        p.add_argument(
            "--source-notice", help="依据通知的标题和文号（CSV 必填；JSON 中的 source_notice 以此为准）。"
        )
        p.add_argument("--notes", help="备注。")
        sub.add_parser("status", help="列出已发布和临时的年份。")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = {
            "is-workday": self.is_workday,
            "add-workdays": self.add_workdays,
            "between": self.between,
            "import-year": self.import_year,
            "status": self.status,
        }[options["subcommand"]]
        try:
            handler(options)
        except CalendarError as exc:
            raise CommandError(str(exc)) from None

    # -- queries --------------------------------------------------------------------------------------

    def is_workday(self, options: dict[str, Any]) -> None:
        day = _date(options["date"])
        calendar = selectors.get_work_calendar()
        answer = "true" if calendar.is_workday(day) else "false"
        self._out(answer, calendar.is_provisional_year(day.year))

    def add_workdays(self, options: dict[str, Any]) -> None:
        day = _date(options["date"])
        n = _integer(options["n"], "工作日数")
        result = selectors.get_work_calendar().add_workdays(day, n)
        self._out(result.value.isoformat(), result.provisional)

    def between(self, options: dict[str, Any]) -> None:
        a, b = _date(options["date1"]), _date(options["date2"])
        result = selectors.get_work_calendar().workdays_between(a, b)
        self._out(str(result.value), result.provisional)

    def status(self, options: dict[str, Any]) -> None:
        for year in selectors.years_overview():
            state = "已发布" if year.published else "未发布"
            self.stdout.write(
                f"{year.year}  {state}  放假 {year.holidays} 天  调休上班 {year.makeup_workdays} 天  {year.source_notice}"
            )
        provisional = sorted(selectors.get_work_calendar().provisional_years)
        if provisional:
            self.stdout.write(f"临时日历（按法定节假日推算，无调休）：{_ranges(provisional)}")

    def _out(self, value: str, provisional: bool) -> None:
        self.stdout.write(value + (PROVISIONAL if provisional else ""))

    # -- import ---------------------------------------------------------------------------------------

    def import_year(self, options: dict[str, Any]) -> None:
        year = _integer(options["year"], "年份")
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CommandError(f"年份 {year} 超出范围，应在 {MIN_YEAR}–{MAX_YEAR} 之间")
        try:
            data = read_year_file(Path(options["file"]))
        except YearFileError as exc:
            raise CommandError(f"导入失败，未写入任何数据：{exc}") from None
        if data.year is not None and data.year != year:
            raise CommandError(
                f"导入失败，未写入任何数据：文件中的年份 {data.year} 与命令中的年份 {year} 不一致"
            )
        source_notice = options["source_notice"] or data.source_notice or ""
        notes = options["notes"] if options["notes"] is not None else data.notes
        try:
            row = services.calendar_import_year(
                year=year,
                holidays=data.holidays,
                makeup_workdays=data.makeup_workdays,
                source_notice=source_notice,
                notes=notes,
            )
        except ValidationError as exc:
            lines = [f"  {key}：{'；'.join(messages)}" for key, messages in exc.message_dict.items()]
            raise CommandError("导入失败，未写入任何数据：\n" + "\n".join(lines)) from None
        change = selectors.latest_change(row.year)
        self.stdout.write(change.summary if change is not None else f"已发布 {year} 年节假日安排。")


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def _integer(text: str, what: str) -> int:
    if not re.fullmatch(r"-?[0-9]+", text.strip()):
        raise CommandError(f"{what}“{text}”无效，应为整数")
    return int(text)


def _ranges(years: list[int]) -> str:
    """[2027, 2028, 2029, 2031] → "2027–2029、2031"."""
    parts: list[str] = []
    start = prev = years[0]
    for y in [*years[1:], None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return "、".join(parts)
