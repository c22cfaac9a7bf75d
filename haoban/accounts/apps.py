from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "haoban.accounts"
    label = "accounts"
    verbose_name = "账号与权限"
    default_auto_field = "django.db.models.BigAutoField"
