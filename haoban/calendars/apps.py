from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "haoban.calendars"
    label = "calendars"
    verbose_name = "工作日历"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from haoban.core.localcache import clear_on_change

        from .models import CalendarDay, HolidayYear
        from .selectors import clear_work_calendar_cache

        # A change saved in this process is seen at once (others check every HAOBAN_CALENDAR_CHECK_SECONDS).
        clear_on_change("calendar-cache", (HolidayYear, CalendarDay), clear_work_calendar_cache)
