"""``Idempotency-Key`` for POSTs that create something (architecture.md, API).

A client that may retry a POST (timeout, lost connection) sends a key of its choosing, unique per request::

    Idempotency-Key: 7b0c6a0e-3f1e-4c55-9a43-2f7d1c0e9b11

- First request with the key: handled normally; a successful (2xx) response is stored with the key.
- Same user, same key, same request (method, path and body): the stored response is returned again, with
  the header ``Idempotent-Replayed: true``; nothing is done twice.
- Same key, different request: 409 ``idempotency_key_reused``.
- How: the handler's successful response is stored with the key *in the same transaction* as its work, by
  one ``INSERT`` sent together with the rows the handler wrote (``core.db.deferred_inserts``; on PostgreSQL
  with the COMMIT too: one round trip). The record is written once, complete, instead of claiming the key
  first and updating it with the response afterwards (a second write of every record; docs/performance.md).
  Whether the key is taken is looked up before the work, by default. A handler whose work is all in the
  transaction for a JSON body (no file stored) may say so, ``@idempotent(check_after_work=True)`` (the case
  submission): then the check comes with the work — on PostgreSQL outside any enclosing transaction by the
  record's INSERT itself (the unique (user, key) fails it), elsewhere by a lookup sent with the handler's first
  statement — and a retry's work is rolled back, never committed, and the stored response replayed. (A case
  number taken by a retry stays unused: numbers are unique, not gap-free.)
- Two identical requests at the same time: if the other one committed first, this one's record cannot be
  inserted (the unique (user, key) constraint, on PostgreSQL after waiting for the other to commit) — or its
  own work fails on the other's (a unique value taken, a status already changed). Either way its
  transaction is rolled back with everything it wrote, the key is looked up again and the other's response
  is replayed. Nothing is created twice.
- A request that fails (4xx/5xx) stores nothing: its transaction is rolled back with everything it wrote, so
  the client may correct it and retry with the same key.

Keys are scoped to the authenticated user (anonymous requests ignore the header) and kept
``RETENTION`` (24 hours; purged by the ``core.idempotency_purge`` tick).

Usage: decorate the handler of a DRF view, and document the header with :data:`IDEMPOTENCY_KEY_PARAMETER`::

    @extend_schema(parameters=[IDEMPOTENCY_KEY_PARAMETER], ...)
    @idempotent
    def post(self, request, ...): ...
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar, overload

from django.db import connection, transaction
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from .api import Conflict
from .db import (
    PendingRead,
    commit_with_next,
    deferred_inserts,
    first_row,
    first_row_query,
    prepared,
    read_with_next,
)
from .models import IdempotencyRecord
from .ticks import register_tick

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RETENTION = dt.timedelta(hours=24)
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "幂等键（可选，1–255 个可见 ASCII 字符，建议使用 UUID）。同一用户以同一幂等键重复提交相同请求时，"
        "返回首次成功请求的响应（响应头 Idempotent-Replayed: true），不会重复创建；"
        "同一幂等键用于不同请求时返回 409。保留 24 小时。"
    ),
)


class IdempotencyKeyReused(Conflict):
    default_detail = "该幂等键（Idempotency-Key）已用于另一个不同的请求，请为新请求使用新的幂等键。"
    default_code = "idempotency_key_reused"


class IdempotencyKeyInProgress(Conflict):
    default_detail = "使用该幂等键（Idempotency-Key）的请求正在处理中，请稍后重试。"
    default_code = "idempotency_key_in_progress"


def request_fingerprint(request: Request) -> str:
    """SHA-256 of method, full path and the parsed body in canonical JSON (key order does not matter)."""
    data: Any = request.data
    if isinstance(data, QueryDict):
        data = {key: data.getlist(key) for key in sorted(data)}
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    text = f"{request.method}\n{request.get_full_path()}\n{body}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    if record.response_status is None:  # pragma: no cover - only visible inside its own transaction
        raise IdempotencyKeyInProgress()
    return Response(record.response_body, status=record.response_status, headers={REPLAYED_HEADER: "true"})


_RECORD_COLUMNS = (
    "key",
    "user_id",
    "method",
    "path",
    "request_hash",
    "response_status",
    "response_body",
    "created_at",
)


def _store(
    request: Request,
    key: str,
    fingerprint: str,
    status_code: int,
    content: bytes | None,
    *,
    conflict_fails: bool = False,
) -> bool:
    """Store the response with (user, key), unless the key is taken: one ``INSERT … ON CONFLICT DO NOTHING``
    (on PostgreSQL it waits for a concurrent holder of the key to commit or roll back). ``True`` if stored.
    ``conflict_fails``: a taken key raises ``IntegrityError`` instead (the INSERT is sent with the COMMIT)."""
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    # The rendered JSON as text: PostgreSQL reads it into jsonb itself (a cast; no adapter per request),
    # SQLite keeps JSON as text.
    placeholders = ["%s"] * len(_RECORD_COLUMNS)
    if connection.vendor == "postgresql":
        placeholders[_RECORD_COLUMNS.index("response_body")] = "%s::jsonb"
    with connection.cursor() as cursor:
        cursor.execute(
            prepared(
                f"INSERT INTO {table} ({', '.join(_RECORD_COLUMNS)}) VALUES ({', '.join(placeholders)}) "
                + ("" if conflict_fails else "ON CONFLICT (user_id, key) DO NOTHING ")
                + "RETURNING id"
            ),
            [
                key,
                request.user.pk,
                request.method,
                request.path[:500],
                fingerprint,
                status_code,
                None if content is None else content.decode("utf-8"),
                timezone.now(),
            ],
        )
        return cursor.fetchone() is not None


def _rendered(response: Response) -> tuple[bytes | None, HttpResponse]:
    """The handler's response rendered once (as DRF's ``JSONRenderer`` renders it): the same bytes are stored
    for replays and sent."""
    content = None if response.data is None else JSONRenderer().render(response.data)
    sent = HttpResponse(content or b"", status=response.status_code, content_type="application/json")
    for header, value in response.items():
        if header.lower() != "content-type":  # not rendered yet: Django's default, not what is sent
            sent[header] = value
    return content, sent


def _stored_later(lookup: dict[str, Any]) -> PendingRead:
    """The lookup of :func:`_stored`, sent with the next statement (``core.db.read_with_next``)."""
    return read_with_next(*first_row_query(IdempotencyRecord, user_id=lookup["user"].pk, key=lookup["key"]))


def _stored(lookup: dict[str, Any]) -> IdempotencyRecord | None:
    return first_row(IdempotencyRecord, user_id=lookup["user"].pk, key=lookup["key"])  # type: ignore[return-value]


class _Failed(Exception):
    """The handler answered with an error: its transaction is rolled back, the answer sent as it is."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class _KeyTaken(Exception):
    """The key was stored by a concurrent request while this one worked: roll back, replay that one."""


Handler = TypeVar("Handler", bound=Callable[..., Response])


@overload
def idempotent(handler: Handler) -> Handler: ...


@overload
def idempotent(*, check_after_work: bool) -> Callable[[Handler], Handler]: ...


def idempotent(
    handler: Handler | None = None, *, check_after_work: bool = False
) -> Handler | Callable[[Handler], Handler]:
    """Honour ``Idempotency-Key`` on a DRF view handler (``post``); see the module docstring.

    ``@idempotent(check_after_work=True)``: for a handler that writes nothing outside its transaction when the
    body is JSON (no file: e.g. a case submission, whose JSON materials are references), the key of a JSON
    request is checked with its work, not before it. Without it (the default), the key is looked up first —
    a handler that may store a file (a signature image in JSON, say) must not do its work for a retry."""
    if handler is None:
        return functools.partial(_idempotent, check_after_work=check_after_work)
    return _idempotent(handler, check_after_work=check_after_work)


def _idempotent(handler: Handler, *, check_after_work: bool) -> Handler:
    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        if not _KEY_RE.match(key):
            raise exceptions.ValidationError(
                {HEADER: ["幂等键应为 1–255 个可见 ASCII 字符（建议使用 UUID）"]}
            )
        fingerprint = request_fingerprint(request)
        lookup = {"user": request.user, "key": key}
        # Where the handler writes nothing outside its transaction (check_after_work, JSON body: no file), its
        # work may be done before the key is checked: a retry's work is rolled back, never committed. On
        # PostgreSQL, in an outermost transaction, the check is the record's own INSERT at the end (the unique
        # (user, key) fails it); elsewhere the key is looked up together with the handler's first statement.
        # Otherwise (an upload, a handler that may store a file) the key is looked up first.
        together = (
            check_after_work and (request.content_type or "").split(";")[0].strip() == "application/json"
        )
        at_the_end = together and connection.vendor == "postgresql" and not connection.in_atomic_block
        if not together:
            existing = _stored(lookup)
            if existing is not None:
                return _replay(existing, fingerprint)
        try:
            # The rows the handler inserts with insert_rows go to the database with the stored response, in
            # one round trip (core.db.deferred_inserts; PostgreSQL).
            with transaction.atomic(), deferred_inserts():
                taken = _stored_later(lookup) if together and not at_the_end else None
                response = handler(view, request, *args, **kwargs)
                if taken is not None and taken.result():
                    raise _KeyTaken()  # a retry: answered from the stored response
                if not 200 <= response.status_code < 300:
                    raise _Failed(response)  # roll back what it wrote (module docstring)
                content, response = _rendered(response)
                # PostgreSQL: the record, the handler's queued rows and the COMMIT in one round trip.
                last = commit_with_next()
                stored = _store(request, key, fingerprint, response.status_code, content, conflict_fails=last)
                if not stored:
                    raise _KeyTaken()
        except Exception as exc:
            # Rolled back. The key may be taken — by an earlier request (a retry) or by a concurrent one that
            # succeeded meanwhile (this one failed on its work or on the key): answer as it did.
            existing = _stored(lookup)
            if existing is not None:
                return _replay(existing, fingerprint)
            if isinstance(exc, _KeyTaken):  # its holder rolled back between the two statements
                raise IdempotencyKeyInProgress() from None
            if isinstance(exc, _Failed):
                return exc.response
            raise
        return response

    return wrapper  # type: ignore[return-value]


def purge_idempotency_records(*, now: dt.datetime) -> int:
    """Delete records older than :data:`RETENTION`; returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - RETENTION).delete()
    return deleted


@register_tick("core.idempotency_purge")
def _purge_tick(now: dt.datetime) -> str:
    return f"清理过期幂等记录 {purge_idempotency_records(now=now)} 条"
