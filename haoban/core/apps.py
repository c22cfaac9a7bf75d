from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "haoban.core"
    label = "core"
    verbose_name = "基础"
    default_auto_field = "django.db.models.BigAutoField"
