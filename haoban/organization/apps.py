from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "haoban.organization"
    label = "organization"
    verbose_name = "组织机构"
    default_auto_field = "django.db.models.BigAutoField"
