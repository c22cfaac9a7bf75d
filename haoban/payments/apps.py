from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "haoban.payments"
    label = "payments"
    verbose_name = "缴费"
    default_auto_field = "django.db.models.BigAutoField"
