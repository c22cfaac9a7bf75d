from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "haoban.catalog"
    label = "catalog"
    verbose_name = "事项管理"
    default_auto_field = "django.db.models.BigAutoField"
