from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "haoban.calendars"
    label = "calendars"
    verbose_name = "工作日历"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import CalendarDay, HolidayYear
        from .selectors import clear_work_calendar_cache

        def forget(**kwargs: object) -> None:
            clear_work_calendar_cache()

        for model in (HolidayYear, CalendarDay):
            post_save.connect(
                forget, sender=model, weak=False, dispatch_uid=f"calendar-cache-{model.__name__}"
            )
            post_delete.connect(
                forget, sender=model, weak=False, dispatch_uid=f"calendar-cache-delete-{model.__name__}"
            )
