from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "haoban.calendars"
    label = "calendars"
    verbose_name = "工作日历"
    default_auto_field = "django.db.models.BigAutoField"
