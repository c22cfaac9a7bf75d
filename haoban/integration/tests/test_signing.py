"""HMAC-SM3 and the canonical string (haoban.integration.signing)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from haoban.core.crypto import sm3_hex
from haoban.integration import signing

# GM/T 0042-2015 Appendix D.3 (HMAC-SM3), and the "Hi There" case of Bouncy Castle's HMacTest.
VECTORS = [
    (
        bytes(range(1, 33)),
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" * 2,
        "ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a",
    ),
    (
        bytes(range(1, 38)),
        b"\xcd" * 50,
        "220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae",
    ),
    (b"\x0b" * 20, b"Hi There", "51b00d1fb49832bfb01c3ce27848e59f871d9ba938dc563b338ca964755cce70"),
]


def rfc2104_hmac_sm3(key: bytes, message: bytes) -> bytes:
    """HMAC written out per RFC 2104 (block 64 bytes), independent of Python's hmac module."""
    if len(key) > 64:
        key = bytes.fromhex(sm3_hex(key))
    key = key.ljust(64, b"\x00")
    inner = bytes.fromhex(sm3_hex(bytes(b ^ 0x36 for b in key) + message))
    return bytes.fromhex(sm3_hex(bytes(b ^ 0x5C for b in key) + inner))


@pytest.mark.parametrize(("key", "message", "expected"), VECTORS)
def test_hmac_sm3_matches_published_vectors(key, message, expected):
    assert signing.hmac_sm3(key, message).hex() == expected
    assert rfc2104_hmac_sm3(key, message).hex() == expected


@pytest.mark.parametrize("key_length", [0, 1, 63, 64, 65, 200])
def test_hmac_sm3_agrees_with_rfc2104_for_every_key_length(key_length):
    key = bytes(range(key_length % 256)) * (key_length // 256 + 1)
    key = key[:key_length]
    message = "办件编号 350300202612010000017".encode()
    assert signing.hmac_sm3(key, message) == rfc2104_hmac_sm3(key, message)
    if "sm3" in hashlib.algorithms_available:  # OpenSSL's own HMAC-SM3, when the build has SM3
        assert signing.hmac_sm3(key, message) == hmac.new(key, message, "sm3").digest()


def test_sm3_hash_adapter_is_reusable_after_digest():
    h = signing.SM3Hash(b"abc")
    first = h.hexdigest()
    h.update(b"def")
    assert first == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert h.hexdigest() == sm3_hex(b"abcdef")


def test_canonical_string_has_five_lines_and_no_question_mark_without_query():
    body = b'{"action":"accept"}'
    assert signing.canonical_string(
        method="post",
        path="/api/v1/integration/cases/1/events/",
        query="",
        timestamp="1796000000",
        nonce="n1",
        body=body,
    ) == "\n".join(["POST", "/api/v1/integration/cases/1/events/", "1796000000", "n1", sm3_hex(body)])
    assert (
        signing.canonical_string(
            method="GET",
            path="/api/v1/integration/cases/",
            query="page=2",
            timestamp="1",
            nonce="n",
            body=b"",
        ).split("\n")[1]
        == "/api/v1/integration/cases/?page=2"
    )


def test_sign_request_headers_and_known_signature():
    # given: a fixed secret, time and nonce (the example of docs/integration.md)
    headers = signing.sign_request(
        client_id="hbc_example",
        secret="hbs_example-secret",
        method="GET",
        url="http://127.0.0.1:8000/api/v1/integration/cases/?updated_since=2026-12-01T00:00:00%2B08:00",
        timestamp=1796000000,
        nonce="0f8c1e4a5b6d7e8f9a0b1c2d3e4f5a6b",
    )
    canonical = (
        "GET\n/api/v1/integration/cases/?updated_since=2026-12-01T00:00:00%2B08:00\n1796000000\n"
        "0f8c1e4a5b6d7e8f9a0b1c2d3e4f5a6b\n1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
    )
    assert headers == {
        "X-Haoban-Client": "hbc_example",
        "X-Haoban-Timestamp": "1796000000",
        "X-Haoban-Nonce": "0f8c1e4a5b6d7e8f9a0b1c2d3e4f5a6b",
        "X-Haoban-Signature": rfc2104_hmac_sm3(b"hbs_example-secret", canonical.encode()).hex(),
    }


def test_verify_headers_accepts_own_signature_and_rejects_changes():
    url = "http://receiver.example/hook?x=1"
    headers = signing.sign_request(
        client_id="c", secret="s", method="POST", url=url, body=b"{}", timestamp=1000, nonce="n"
    )
    assert signing.verify_headers(secret="s", method="POST", url=url, body=b"{}", headers=headers, now=1000)
    assert not signing.verify_headers(
        secret="s", method="POST", url=url, body=b"{ }", headers=headers, now=1000
    )
    assert not signing.verify_headers(
        secret="t", method="POST", url=url, body=b"{}", headers=headers, now=1000
    )
    assert not signing.verify_headers(
        secret="s", method="POST", url=url, body=b"{}", headers=headers, now=1301
    )
    assert not signing.verify_headers(secret="s", method="POST", url=url, body=b"{}", headers={}, now=1000)


def test_signatures_match_is_case_insensitive_and_rejects_garbage():
    assert signing.signatures_match("ab" * 32, ("AB" * 32) + " ")
    assert not signing.signatures_match("ab" * 32, "签名")
    assert not signing.signatures_match("ab" * 32, "ab" * 31)
