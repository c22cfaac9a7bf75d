"""``HmacClientAuthentication``: DRF authentication of department systems by HMAC-SM3 signed requests.

The scheme is in :mod:`haoban.integration.signing` and docs/integration.md. A request that carries no
``X-Haoban-Client`` header is not for this scheme (``None``: another authenticator may take it). Any other
failure is a 401 with a Chinese message and a specific ``code``; the checks run in this order:

1. all four headers present (``signature_headers_missing``);
2. the client exists and is active (``client_inactive``: 客户端不存在或已停用);
3. the timestamp is within ±300 s of the server's clock (``timestamp_out_of_range``);
4. the signature matches, compared in constant time (``signature_invalid``: 签名无效);
5. the nonce was not used by this client within 10 minutes (``nonce_reused``), recorded only once the
   signature is valid, so nobody can burn a client's nonces.

On success ``request.user`` is the client's service account (it holds no staff role, so it sees nothing
elsewhere in the API) and ``request.auth`` is the :class:`IntegrationClient`.
"""

from __future__ import annotations

import re
import time
from typing import Any

from django.utils import timezone
from django.utils.encoding import escape_uri_path
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from . import services
from .models import IntegrationClient
from .signing import (
    HEADER_CLIENT,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    NONCE_MAX_LENGTH,
    TIMESTAMP_TOLERANCE_SECONDS,
    canonical_string,
    signature,
    signatures_match,
)

SCHEME = "HMAC-SM3"
_NONCE_RE = re.compile(rf"^[A-Za-z0-9_-]{{8,{NONCE_MAX_LENGTH}}}$")
_HEADERS = (HEADER_CLIENT, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE)


class SignatureHeadersMissing(exceptions.AuthenticationFailed):
    default_code = "signature_headers_missing"


class ClientInactive(exceptions.AuthenticationFailed):
    default_detail = "客户端不存在或已停用"
    default_code = "client_inactive"


class TimestampOutOfRange(exceptions.AuthenticationFailed):
    default_detail = "时间戳超出允许范围"
    default_code = "timestamp_out_of_range"


class SignatureInvalid(exceptions.AuthenticationFailed):
    default_detail = "签名无效"
    default_code = "signature_invalid"


class NonceReused(exceptions.AuthenticationFailed):
    default_detail = "请求已使用过（nonce 重复）"
    default_code = "nonce_reused"


class NonceMalformed(exceptions.AuthenticationFailed):
    default_detail = f"X-Haoban-Nonce 须为 8–{NONCE_MAX_LENGTH} 个字母、数字、“-”或“_”"
    default_code = "nonce_malformed"


def _meta_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


class HmacClientAuthentication(BaseAuthentication):
    """Department systems: ``X-Haoban-Client/Timestamp/Nonce/Signature`` (HMAC-SM3)."""

    def authenticate(self, request: Request) -> tuple[Any, IntegrationClient] | None:
        meta = request.META
        values = {header: (meta.get(_meta_key(header)) or "").strip() for header in _HEADERS}
        if not values[HEADER_CLIENT]:
            return None
        missing = [header for header, value in values.items() if not value]
        if missing:
            raise SignatureHeadersMissing(f"缺少签名请求头：{'、'.join(missing)}")
        client = (
            IntegrationClient.objects.select_related("department", "service_user")
            .filter(client_id=values[HEADER_CLIENT])
            .first()
        )
        if client is None or not client.active or not client.service_user.is_active:
            raise ClientInactive()
        timestamp = values[HEADER_TIMESTAMP]
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS:
            raise TimestampOutOfRange()
        nonce = values[HEADER_NONCE]
        if not _NONCE_RE.match(nonce):
            raise NonceMalformed()
        canonical = canonical_string(
            method=request.method or "",
            path=escape_uri_path(request.path),
            query=meta.get("QUERY_STRING", ""),
            timestamp=timestamp,
            nonce=nonce,
            body=request.body,
        )
        if not signatures_match(
            signature(services.client_secret(client), canonical), values[HEADER_SIGNATURE]
        ):
            raise SignatureInvalid()
        now = timezone.now()
        if not services.nonce_use(client=client, nonce=nonce, at=now):
            raise NonceReused()
        services.integration_client_touch(client=client, at=now)
        return client.service_user, client

    def authenticate_header(self, request: Request) -> str:
        # A WWW-Authenticate value makes DRF answer 401 (not 403) to unauthenticated requests.
        return f'{SCHEME} realm="haoban-integration"'
