"""The session engine: Django's database sessions, with the read every signed-in request makes done by one
plain query instead of an ORM ``get`` (``SESSION_ENGINE = "haoban.accounts.sessions"``; hot path,
docs/performance.md). Same table, same rules: a session is found only by its key and only before its
``expire_date``; a key that is not found is dropped, so the response starts a new session."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        key = self.session_key
        if key is None:
            return {}
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        expires = model._meta.get_field("expire_date").get_db_prep_value(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
                [key, expires],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return dict(self.decode(row[0]))
