"""HMAC-SM3 request signing for department systems (Issue 3 §7; docs/integration.md).

Every request of a department system, and every webhook Haoban sends to one, carries four headers::

    X-Haoban-Client:    hbc_…                         the client id
    X-Haoban-Timestamp: 1796000000                    Unix seconds; accepted within ±300 s
    X-Haoban-Nonce:     4f1c…                         random, never reused by a client within 10 minutes
    X-Haoban-Signature: 64 lowercase hex digits       HMAC-SM3(secret, canonical string)

The canonical string is five lines joined by ``\\n`` (no trailing newline)::

    METHOD            upper case: GET, POST
    PATH?QUERY        the path and query exactly as sent; just PATH when there is no query string
    TIMESTAMP         the X-Haoban-Timestamp value
    NONCE             the X-Haoban-Nonce value
    SM3(body) hex     of the raw body bytes (of the empty string for a GET)

The key is the client secret's UTF-8 bytes. HMAC is RFC 2104 over SM3 (block 64 bytes, output 32 bytes),
as specified by GM/T 0042-2015; national algorithms are the default (legal-rules.md §2, GB/T 39786).
Python's :mod:`hmac` builds it from :class:`SM3Hash`, an adapter over ``tongsuopy``'s SM3.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from tongsuopy.crypto import hashes

HEADER_CLIENT = "X-Haoban-Client"
HEADER_TIMESTAMP = "X-Haoban-Timestamp"
HEADER_NONCE = "X-Haoban-Nonce"
HEADER_SIGNATURE = "X-Haoban-Signature"
HEADER_DELIVERY = "X-Haoban-Delivery"

TIMESTAMP_TOLERANCE_SECONDS = 300
NONCE_RETENTION_SECONDS = 600
NONCE_MAX_LENGTH = 64


class SM3Hash:
    """SM3 with the interface :mod:`hmac` expects of a ``digestmod`` (``hashlib``-like)."""

    name = "sm3"
    digest_size = 32
    block_size = 64

    def __init__(self, data: bytes = b"", *, _context: Any = None) -> None:
        self._context = _context if _context is not None else hashes.Hash(hashes.SM3())
        if data:
            self._context.update(data)

    def update(self, data: bytes) -> None:
        self._context.update(data)

    def copy(self) -> SM3Hash:
        return SM3Hash(_context=self._context.copy())

    def digest(self) -> bytes:
        # finalize() ends a context; finalize a copy so the object stays usable, like hashlib's.
        return bytes(self._context.copy().finalize())

    def hexdigest(self) -> str:
        return self.digest().hex()


def sm3_hex(data: bytes) -> str:
    return SM3Hash(data).hexdigest()


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    """HMAC-SM3 (RFC 2104 with SM3; GM/T 0042-2015)."""
    return hmac.new(key, message, SM3Hash).digest()


def canonical_string(*, method: str, path: str, query: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The text that is signed (see the module docstring)."""
    target = f"{path}?{query}" if query else path
    return "\n".join([method.upper(), target, timestamp, nonce, sm3_hex(body)])


def signature(secret: str, canonical: str) -> str:
    """HMAC-SM3 of the canonical string with the client secret, as 64 lowercase hex digits."""
    return hmac_sm3(secret.encode("utf-8"), canonical.encode("utf-8")).hex()


def signatures_match(expected: str, given: str) -> bool:
    """Constant-time comparison (the time taken does not reveal how many characters match)."""
    return hmac.compare_digest(
        expected.encode("ascii", "replace"), given.strip().lower().encode("ascii", "replace")
    )


def new_nonce() -> str:
    return secrets.token_hex(16)


def sign_request(
    *,
    client_id: str,
    secret: str,
    method: str,
    url: str,
    body: bytes = b"",
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The four signature headers of a request to ``url`` (absolute, or a path with its query string)."""
    parts = urlsplit(url)
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or new_nonce()
    canonical = canonical_string(
        method=method, path=parts.path or "/", query=parts.query, timestamp=ts, nonce=nonce, body=body
    )
    return {
        HEADER_CLIENT: client_id,
        HEADER_TIMESTAMP: ts,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: signature(secret, canonical),
    }


def verify_headers(
    *, secret: str, method: str, url: str, body: bytes, headers: Mapping[str, str], now: float | None = None
) -> bool:
    """True when ``headers`` carry a valid, current signature of the request (for webhook receivers and
    tests; the API's own check, with nonce replay protection, is ``HmacClientAuthentication``)."""
    try:
        ts = int(headers[HEADER_TIMESTAMP])
        nonce, given = headers[HEADER_NONCE], headers[HEADER_SIGNATURE]
    except (KeyError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - ts) > TIMESTAMP_TOLERANCE_SECONDS:
        return False
    parts = urlsplit(url)
    canonical = canonical_string(
        method=method, path=parts.path or "/", query=parts.query, timestamp=str(ts), nonce=nonce, body=body
    )
    return signatures_match(signature(secret, canonical), given)
