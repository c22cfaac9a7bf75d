from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender: AppConfig, using: str, **kwargs: Any) -> None:
    from .roles import ensure_roles

    ensure_roles(using=using)


def _ensure_audit_head(sender: AppConfig, using: str, **kwargs: Any) -> None:
    from .audit import ensure_audit_head

    ensure_audit_head(using=using)


class CoreConfig(AppConfig):
    name = "haoban.core"
    label = "core"
    verbose_name = "基础"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Infrastructure, not business logic: the role groups exist after every ``migrate``.
        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="haoban.core.ensure_roles")
        # The audit chain's head row likewise (also after a test flush), so every append costs the same.
        post_migrate.connect(_ensure_audit_head, sender=self, dispatch_uid="haoban.core.ensure_audit_head")
        from . import idempotency  # noqa: F401  (registers the purge tick)
