from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender: AppConfig, using: str, **kwargs: Any) -> None:
    from .roles import ensure_roles

    ensure_roles(using=using)


class CoreConfig(AppConfig):
    name = "haoban.core"
    label = "core"
    verbose_name = "基础"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Infrastructure, not business logic: the role groups exist after every ``migrate``.
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="haoban.core.ensure_roles")
        from . import idempotency  # noqa: F401  (registers the purge tick)
