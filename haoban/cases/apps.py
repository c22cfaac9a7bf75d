from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "haoban.cases"
    label = "cases"
    verbose_name = "办件管理"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Outbox handlers (``cases.notice``, ``cases.notify*``) must be registered in every process that
        # runs ``haoban worker``; importing the modules registers them.
        from . import documents, notifications  # noqa: F401

        self._register_time_rules()

    def _register_time_rules(self) -> None:
        # ``haoban tick`` jobs (deemed acceptance, daily clocks, 容缺 alerts) and the calendar's deadline
        # recomputer: cases computed on a provisional year are recomputed when the year is published.
        from haoban.calendars.services import register_deadline_recomputer

        from . import ticks

        register_deadline_recomputer(ticks.recompute_provisional_deadlines)
