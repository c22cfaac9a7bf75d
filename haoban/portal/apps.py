from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "haoban.portal"
    label = "portal"
    verbose_name = "门户"
    default_auto_field = "django.db.models.BigAutoField"
