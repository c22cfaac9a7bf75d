"""Authentication backends: Django's ``ModelBackend`` (local passwords), reading the signed-in user of every
request with one lean query (hot path, docs/performance.md)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from haoban.core.db import first_row

from .models import User
from .sessions import preloaded_user


def load_user(user_id: Any) -> User | None:
    """The user with primary key ``user_id`` (as stored in the session), or ``None``: the one read with this
    request's session when it is that user (``haoban.accounts.sessions``), else from the database."""
    preloaded = preloaded_user.get()
    preloaded_user.set(None)  # taken once
    if preloaded is not None and str(preloaded.pk) == str(user_id):
        return preloaded
    try:
        return first_row(User, id=user_id)  # type: ignore[return-value]
    except (TypeError, ValueError):  # not a key of ours: no user
        return None


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
