"""Writes of the integration app: clients (create, revoke, reset the secret), nonces, last use.

Bad input raises ``django.core.exceptions.ValidationError`` with Chinese messages keyed by field; nothing
is written then.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haoban.core.crypto import decrypt_field, encrypt_field
from haoban.organization.models import Department

from .models import SECRET_CONTEXT, IntegrationClient, UsedNonce
from .signing import NONCE_RETENTION_SECONDS

CLIENT_ID_PREFIX = "hbc_"
SECRET_PREFIX = "hbs_"


@dataclass(frozen=True)
class IssuedClient:
    """A client and its secret in clear text: shown once, never stored or retrievable again."""

    client: IntegrationClient
    secret: str


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def client_secret(client: IntegrationClient) -> str:
    """The clear secret, for signing webhooks and checking signatures (never displayed)."""
    return decrypt_field(client.secret_encrypted, context=SECRET_CONTEXT)


def department_by_code(code: str) -> Department:
    """The department with this 统一社会信用代码; ``ValidationError`` when there is none."""
    code = (code or "").strip().upper()
    department = Department.objects.filter(uscc=code).first()
    if department is None:
        raise ValidationError({"department": [f"未找到统一社会信用代码为“{code}”的部门"]})
    return department


def integration_client_create(
    *, department: Department, name: str = "", webhook_url: str = ""
) -> IssuedClient:
    """A new active client of ``department`` with a new random secret, and its service account."""
    name = (name or "").strip() or f"{department.short_name or department.name}业务系统"
    client_id = CLIENT_ID_PREFIX + secrets.token_hex(12)
    secret = _new_secret()
    client = IntegrationClient(
        client_id=client_id,
        department=department,
        name=name,
        webhook_url=(webhook_url or "").strip(),
        secret_encrypted=encrypt_field(secret, context=SECRET_CONTEXT),
    )
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=client_id, display_name=f"部门系统：{name}"[:100], password=None
        )
        client.service_user = user
        client.full_clean()
        client.save()
    return IssuedClient(client=client, secret=secret)


def integration_client_reset_secret(*, client: IntegrationClient) -> IssuedClient:
    """A new secret; the old one stops working at once (requests and webhooks)."""
    secret = _new_secret()
    client.secret_encrypted = encrypt_field(secret, context=SECRET_CONTEXT)
    client.save(update_fields=["secret_encrypted"])
    return IssuedClient(client=client, secret=secret)


def integration_client_revoke(
    *, client: IntegrationClient, at: dt.datetime | None = None
) -> IntegrationClient:
    """Stop the client: its requests are refused and no webhook is sent to it any more."""
    if client.active:
        client.active = False
        client.revoked_at = at or timezone.now()
        client.save(update_fields=["active", "revoked_at"])
    return client


def integration_client_touch(*, client: IntegrationClient, at: dt.datetime) -> None:
    """Record the time of the client's last authenticated request."""
    IntegrationClient.objects.filter(pk=client.pk).update(last_used_at=at)
    client.last_used_at = at


def nonce_use(*, client: IntegrationClient, nonce: str, at: dt.datetime) -> bool:
    """Record ``nonce`` as used by ``client``; False when it was already used (a replay).

    The unique (client, nonce) constraint decides, so two concurrent requests with one nonce cannot both
    pass. Nonces are kept ``NONCE_RETENTION_SECONDS``, longer than the ±300 s timestamp window, so a
    request can never be replayed: by the time its nonce is purged its timestamp is out of range.
    """
    cutoff = at - dt.timedelta(seconds=NONCE_RETENTION_SECONDS)
    try:
        with transaction.atomic():
            # Reuse after the retention period is allowed even when the purge tick has not run yet.
            UsedNonce.objects.filter(client=client, nonce=nonce, used_at__lt=cutoff).delete()
            UsedNonce.objects.create(client=client, nonce=nonce, used_at=at)
    except IntegrityError:
        return False
    return True


def nonces_purge(*, now: dt.datetime) -> int:
    """Delete nonces older than the retention period; returns how many."""
    cutoff = now - dt.timedelta(seconds=NONCE_RETENTION_SECONDS)
    deleted, _ = UsedNonce.objects.filter(used_at__lt=cutoff).delete()
    return deleted
