#!/usr/bin/env python3
"""一网好办 部门系统对接示例客户端 (Haoban integration client example). Python 3.10+, standard library only.

Copy this file into a department system, or run it as it is:

    export HAOBAN_URL=http://127.0.0.1:8000
    export HAOBAN_CLIENT_ID=hbc_…   HAOBAN_SECRET=hbs_…     # from `haoban integration add-client`
    python3 integration_client.py list --updated-since 2026-12-01T00:00:00+08:00
    python3 integration_client.py event 350300202612010000017 accept --occurred-at 2026-12-01T09:30:00+08:00
    python3 integration_client.py event 350300202612010000017 deny --occurred-at 2026-12-10T16:00:00+08:00 \\
        --field reason=经营场所不符合要求

Every request is signed with HMAC-SM3 (docs/integration.md): four headers X-Haoban-Client, -Timestamp,
-Nonce and -Signature over the canonical string ``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nSM3(body)``.
SM3 comes from OpenSSL through ``hashlib`` when the local build has it, else from the small pure-Python
implementation below (GB/T 32905), so the script runs anywhere. :func:`verify_webhook` checks the signature
of a webhook Haoban sends to the department system.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

# --- SM3 (GB/T 32905) ---------------------------------------------------------------------------------

_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)
_MASK = 0xFFFFFFFF


def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _MASK


def _p0(x: int) -> int:
    return x ^ _rotl(x, 9) ^ _rotl(x, 17)


def _p1(x: int) -> int:
    return x ^ _rotl(x, 15) ^ _rotl(x, 23)


def _compress(v: tuple[int, ...], block: bytes) -> tuple[int, ...]:
    w = list(struct.unpack(">16I", block))
    for j in range(16, 68):
        w.append(_p1(w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
    a, b, c, d, e, f, g, h = v
    for j in range(64):
        t = 0x79CC4519 if j < 16 else 0x7A879D8A
        ss1 = _rotl((_rotl(a, 12) + e + _rotl(t, j)) & _MASK, 7)
        ss2 = ss1 ^ _rotl(a, 12)
        if j < 16:
            ff, gg = a ^ b ^ c, e ^ f ^ g
        else:
            ff, gg = (a & b) | (a & c) | (b & c), (e & f) | (~e & _MASK & g)
        tt1 = (ff + d + ss2 + (w[j] ^ w[j + 4])) & _MASK
        tt2 = (gg + h + ss1 + w[j]) & _MASK
        a, b, c, d = tt1, a, _rotl(b, 9), c
        e, f, g, h = _p0(tt2), e, _rotl(f, 19), g
    return tuple(x ^ y for x, y in zip((a, b, c, d, e, f, g, h), v, strict=True))


class PureSM3:
    """SM3 in pure Python with the hashlib interface (used by ``hmac`` as digestmod)."""

    name = "sm3"
    digest_size = 32
    block_size = 64

    def __init__(self, data: bytes = b"") -> None:
        self._v = _IV
        self._buffer = b""
        self._length = 0
        self.update(data)

    def update(self, data: bytes) -> None:
        self._length += len(data)
        data = self._buffer + bytes(data)
        usable = len(data) - len(data) % 64
        for i in range(0, usable, 64):
            self._v = _compress(self._v, data[i : i + 64])
        self._buffer = data[usable:]

    def copy(self) -> PureSM3:
        other = PureSM3()
        other._v, other._buffer, other._length = self._v, self._buffer, self._length
        return other

    def digest(self) -> bytes:
        tail = self._buffer + b"\x80" + b"\x00" * ((55 - len(self._buffer)) % 64)
        tail += struct.pack(">Q", self._length * 8)
        v = self._v
        for i in range(0, len(tail), 64):
            v = _compress(v, tail[i : i + 64])
        return struct.pack(">8I", *v)

    def hexdigest(self) -> str:
        return self.digest().hex()


def _openssl_has_sm3() -> bool:
    try:
        return hashlib.new("sm3", b"abc").hexdigest().startswith("66c7f0f4")
    except ValueError:
        return False


SM3_FROM_OPENSSL = _openssl_has_sm3()


def sm3_hex(data: bytes) -> str:
    if SM3_FROM_OPENSSL:
        return hashlib.new("sm3", data).hexdigest()
    return PureSM3(data).hexdigest()


def hmac_sm3_hex(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, "sm3" if SM3_FROM_OPENSSL else PureSM3).hexdigest()


# --- signing ------------------------------------------------------------------------------------------


def canonical_string(method: str, path: str, query: str, timestamp: str, nonce: str, body: bytes) -> str:
    target = path + "?" + query if query else path
    return "\n".join([method.upper(), target, timestamp, nonce, sm3_hex(body)])


def sign(
    client_id: str,
    secret: str,
    method: str,
    url: str,
    body: bytes = b"",
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The four X-Haoban-* headers of a request to ``url``."""
    parts = urllib.parse.urlsplit(url)
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    canonical = canonical_string(method, parts.path or "/", parts.query, ts, nonce, body)
    return {
        "X-Haoban-Client": client_id,
        "X-Haoban-Timestamp": ts,
        "X-Haoban-Nonce": nonce,
        "X-Haoban-Signature": hmac_sm3_hex(secret.encode("utf-8"), canonical.encode("utf-8")),
    }


def verify_webhook(secret: str, method: str, url: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """For the department system's webhook endpoint: is this delivery really from Haoban, and recent?

    Remember ``X-Haoban-Delivery`` of every delivery handled: a retry carries the same id.
    """
    try:
        ts = int(headers["X-Haoban-Timestamp"])
        nonce, given = headers["X-Haoban-Nonce"], headers["X-Haoban-Signature"]
    except (KeyError, ValueError):
        return False
    if abs(time.time() - ts) > 300:
        return False
    parts = urllib.parse.urlsplit(url)
    canonical = canonical_string(method, parts.path or "/", parts.query, str(ts), nonce, body)
    expected = hmac_sm3_hex(secret.encode("utf-8"), canonical.encode("utf-8"))
    return hmac.compare_digest(expected, given.lower())


# --- calls ----------------------------------------------------------------------------------------------


class Client:
    def __init__(self, base_url: str, client_id: str, secret: str, timeout: float = 10) -> None:
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.secret = secret
        self.timeout = timeout

    def request(self, method: str, path: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
        """(HTTP status, decoded JSON body); errors come back as ``{"code", "message", "fields"}``."""
        url = self.base_url + path
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8") if payload is not None else b""
        headers = sign(self.client_id, self.secret, method, url, body)
        if payload is not None:
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(
            url, data=body if payload is not None else None, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def list_cases(self, updated_since: str | None = None, page: int = 1) -> tuple[int, Any]:
        query = {"page": str(page)}
        if updated_since:
            query["updated_since"] = updated_since
        return self.request("GET", "/api/v1/integration/cases/?" + urllib.parse.urlencode(query))

    def push_event(self, number: str, action: str, occurred_at: str, **fields: Any) -> tuple[int, Any]:
        payload = {"action": action, "occurred_at": occurred_at, **fields}
        return self.request(
            "POST", "/api/v1/integration/cases/" + urllib.parse.quote(number) + "/events/", payload
        )


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description="一网好办 部门系统对接示例客户端")
    parser.add_argument("--base-url", default=os.environ.get("HAOBAN_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--client-id", default=os.environ.get("HAOBAN_CLIENT_ID", ""))
    parser.add_argument("--secret", default=os.environ.get("HAOBAN_SECRET", ""))
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="本部门办件列表")
    p.add_argument("--updated-since")
    p.add_argument("--page", type=int, default=1)
    p = sub.add_parser("event", help="回流一个办件事件")
    p.add_argument("number")
    p.add_argument("action")
    p.add_argument("--occurred-at", required=True)
    p.add_argument(
        "--field", action="append", default=[], metavar="NAME=VALUE", help="其他字段（值可为 JSON）"
    )
    args = parser.parse_args(argv)
    if not args.client_id or not args.secret:
        parser.error("请提供 --client-id 和 --secret（或环境变量 HAOBAN_CLIENT_ID、HAOBAN_SECRET）")
    client = Client(args.base_url, args.client_id, args.secret)
    if args.command == "list":
        status, data = client.list_cases(args.updated_since, args.page)
    else:
        fields: dict[str, Any] = {}
        for item in args.field:
            name, _, value = item.partition("=")
            try:
                fields[name] = json.loads(value)
            except ValueError:
                fields[name] = value
        status, data = client.push_event(args.number, args.action, args.occurred_at, **fields)
    print(json.dumps(data, ensure_ascii=False, indent=2))
    return 0 if 200 <= status < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
