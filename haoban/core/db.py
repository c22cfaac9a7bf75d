"""Lean writes for hot paths (docs/performance.md).

:func:`insert_rows` inserts new model instances of one model with one ``INSERT … VALUES (…), (…) RETURNING
id`` and sets their primary keys — what ``Model.save()`` / ``bulk_create`` write, field by field
(``pre_save`` and ``get_db_prep_save`` of every field, so defaults, ``auto_now_add``, encrypted columns and
their blind indexes are written exactly as the ORM would), without the ORM's per-statement compilation. The
SQL text is built once per model, row count and connection vendor.

What it does not do, as ``bulk_create`` does not: send ``pre_save``/``post_save`` signals or call
``save()`` overrides. Use it only for models that have neither (the tests of the callers check the rows).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import AutoField, BigAutoField, Field, Model, SmallAutoField

_AUTO_FIELDS = (AutoField, BigAutoField, SmallAutoField)
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
    sql, fields = _statement(model, len(objs), using)
    params: list[object] = []
    for obj in objs:
        if type(obj) is not model or obj.pk is not None:
            raise ValueError("insert_rows: every object must be a new instance of the same model")
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = cursor.fetchall()
    for obj, (pk,) in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using


def update_row(model: type[Model], pk: object, *, using: str = DEFAULT_DB_ALIAS, **values: object) -> int:
    """``UPDATE … SET <values> WHERE pk = <pk>`` as ``QuerySet.update`` writes it (each field's
    ``get_db_prep_save``), without compiling a query; returns the number of rows changed (0 or 1)."""
    connection = connections[using]
    opts = model._meta
    fields = [opts.get_field(name) for name in values]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(opts.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
        f"WHERE {quote(opts.pk.column)} = %s"
    )
    params = [f.get_db_prep_save(value, connection) for f, value in zip(fields, values.values(), strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, pk])
        return int(cursor.rowcount)


_selects: dict[tuple[type[Model], tuple[str, ...], str], str] = {}


def first_row(model: type[Model], *, using: str = DEFAULT_DB_ALIAS, **equals: object) -> Model | None:
    """The row of ``model`` with the lowest primary key whose columns equal ``equals`` (field names, e.g.
    ``user_id=…``), or ``None`` — ``model.objects.filter(**equals).order_by("pk").first()`` on a hot path,
    through a raw query built once per model and filter (the ORM's converters still apply)."""
    connection = connections[using]
    key = (model, tuple(equals), connection.vendor)
    sql = _selects.get(key)
    if sql is None:
        opts = model._meta
        quote = connection.ops.quote_name
        where = " AND ".join(f"{quote(opts.get_field(name).column)} = %s" for name in equals)
        columns = ", ".join(quote(f.column) for f in opts.concrete_fields)
        sql = _selects[key] = (
            f"SELECT {columns} FROM {quote(opts.db_table)} WHERE {where} ORDER BY {quote(opts.pk.column)} LIMIT 1"
        )
    fields = [model._meta.get_field(name) for name in equals]
    params = [f.get_db_prep_value(v, connection) for f, v in zip(fields, equals.values(), strict=True)]
    return next(iter(model._default_manager.db_manager(using).raw(sql, params)), None)
