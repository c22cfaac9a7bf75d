"""Lean writes and reads for hot paths (docs/performance.md).

:func:`insert_rows` inserts new model instances of one model with one ``INSERT … VALUES (…), (…) RETURNING
id`` and sets their primary keys — what ``Model.save()`` / ``bulk_create`` write, field by field
(``pre_save`` and ``get_db_prep_save`` of every field, so defaults, ``auto_now_add``, encrypted columns and
their blind indexes are written exactly as the ORM would), without the ORM's per-statement compilation. The
SQL text is built once per model, row count and connection vendor.

Inside :func:`deferred_inserts` on PostgreSQL, ``insert_rows`` does not wait for the database: the rows get
their keys at once from the table's own sequence (``nextval``, taken :data:`KEY_BLOCK` at a time per
process, so keys are unique but not in time order across processes) and their ``INSERT`` is queued. The
queue goes to the database in one round trip, together with the next statement the connection runs
(so every read in the block sees the rows), or at the end of the block. A write of several rows (case,
event, materials, outbox message and the idempotency record of one submission) then costs one round trip
instead of five. Foreign keys are checked at COMMIT (Django creates them ``DEFERRABLE INITIALLY
DEFERRED``), so the order of the queue does not matter. SQLite, or no open transaction: rows are inserted
at once, as outside the block.

What it does not do, as ``bulk_create`` does not: send ``pre_save``/``post_save`` signals or call
``save()`` overrides. Use it only for models that have neither (the tests of the callers check the rows).

:func:`prepared` (PostgreSQL): the statements of the hot paths run as ``EXECUTE`` of a statement prepared once
per connection, so PostgreSQL neither parses nor plans them again (measured with pgbench: the session read
runs three times as fast prepared). Django's psycopg cursors bind parameters on the client and send compound
queries in the simple protocol, which cannot use psycopg's own prepared statements; ``EXECUTE name(…)`` is
plain SQL, so it travels in a compound query like any other statement.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import AutoField, BigAutoField, Field, Model, SmallAutoField
from psycopg import errors as psycopg_errors
from psycopg import pq
from psycopg.types.json import Jsonb

_AUTO_FIELDS = (AutoField, BigAutoField, SmallAutoField)

# --- prepared statements (PostgreSQL) -------------------------------------------------------------------------

# name → the statement it prepares (Django's %s placeholders)
_prepared_sql: dict[str, str] = {}
# statement → (name, parameter count); None: not preparable
_prepared_names: dict[str, tuple[str, int] | None] = {}
_prepared_lock = threading.Lock()
# Statements of fixed text are prepared; past this many distinct ones (a caller building texts that vary), the
# rest run as they are, so neither this process nor a connection keeps an ever-growing set.
PREPARED_MAX = 200


def _prepared_name(sql: str) -> tuple[str, int] | None:
    found = _prepared_names.get(sql, False)
    if found is not False:
        return found  # type: ignore[return-value]
    if len(_prepared_names) >= PREPARED_MAX:
        return None
    parts = sql.split("%s")
    # a literal % (escaped as %%) or a named placeholder: leave the statement as it is
    found = (
        None
        if any("%" in part for part in parts)
        else ("hb_" + hashlib.sha1(sql.encode()).hexdigest()[:24], len(parts) - 1)
    )
    with _prepared_lock:
        _prepared_names[sql] = found
        if found is not None:
            _prepared_sql[found[0]] = sql
    return found


def prepared(
    sql: str, *, using: str = DEFAULT_DB_ALIAS, connection: BaseDatabaseWrapper | None = None
) -> str:
    """``sql`` (Django's ``%s`` placeholders) as ``EXECUTE hb_…(%s, …)`` of a statement prepared on the
    connection, to be executed with the same parameters. The first use on a connection sends the ``PREPARE``
    in a round trip of its own (a prepared statement outlives a rollback, so it is known to exist once that
    round trip succeeds). ``sql`` as it is elsewhere than on PostgreSQL, with ``HAOBAN_PREPARED_STATEMENTS``
    off (a transaction-pooling proxy that does not keep a connection's prepared statements), when it cannot
    be prepared (a literal ``%``), or past :data:`PREPARED_MAX` distinct statements (use it for statements of
    fixed text)."""
    connection = connection or connections[using]
    if connection.vendor != "postgresql" or not getattr(settings, "HAOBAN_PREPARED_STATEMENTS", True):
        return sql
    found = _prepared_name(sql)
    if found is None:
        return sql
    name, count = found
    connection.ensure_connection()
    pg = connection.connection
    known: set[str] | None = getattr(pg, "_haoban_prepared", None)
    if known is None:
        known = pg._haoban_prepared = set()
    if name not in known:
        numbered = "".join(
            part + (f"${n}" if n <= count else "") for n, part in enumerate(sql.split("%s"), start=1)
        )
        text = f"PREPARE {name} AS {numbered}"
        with connection.wrap_database_errors:
            result = pg.pgconn.exec_(text.encode())
            # 42P05: prepared before on this connection (the name is the digest of the statement)
            if (
                result.status != pq.ExecStatus.COMMAND_OK
                and result.error_field(pq.DiagnosticField.SQLSTATE) != b"42P05"
            ):
                raise psycopg_errors.error_from_result(result, encoding=pg.info.encoding)
        if connection.queries_logged:
            connection.queries_log.append({"sql": text, "time": "0.000"})
        known.add(name)
    return f"EXECUTE {name}({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"


def sent_statements(queries: Any) -> list[str]:
    """The round trips of a ``CaptureQueriesContext`` (or a list of Django's logged queries) as readable SQL:
    the once-per-connection ``PREPARE`` round trips left out, each ``EXECUTE`` of :func:`prepared` written as
    the statement it runs (its placeholders unfilled). For tests and profiles that read the log."""
    logged = getattr(queries, "captured_queries", queries)
    trips = []
    for query in logged:
        if query["sql"].startswith("PREPARE hb_"):
            continue
        parts = []
        for part in query["sql"].split(";\n"):
            parts.append(_executed(part) or part)
        trips.append(";\n".join(parts))
    return trips


def _executed(sql: str) -> str | None:
    """What an ``EXECUTE`` of :func:`prepared` runs (``None`` for any other statement, or a name not known)."""
    if not sql.startswith("EXECUTE hb_"):
        return None
    return _prepared_sql.get(sql.removeprefix("EXECUTE ").split("(", 1)[0])


_statements: dict[tuple[type[Model], int, str], tuple[str, list[Field]]] = {}


def _statement(model: type[Model], rows: int, alias: str) -> tuple[str, list[Field]]:
    connection = connections[alias]
    key = (model, rows, connection.vendor)
    cached = _statements.get(key)
    if cached is None:
        opts = model._meta
        if opts.parents:
            raise TypeError(f"insert_rows does not handle multi-table inheritance ({opts.label})")
        fields = [
            f
            for f in opts.concrete_fields
            if not getattr(f, "generated", False) and not (f.primary_key and isinstance(f, _AUTO_FIELDS))
        ]
        quote = connection.ops.quote_name
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        sql = (
            f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES {', '.join([row] * rows)} RETURNING {quote(opts.pk.column)}"
        )
        cached = _statements[key] = (sql, fields)
    return cached


def insert_rows(objs: Sequence[Model], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Insert ``objs`` (new instances of one model, primary key not set) in one statement; sets each
    ``pk`` and marks them saved. Falls back to ``bulk_create`` where the database cannot return the ids."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover - SQLite < 3.35
        model._default_manager.using(using).bulk_create(objs)
        return
    for obj in objs:
        if type(obj) is not model or obj.pk is not None:
            raise ValueError("insert_rows: every object must be a new instance of the same model")
    batch = _batch.get()
    if batch is not None and batch.connection is connection:
        batch.queue(objs)
        return
    sql, fields = _statement(model, len(objs), using)
    params: list[object] = []
    for obj in objs:
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = cursor.fetchall()
    for obj, (pk,) in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using


_selects: dict[tuple[type[Model], tuple[str, ...], str], str] = {}
_converters: dict[tuple[type[Model], str], list[tuple[int, list[Callable[..., Any]]]]] = {}


def row_columns(model: type[Model], connection: BaseDatabaseWrapper, *, table_alias: str = "") -> str:
    """The select list of every concrete column of ``model`` in field order: what :func:`model_from_row`
    reads (``table_alias``: qualify each column, e.g. ``"u"`` → ``u."id"``)."""
    quote = connection.ops.quote_name
    prefix = f"{table_alias}." if table_alias else ""
    return ", ".join(prefix + quote(f.column) for f in model._meta.concrete_fields)


def first_row_query(
    model: type[Model], *, using: str = DEFAULT_DB_ALIAS, **equals: object
) -> tuple[str, list[object]]:
    """SQL and parameters of :func:`first_row` (for :func:`fetch_together`); read its rows with
    :func:`model_from_row`."""
    connection = connections[using]
    key = (model, tuple(equals), connection.vendor)
    sql = _selects.get(key)
    if sql is None:
        opts = model._meta
        quote = connection.ops.quote_name
        where = " AND ".join(f"{quote(opts.get_field(name).column)} = %s" for name in equals)
        columns = row_columns(model, connection)
        sql = _selects[key] = (
            f"SELECT {columns} FROM {quote(opts.db_table)} WHERE {where} ORDER BY {quote(opts.pk.column)} LIMIT 1"
        )
    fields = [model._meta.get_field(name) for name in equals]
    params = [f.get_db_prep_value(v, connection) for f, v in zip(fields, equals.values(), strict=True)]
    return sql, params


def model_from_row(model: type[Model], row: Sequence[Any], *, using: str = DEFAULT_DB_ALIAS) -> Model:
    """An instance of ``model`` from a row of all its concrete columns in field order (as
    :func:`first_row_query` selects them), converted as the ORM converts what it reads."""
    connection = connections[using]
    key = (model, connection.vendor)
    converters = _converters.get(key)
    if converters is None:
        converters = _converters[key] = [
            (i, found)
            for i, field in enumerate(model._meta.concrete_fields)
            if (
                found := connection.ops.get_db_converters(field.cached_col)
                + field.get_db_converters(connection)
            )
        ]
    values = list(row)
    for i, functions in converters:
        field = model._meta.concrete_fields[i]
        for convert in functions:
            values[i] = convert(values[i], field.cached_col, connection)
    return model.from_db(using, None, values)


def first_row(model: type[Model], *, using: str = DEFAULT_DB_ALIAS, **equals: object) -> Model | None:
    """The row of ``model`` with the lowest primary key whose columns equal ``equals`` (field names, e.g.
    ``user_id=…``), or ``None`` — ``model.objects.filter(**equals).order_by("pk").first()`` on a hot path,
    through a query built once per model and filter (the ORM's converters still apply)."""
    sql, params = first_row_query(model, using=using, **equals)
    with connections[using].cursor() as cursor:
        cursor.execute(prepared(sql, using=using), params)
        row = cursor.fetchone()
    return None if row is None else model_from_row(model, row, using=using)


def fetch_together(
    statements: Sequence[tuple[str, Sequence[object]]], *, using: str = DEFAULT_DB_ALIAS
) -> list[list[tuple[Any, ...]]]:
    """The rows of each of several independent SELECTs, asked in one round trip on PostgreSQL (one
    compound query; elsewhere one after the other)."""
    connection = connections[using]
    statements = [(prepared(sql, connection=connection), params) for sql, params in statements]
    if connection.vendor != "postgresql" or len(statements) < 2:
        results = []
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, list(params))
                results.append(cursor.fetchall())
        return results
    # What a deferred block has queued goes first, in the same round trip (so the reads see its rows).
    batch = _batch.get()
    if batch is not None and batch.connection is not connection:
        batch = None
    values: list[object] = [value for _, params in statements for value in params]
    reads: list[PendingRead | None] = []
    with connection.cursor() as cursor:
        if batch is None:
            cursor.execute(";\n".join(sql for sql, _ in statements), values)
        else:
            batch.commit_next = False  # not with reads: Django commits as usual
            batch.sending = True
            try:
                with batch._round_trip(writes=False) as (prefix, queued_values, reads):
                    text = ";\n".join([*prefix, *(sql for sql, _ in statements)])
                    cursor.execute(text, [*queued_values, *values])
            finally:
                batch.sending = False
        _InsertBatch._collect(cursor.cursor, reads)
        results = [cursor.fetchall()]
        while cursor.cursor.nextset():
            results.append(cursor.fetchall())
    if len(results) != len(statements):  # pragma: no cover - a statement returned no result set
        raise RuntimeError("fetch_together: every statement must be a SELECT")
    return results


# --- deferred inserts (PostgreSQL) ---------------------------------------------------------------------------

KEY_BLOCK = 50
_key_pools: dict[tuple[str, type[Model]], list[int]] = {}
_key_lock = threading.Lock()
_batch: contextvars.ContextVar[_InsertBatch | None] = contextvars.ContextVar(
    "haoban_insert_batch", default=None
)
# Fields whose database value is the attribute itself when it already has the field's own Python type (what
# get_db_prep_save returns unchanged): such a value skips the field's conversion chain. Exact classes only, so
# a subclass with its own conversion (an encrypted column, say) always takes the full path.
_PLAIN_TYPES: dict[type[Field], type] = {
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.BooleanField: bool,
    models.ForeignKey: int,  # a key to an integer primary key
    models.OneToOneField: int,
}


_MISSING = object()


class _Column:
    __slots__ = ("attname", "column", "field", "plain")

    def __init__(self, field: Field) -> None:
        self.field, self.column, self.attname = field, field.column, field.attname
        plain = _PLAIN_TYPES.get(type(field))
        if plain is int and field.is_relation and not isinstance(field.target_field, _AUTO_FIELDS):
            plain = None  # a key to a non-integer primary key: the target field converts it
        self.plain = plain


_deferred_statements: dict[type[Model], tuple[str, list[_Column]]] = {}


def _deferred_statement(model: type[Model], connection: BaseDatabaseWrapper) -> tuple[str, list[_Column]]:
    """``INSERT … SELECT … FROM jsonb_populate_recordset(NULL::<table>, %s)``: all the rows of one call as
    one JSON parameter. The compound query of a batch then has a handful of parameters and a short text,
    which psycopg converts once and caches, instead of parsing a long query with a hundred parameters on
    every request; PostgreSQL converts each JSON value with the column type's own input function."""
    cached = _deferred_statements.get(model)
    if cached is None:
        opts = model._meta
        fields = [f for f in opts.concrete_fields if not getattr(f, "generated", False)]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        table = quote(opts.db_table)
        sql = f"INSERT INTO {table} ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::{table}, %s)"
        cached = _deferred_statements[model] = (sql, [_Column(f) for f in fields])
    return cached


def _row_json(obj: Model, columns: list[_Column], connection: BaseDatabaseWrapper) -> dict[str, Any]:
    """``obj``'s row as ``{column: JSON value}``, each value as ``get_db_prep_save(pre_save(…))`` gives it."""
    row = {}
    values = obj.__dict__
    for c in columns:
        if c.plain is not None:
            value = values.get(c.attname, _MISSING)
            if value is None or type(value) is c.plain:
                row[c.column] = value
                continue
        row[c.column] = _json_value(c.field.get_db_prep_save(c.field.pre_save(obj, True), connection))
    return row


def _json_value(value: Any) -> Any:
    """A database-ready value (``get_db_prep_save``) as the JSON its column's input function reads."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Jsonb):  # a JSON column: its value as the field's encoder writes it
        if value.dumps is None or value.dumps is json.dumps:  # no encoder of its own: the value as it is
            return value.obj
        return json.loads(value.dumps(value.obj))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    raise TypeError(f"deferred insert: no JSON form for {type(value).__name__}")


def _new_keys(connection: BaseDatabaseWrapper, model: type[Model], count: int) -> list[int]:
    """``count`` fresh keys of ``model`` from its table's sequence, from this process's pool."""
    pool_key = (connection.alias, model)
    with _key_lock:
        pool = _key_pools.setdefault(pool_key, [])
        if len(pool) < count:
            opts = model._meta
            with connection.cursor() as cursor:  # nextval is outside transactions: a rollback keeps the gap
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [opts.db_table, opts.pk.column, max(KEY_BLOCK, count - len(pool))],
                )
                pool.extend(int(row[0]) for row in cursor.fetchall())
        taken, pool[:count] = pool[:count], []
    return taken


class PendingRead:
    """A SELECT queued in a deferred block (:func:`read_with_next`): its rows once it has been sent."""

    def __init__(self, sql: str, params: Sequence[object], connection: BaseDatabaseWrapper) -> None:
        self.sql, self.params, self.connection = sql, list(params), connection
        self.rows: list[tuple[Any, ...]] | None = None

    def result(self) -> list[tuple[Any, ...]]:
        """The rows (sent now, with whatever is queued, if nothing has taken it to the database yet)."""
        if self.rows is None:
            batch = _batch.get()
            if batch is not None and any(read is self for _, _, read in batch.items):
                batch.send()
            else:  # pragma: no cover - a read is queued only in a block, which sends it at its end
                with self.connection.cursor() as cursor:
                    cursor.execute(self.sql, self.params)
                    self.rows = cursor.fetchall()
        assert self.rows is not None
        return self.rows


class _InsertBatch:
    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        # (sql, params, read): INSERTs (read None) and SELECTs (their PendingRead) in the order queued
        self.items: list[tuple[str, list[object], PendingRead | None]] = []
        self.sending = False
        self.commit_next = False  # send COMMIT after the next statement (commit_with_next)

    def queue(self, objs: Sequence[Model]) -> None:
        model = type(objs[0])
        self.sending = True  # the key pool's own query is not a reason to send the queue
        try:
            keys = _new_keys(self.connection, model, len(objs))
        finally:
            self.sending = False
        sql, columns = _deferred_statement(model, self.connection)
        rows = []
        for obj, pk in zip(objs, keys, strict=True):
            obj.pk = pk
            rows.append(_row_json(obj, columns, self.connection))
        self.items.append(
            (
                prepared(sql, connection=self.connection),
                [json.dumps(rows, ensure_ascii=False, separators=(",", ":"))],
                None,
            )
        )
        for obj in objs:
            obj._state.adding = False
            obj._state.db = self.connection.alias

    def _take(self) -> tuple[list[str], list[object], list[PendingRead | None]]:
        items, self.items = self.items, []
        params: list[object] = []
        for _, item_params, _ in items:
            params.extend(item_params)
        return [sql for sql, _, _ in items], params, [read for _, _, read in items]

    @staticmethod
    def _collect(cursor: Any, reads: list[PendingRead | None]) -> None:
        """Walk the results of the queued statements (rows of the reads kept), leaving the cursor on the next."""
        for read in reads:
            if read is not None:
                read.rows = cursor.fetchall()
            cursor.nextset()

    def send_before(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
    ) -> Any:
        """``execute_wrapper``: the queued statements go first, in the same round trip as ``sql``; the cursor
        is left on ``sql``'s result. The transaction's BEGIN goes with the first write (:meth:`_lazy_begin`)."""
        if self.sending:
            return execute(sql, params, many, context)
        if many or isinstance(params, dict):  # cannot share a round trip: send the queue first
            self.commit_next = False  # and let Django commit as usual
            self.send()
            return execute(sql, params, many, context)
        commit, self.commit_next = self.commit_next, False
        suffix = ["COMMIT"] if commit else []
        with self._round_trip(writes=not _is_plain_read(sql)) as (prefix, values, reads):
            if prefix or suffix:
                if params is None:
                    sql = sql.replace("%", "%%")  # it is sent with the queue's parameters now
                text = ";\n".join([*prefix, sql, *suffix])
                result = execute(text, [*values, *(params or ())], many, context)
            else:
                result = execute(sql, params, many, context)
        self._collect(context["cursor"].cursor, reads)
        return result

    def send(self) -> None:
        if not self.items:
            return
        self.sending = True
        try:
            with (
                self.connection.cursor() as cursor,
                self._round_trip(writes=False) as (prefix, values, reads),
            ):
                cursor.execute(";\n".join(prefix), values)
                self._collect(cursor.cursor, reads)
        finally:
            self.sending = False

    @contextlib.contextmanager
    def _round_trip(
        self, *, writes: bool
    ) -> Iterator[tuple[list[str], list[object], list[PendingRead | None]]]:
        """What goes before the caller's statements in one round trip: the queue, with ``BEGIN`` in front
        when this is the transaction's first write (the queue's INSERTs, or the caller's own, ``writes``).
        Yields the statements, their parameters and, for each, its read (``None`` for a statement without
        rows to keep) — for :meth:`_collect` once the round trip is sent."""
        prefix, values, reads = self._take()
        with self._lazy_begin(writes or any(read is None for read in reads)) as begin:
            if begin:
                prefix, reads = [begin, *prefix], [None, *reads]
            yield prefix, values, reads

    @contextlib.contextmanager
    def _lazy_begin(self, writes: bool) -> Iterator[str]:
        """The transaction starts with its first write, not with its first statement. Django opened it
        (autocommit off), so psycopg would send BEGIN, in a round trip of its own, before the block's first
        statement. While the transaction has not started on the server: reads run as they are (each in its
        own snapshot, as READ COMMITTED gives every statement anyway; plain SELECTs take no lock), and the
        first write (an INSERT, UPDATE, DELETE, a ``SELECT … FOR UPDATE``, a SAVEPOINT …) goes with
        ``BEGIN`` in front of it, in the same round trip. A block that only reads never starts one. Yields
        the BEGIN to send first (or ``""``)."""
        pg = self.connection.connection
        idle = (
            pg is not None
            and not pg.autocommit
            and pg.isolation_level is None  # a configured level is set by psycopg's own BEGIN
            and pg.info.transaction_status == pq.TransactionStatus.IDLE
            and hasattr(pg, "_autocommit")
        )
        if not idle:
            yield ""
            return
        pg._autocommit = True  # psycopg sends no BEGIN of its own for this statement
        try:
            yield "BEGIN" if writes else ""
        finally:
            pg._autocommit = False


def _is_plain_read(sql: str) -> bool:
    """A SELECT that takes no row lock (it may run before the transaction's BEGIN)."""
    if sql.startswith("EXECUTE hb_"):  # one of prepared(): what it executes (unknown: not a plain read)
        sql = _executed(sql) or ""
    head = sql.lstrip()[:6].upper()
    if head != "SELECT":
        return False
    upper = sql.upper()
    return (
        " FOR UPDATE" not in upper
        and " FOR SHARE" not in upper
        and " FOR NO KEY" not in upper
        and " FOR KEY SHARE" not in upper
    )


def commit_with_next(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Send ``COMMIT`` in the same round trip as the next statement, which must be the block's last (the
    transaction ends with it; Django's own COMMIT at the end of the ``atomic`` block then finds nothing to
    commit). Only on PostgreSQL, in a :func:`deferred_inserts` block directly inside the outermost
    ``atomic`` (no savepoints). If a statement of the round trip fails, PostgreSQL runs none after it, so the
    COMMIT does not happen and the transaction is rolled back as usual. ``True`` if it will be sent: then the
    next statement must fail on a conflict, not skip it (no ``ON CONFLICT DO NOTHING`` whose answer would be
    read after the COMMIT)."""
    connection = connections[using]
    batch = _batch.get()
    if (
        batch is None
        or batch.connection is not connection
        or len(connection.atomic_blocks) != 1
        or connection.savepoint_ids
        or connection.needs_rollback
    ):
        return False
    batch.commit_next = True
    return True


def read_with_next(sql: str, params: Sequence[object], *, using: str = DEFAULT_DB_ALIAS) -> PendingRead:
    """A SELECT whose answer is not needed yet: inside :func:`deferred_inserts` on PostgreSQL it goes to the
    database with the next statement (no round trip of its own); elsewhere it runs at once. Its rows:
    ``.result()``."""
    connection = connections[using]
    read = PendingRead(prepared(sql, connection=connection), params, connection)
    batch = _batch.get()
    if batch is not None and batch.connection is connection:
        batch.items.append((read.sql, read.params, read))
    else:
        with connection.cursor() as cursor:
            cursor.execute(read.sql, read.params)
            read.rows = cursor.fetchall()
    return read


@contextlib.contextmanager
def deferred_inserts(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Queue the :func:`insert_rows` of the block and send them in one round trip (module docstring). Call
    inside ``transaction.atomic``. Nested blocks join the outer one; the queue is sent at the end of the
    outermost block (not when it raises: the transaction is rolled back anyway)."""
    connection = connections[using]
    outer = _batch.get()
    if (outer is not None and outer.connection is connection) or (
        connection.vendor != "postgresql" or not connection.in_atomic_block
    ):
        yield
        return
    batch = _InsertBatch(connection)
    token = _batch.set(batch)
    try:
        with connection.execute_wrapper(batch.send_before):
            yield
            batch.send()
    finally:
        _batch.reset(token)
