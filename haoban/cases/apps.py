from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "haoban.cases"
    label = "cases"
    verbose_name = "办件管理"
    default_auto_field = "django.db.models.BigAutoField"
