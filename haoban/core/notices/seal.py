"""A notice's SM3 digest and detached SM2withSM3 electronic seal over the exact PDF bytes."""

from __future__ import annotations

import dataclasses

from haoban.core import crypto


@dataclasses.dataclass(frozen=True)
class NoticeSignature:
    """A detached electronic seal over the exact PDF bytes, stored next to the PDF.

    ``digest`` is the SM3 of the PDF (fixity, archives); ``signature`` the DER SM2withSM3 signature of the PDF
    (user ID 1234567812345678); ``signer_key_id`` the SM3 of the signing public key, so that a verifier
    picks the right key after a rotation.
    """

    digest: str
    signature: bytes
    signer_key_id: str
    algorithm: str = crypto.SM2_WITH_SM3
    algorithm_oid: str = crypto.SM2_WITH_SM3_OID


def notice_digest(pdf_bytes: bytes) -> str:
    """SM3 of the PDF, hex."""
    return crypto.sm3_hex(pdf_bytes)


def sign_notice(pdf_bytes: bytes, *, private_key: crypto.SM2PrivateKey | None = None) -> NoticeSignature:
    """Seal a rendered notice with the platform's SM2 key (``HAOBAN_SM2_KEY_FILE``) or ``private_key``."""
    key = private_key if private_key is not None else crypto.signing_key()
    return NoticeSignature(
        digest=notice_digest(pdf_bytes),
        signature=crypto.sm2_sign(key, pdf_bytes),
        signer_key_id=crypto.sm2_key_id(key.public_key()),
    )


def verify_notice(
    pdf_bytes: bytes, seal: NoticeSignature, *, public_key: crypto.SM2PublicKey | None = None
) -> bool:
    """True when ``pdf_bytes`` is exactly what was sealed: the digest matches, the key is the one named by
    ``seal.signer_key_id``, and the signature verifies. ``public_key`` defaults to the platform's key."""
    key = public_key if public_key is not None else crypto.signing_public_key()
    return (
        seal.algorithm_oid == crypto.SM2_WITH_SM3_OID
        and notice_digest(pdf_bytes) == seal.digest
        and crypto.sm2_key_id(key) == seal.signer_key_id
        and crypto.sm2_verify(key, pdf_bytes, seal.signature)
    )
