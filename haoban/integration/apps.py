from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "haoban.integration"
    label = "integration"
    verbose_name = "部门系统对接"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The webhook outbox handler and the nonce purge tick register themselves on import; every process
        # that runs ``haoban worker`` or ``haoban tick`` needs them.
        from . import ticks, webhooks  # noqa: F401
