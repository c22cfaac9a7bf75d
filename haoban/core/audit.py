"""The audit log (审计日志): append-only, hash-chained with SM3, verifiable by ``haoban audit verify``.

What is logged (architecture.md, security model): every read of a full record by staff (a case page, a
material, a notice, the admin's change page of an applicant or a case) and sensitive operations. Not every
request: one entry costs one locked read of the chain head, one INSERT and one UPDATE of the head.

Each entry's ``hash`` is SM3 over its canonical serialisation, which includes the previous entry's hash, so
changing, removing or reordering any entry breaks every hash after it (docs/security.md gives the exact
bytes). :func:`audit_verify` walks the chain and names the first broken sequence.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.utils import unquote
from django.db import IntegrityError, connections, transaction
from django.http import HttpRequest
from django.utils import timezone

from .crypto import sm3_hex
from .models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64
CANONICAL_VERSION = 1
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
REQUEST_ID_HEADER = "X-Request-ID"


class AuditAction:
    """The action codes written so far (a plain namespace: new codes need no migration)."""

    CASE_READ = "case.read"
    MATERIAL_DOWNLOAD = "material.download"
    NOTICE_DOWNLOAD = "notice.download"
    SIGNATURE_DOWNLOAD = "signature.download"
    PROFILE_READ = "profile.read"
    USER_READ = "user.read"


def _json_safe(value: Any, path: str = "details") -> None:
    """Only what survives a JSON/jsonb round trip unchanged: str, int, bool, None, lists, str-keyed dicts."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _json_safe(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path} 的键必须是字符串")
            _json_safe(item, f"{path}.{key}")
        return
    raise TypeError(f"{path} 只能包含字符串、整数、布尔值、null、列表和对象，不能是 {type(value).__name__}")


def format_time(moment: dt.datetime) -> str:
    """UTC, microseconds, ``Z``: ``2026-11-29T22:05:17.123456Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(entry: AuditEntry) -> bytes:
    """The exact bytes hashed for ``entry`` (docs/security.md): UTF-8 JSON, keys sorted, no spaces."""
    payload = {
        "v": CANONICAL_VERSION,
        "sequence": entry.sequence,
        "occurred_at": format_time(entry.occurred_at),
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "request_id": entry.request_id,
        "ip_address": entry.ip_address,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    """SM3 of :func:`canonical_bytes`, 64 lowercase hex digits."""
    return sm3_hex(canonical_bytes(entry))


def mask_ip(value: str) -> str:
    """The network of a client address: IPv4 keeps 24 bits (``10.1.2.0/24``), IPv6 64 bits; junk → ``""``."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def request_id(request: HttpRequest) -> str:
    """The caller's ``X-Request-ID`` when well-formed, else one made for this request (kept on it, so all
    entries of one request share it)."""
    existing = getattr(request, "_audit_request_id", None)
    if existing:
        return str(existing)
    given = request.headers.get(REQUEST_ID_HEADER, "").strip()
    value = given if _REQUEST_ID_RE.fullmatch(given) else uuid.uuid4().hex
    request._audit_request_id = value  # type: ignore[attr-defined]
    return value


def role_label(user: Any, roles: Iterable[str]) -> str:
    """``superuser`` for a superuser, else the role codes sorted and comma-separated."""
    if getattr(user, "is_superuser", False):
        return "superuser"
    return ",".join(sorted(set(roles)))


def ensure_audit_head(*, using: str = "default") -> None:
    """Create the chain's head row if it is missing, continuing from the last entry (never a restart)."""
    if AuditHead._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back before the audit log
    if AuditHead.objects.using(using).filter(pk=1).exists():
        return
    last = AuditEntry.objects.using(using).order_by("-sequence").values("sequence", "hash").first()
    try:
        with transaction.atomic(using=using):
            AuditHead.objects.using(using).create(
                pk=1,
                sequence=last["sequence"] if last else 0,
                hash=last["hash"] if last else GENESIS_HASH,
            )
    except IntegrityError:  # another process created it first
        pass


def _locked_head() -> AuditHead:
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    ensure_audit_head()  # the head row was lost: continue from the last entry
    return AuditHead.objects.select_for_update().get(pk=1)


def audit_record(
    *,
    action: str,
    actor: Any = None,
    actor_role: str = "",
    object_type: str = "",
    object_id: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Append one entry to the chain and return it.

    ``actor`` is the user (``None`` or anonymous: a system operation). ``details`` must hold no personal data
    in clear (pass masked values) and only JSON-safe types. ``request`` gives the request id and the masked
    source network. Runs in its own transaction (a savepoint when called inside one).
    """
    details = dict(details or {})
    _json_safe(details)
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        occurred_at=at or timezone.now(),
        actor=user,
        actor_username=user.get_username() if user is not None else "",
        actor_role=actor_role if user is not None else (actor_role or "system"),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=details,
    )
    if request is not None:
        entry.request_id = request_id(request)
        entry.ip_address = mask_ip(request.META.get("REMOTE_ADDR", ""))
    with transaction.atomic():
        head = _locked_head()
        entry.sequence = head.sequence + 1
        entry.prev_hash = head.hash
        entry.hash = entry_hash(entry)
        entry.save()
        AuditHead.objects.filter(pk=1).update(sequence=entry.sequence, hash=entry.hash)
    return entry


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`audit_verify`."""

    ok: bool
    count: int
    last_sequence: int
    last_hash: str
    broken_sequence: int | None = None
    reason: str = ""


def audit_verify(*, chunk_size: int = 2000) -> VerifyResult:
    """Walk the whole chain in sequence order; stop at the first entry that does not verify."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    count = 0

    def broken(sequence: int, reason: str) -> VerifyResult:
        return VerifyResult(False, count, expected_sequence - 1, expected_prev, sequence, reason)

    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        if entry.sequence != expected_sequence:
            return broken(
                expected_sequence, f"缺少第 {expected_sequence} 条（下一条是第 {entry.sequence} 条）"
            )
        if entry.prev_hash != expected_prev:
            return broken(entry.sequence, "prev_hash 与上一条的哈希不一致（记录被替换或重排）")
        if entry_hash(entry) != entry.hash:
            return broken(entry.sequence, "哈希不符（记录内容被修改）")
        count += 1
        expected_prev = entry.hash
        expected_sequence += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence, head.hash) != (count, expected_prev):
        return broken(
            count + 1,
            f"链头为第 {head.sequence} 条，日志最后一条是第 {count} 条（末尾记录被删除或链头被改动）",
        )
    return VerifyResult(True, count, count, expected_prev)


def audit_staff_read(
    request: HttpRequest,
    *,
    action: str,
    roles: Iterable[str],
    object_type: str,
    object_id: str,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Log that the signed-in staff member of ``request`` read a full record through ``roles``."""
    return audit_record(
        action=action,
        actor=request.user,
        actor_role=role_label(request.user, roles),
        object_type=object_type,
        object_id=object_id,
        details=details,
        request=request,
    )


class AuditedChangeViewMixin:
    """For a ``ModelAdmin``: log every successful GET of an object's change (or read-only) page, which shows
    the full record. Set ``audit_action`` and ``audit_object_type``; the object id is its primary key."""

    audit_action = ""
    audit_object_type = ""

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        if request.method == "GET" and response.status_code == 200:
            audit_staff_read(
                request,
                action=self.audit_action,
                roles=["admin_site"],
                object_type=self.audit_object_type,
                object_id=self.audit_object_id(unquote(object_id)),
            )
        return response

    def audit_object_id(self, pk: str) -> str:
        return pk
