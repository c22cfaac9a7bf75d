"""The session engine (``SESSION_ENGINE = "haoban.accounts.sessions"``): Django's database sessions, kept in
:class:`~haoban.accounts.models.Session`, whose ``user`` column names the signed-in user.

Every signed-in request reads its session and then its user. Here both come from one query (hot path,
docs/performance.md): the session row joined with its user's row. The user read that way is handed to the
authentication backend (``haoban.accounts.backends.load_user``) for the same request; it is used only by
the ``get_user`` call that follows the load in the same request and thread, and only for the same id. The
user's principals, staff roles and own applicant profile (``accounts.access.principals_and_roles``) are read
in the same round trip, for the same request. Both are forgotten when the request starts and ends
(``AccountsConfig.ready``), so a later request never takes them.
Otherwise the rules are Django's: a session is found only by its key and before its ``expire_date``; a key
that is not found is dropped, so the response starts a new session; Django checks the session's
authentication hash against the user as usual.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from haoban.core.db import fetch_together, model_from_row, row_columns

from .access import preloaded_principals, principal_statements, principals_from_rows
from .models import Session, User

# The user read with this thread's last session load, until the backend takes it.
preloaded_user: contextvars.ContextVar[User | None] = contextvars.ContextVar(
    "haoban_preloaded_user", default=None
)

_SQL: dict[str, str] = {}


def _load_sql(connection: BaseDatabaseWrapper) -> str:
    sql = _SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        columns = row_columns(User, connection, table_alias="u")
        sql = _SQL[connection.vendor] = (
            f"SELECT s.{quote('session_data')}, {columns} FROM {quote(Session._meta.db_table)} s "
            f"LEFT JOIN {quote(User._meta.db_table)} u ON u.{quote(User._meta.pk.column)} = s.{quote('user_id')} "
            f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s"
        )
    return sql


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        session: Session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        try:
            session.user_id = int(user_id) if user_id is not None else None
        except (TypeError, ValueError):  # not one of our users' keys
            session.user_id = None
        return session

    def load(self) -> dict[str, Any]:
        preloaded_user.set(None)
        preloaded_principals.set(None)
        key = self.session_key
        if key is None:
            return {}
        connection = connections[router.db_for_read(Session)]
        quote = connection.ops.quote_name
        expires = Session._meta.get_field("expire_date").get_db_prep_value(timezone.now(), connection)
        # The signed-in user's principals, staff roles and own profile (what almost every page and API call
        # asks next) in the same round trip, the user named by the session row.
        user = (
            f"(SELECT {quote('user_id')} FROM {quote(Session._meta.db_table)} "
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s)",
            [key, expires],
        )
        day = timezone.localdate()
        statements = [(_load_sql(connection), [key, expires])]
        # Elsewhere (SQLite) they would be queries of their own: there they are asked when needed.
        if connection.vendor == "postgresql":
            statements += principal_statements(user, day)
        session_rows, *principals = fetch_together(statements, using=connection.alias)
        if not session_rows:
            self._session_key = None
            return {}
        row = session_rows[0]
        if row[1] is not None:
            loaded = model_from_row(User, row[1:], using=connection.alias)
            preloaded_user.set(loaded)  # type: ignore[arg-type]
            if principals:
                preloaded_principals.set((loaded.pk, day, principals_from_rows(*principals)))
        return dict(self.decode(row[0]))
