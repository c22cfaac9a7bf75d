"""Seed 2004–2026 from the chinese_calendar package, so that a fresh database always has a calendar."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from haoban.calendars.seed import SEED_FIRST_YEAR, SEED_LAST_YEAR, package_version, seed_years

    HolidayYear = apps.get_model("calendars", "HolidayYear")
    CalendarDay = apps.get_model("calendars", "CalendarDay")
    CalendarChange = apps.get_model("calendars", "CalendarChange")
    now = timezone.now()
    created = seed_years(HolidayYear, CalendarDay, first=SEED_FIRST_YEAR, last=SEED_LAST_YEAR, now=now)
    counts = {}
    for year, kind in CalendarDay.objects.filter(year__year__in=created).values_list("year__year", "kind"):
        counts.setdefault(year, {"holiday": 0, "makeup_workday": 0})[kind] += 1
    CalendarChange.objects.bulk_create(
        [
            CalendarChange(
                year=year,
                kind="seed",
                created_at=now,
                summary=(
                    f"{year} 年节假日安排初始数据（取自 chinesecalendar {package_version()}）："
                    f"放假 {counts[year]['holiday']} 天，调休上班 {counts[year]['makeup_workday']} 天。"
                ),
                details={"source": f"chinesecalendar {package_version()}", "migration": "0002"},
            )
            for year in created
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
