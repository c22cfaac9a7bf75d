from typing import Any

from django.apps import AppConfig
from django.core.signals import request_finished, request_started


def _forget_preloads(**kwargs: Any) -> None:
    """What a session load read ahead for its request (the user, their principals) is for that request only:
    forgotten when a request starts and when it ends, so no later request of the thread can take it."""
    from .access import preloaded_principals
    from .sessions import preloaded_user

    preloaded_user.set(None)
    preloaded_principals.set(None)


class AccountsConfig(AppConfig):
    name = "haoban.accounts"
    label = "accounts"
    verbose_name = "账号与权限"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        request_started.connect(_forget_preloads, dispatch_uid="accounts-forget-preloads-start")
        request_finished.connect(_forget_preloads, dispatch_uid="accounts-forget-preloads-end")
