"""National cryptography (国密) over ``tongsuopy``: SM3 digests, SM2 signatures, SM4 field encryption.

GB/T 39786 makes the national algorithms the default; legal-rules.md §2 (电子印章, GB/T 38540) asks for
SM2 signatures with SM3 (``SM2WithSM3``, OID 1.2.156.10197.1.501) and SM3 hashes.

- **SM3** (GB/T 32905): :func:`sm3_hex`, :func:`sm3_file` (streaming).
- **SM2** (GB/T 32918): :func:`sm2_generate_private_key`, PEM load/save, :func:`sm2_sign`,
  :func:`sm2_verify`. ``tongsuopy`` signs SM2withSM3 with the user ID ``1234567812345678`` of GM/T 0009
  (Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), e = SM3(Z ‖ M)); its API has no way to set another ID,
  and ``tests/test_crypto.py`` checks the Z computation independently. Signatures are DER
  ``SEQUENCE { r INTEGER, s INTEGER }`` (GB/T 35276), the form other 国密 tools read.
- **SM4** (GB/T 32907) in GCM mode (authenticated, GB/T 36624 / RFC 8998): :func:`sm4_encrypt`,
  :func:`sm4_decrypt` turn a text field into a self-describing token and back.

Keys come from the environment; the embedded default (``make run``) generates them into ``./var`` on first
use, like ``SECRET_KEY`` in ``haoban/settings.py``:

- ``HAOBAN_SM4_KEY``: 32 hex digits (128 bits), the current field-encryption key; default
  ``var/sm4_field_key`` (0600). ``HAOBAN_SM4_OLD_KEYS``: comma-separated hex keys still accepted for
  decryption during a key rotation.
- ``HAOBAN_SM2_KEY_FILE``: PEM (PKCS#8) SM2 private key for the platform's electronic seal; default
  ``var/sm2_signing_key.pem`` (0600). ``HAOBAN_SM2_KEY_PASSWORD``: its passphrase, when it is encrypted.
  A configured file that does not exist is an error (a new key is generated only for the default path).

See docs/crypto.md.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TypeAlias

from tongsuopy.crypto import hashes, serialization
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.ciphers.aead import SM4GCM
from tongsuopy.crypto.exceptions import InternalError, InvalidSignature, InvalidTag

SM2_WITH_SM3 = "SM2WithSM3"
SM2_WITH_SM3_OID = "1.2.156.10197.1.501"
SM3_OID = "1.2.156.10197.1.401"
# GM/T 0009-2012 §10: the default signer ID when the parties agree on no other. tongsuopy uses it.
SM2_DEFAULT_USER_ID = b"1234567812345678"
# Order n of the SM2 curve's base point (GB/T 32918.5).
_SM2_N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)

SM4_KEY_BYTES = 16
_GCM_NONCE_BYTES = 12
# token = "sm4gcm1" "$" key id "$" base64url(nonce ‖ ciphertext ‖ tag)
_TOKEN_PREFIX = "sm4gcm1"
_KEY_ID_CHARS = 8

SM2PrivateKey: TypeAlias = ec.EllipticCurvePrivateKey
SM2PublicKey: TypeAlias = ec.EllipticCurvePublicKey


class CryptoConfigurationError(RuntimeError):
    """A key in the environment is missing or malformed (the message is for the operator, in Chinese)."""


class DecryptionError(ValueError):
    """A token could not be decrypted: tampered, truncated, made with an unknown key or for another field."""


# --- SM3 ---------------------------------------------------------------------------------------------------


def sm3_digest(data: bytes) -> bytes:
    """SM3 of ``data`` (32 bytes)."""
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def sm3_hex(data: bytes) -> str:
    """SM3 of ``data`` as 64 lowercase hex digits."""
    return sm3_digest(data).hex()


def sm3_file(path: str | os.PathLike[str], *, chunk_size: int = 1 << 20) -> str:
    """SM3 of a file's content as hex, read in chunks (materials and archive packages may be large)."""
    h = hashes.Hash(hashes.SM3())
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_size):
            h.update(chunk)
    return h.finalize().hex()


# --- SM2 ---------------------------------------------------------------------------------------------------


def sm2_generate_private_key() -> SM2PrivateKey:
    """A new SM2 private key (curve sm2p256v1 of GB/T 32918.5)."""
    return ec.generate_private_key(ec.SM2())


def sm2_private_key_to_pem(private_key: SM2PrivateKey, *, password: bytes | None = None) -> bytes:
    """PKCS#8 PEM of an SM2 private key, encrypted with ``password`` when given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def sm2_public_key_to_pem(public_key: SM2PublicKey) -> bytes:
    """SubjectPublicKeyInfo PEM of an SM2 public key."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _require_sm2(key: SM2PrivateKey | SM2PublicKey) -> None:
    if not isinstance(key.curve, ec.SM2):  # pragma: no cover - tongsuopy only loads SM2 EC keys
        raise ValueError("不是 SM2 密钥")


def sm2_load_private_key_pem(pem: bytes, *, password: bytes | None = None) -> SM2PrivateKey:
    """Load an SM2 private key from PEM (PKCS#8 or SEC1). Raises ``ValueError`` on anything else."""
    key = serialization.load_pem_private_key(pem, password=password)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("PEM 中不是 SM2 私钥")
    _require_sm2(key)
    return key


def sm2_load_public_key_pem(pem: bytes) -> SM2PublicKey:
    """Load an SM2 public key from PEM (SubjectPublicKeyInfo). Raises ``ValueError`` on anything else."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("PEM 中不是 SM2 公钥")
    _require_sm2(key)
    return key


def sm2_key_id(public_key: SM2PublicKey) -> str:
    """A stable identifier of a public key: SM3 hex of its DER SubjectPublicKeyInfo.

    Stored next to each signature, so that after a key rotation the verifier knows which key to use.
    """
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return sm3_hex(der)


def _write_private_file(path: Path, content: bytes) -> bool:
    """Create ``path`` (mode 0600) with ``content`` atomically; False if it already exists.

    Written to a temporary file first and then hard-linked into place, so two processes starting at once
    never read a half-written key: one link wins, the loser reads the winner's key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(tmp)


def sm2_save_private_key(
    private_key: SM2PrivateKey, path: str | os.PathLike[str], *, password: bytes | None = None
) -> None:
    """Write the key as PKCS#8 PEM to a new file with mode 0600. Refuses to overwrite an existing file."""
    if not _write_private_file(Path(path), sm2_private_key_to_pem(private_key, password=password)):
        raise FileExistsError(f"密钥文件已存在，不会覆盖：{path}")


def sm2_sign(private_key: SM2PrivateKey, data: bytes) -> bytes:
    """SM2withSM3 signature of ``data`` (user ID 1234567812345678), DER-encoded (r, s).

    The signature is randomised: signing the same data twice gives two different, equally valid
    signatures.
    """
    return private_key.sign(data, ec.ECDSA(hashes.SM3()))


def _der_integer(buf: bytes, pos: int) -> tuple[int, int]:
    """One minimal, positive DER INTEGER at ``pos``: (value, next position); ``ValueError`` otherwise."""
    if pos + 2 > len(buf) or buf[pos] != 0x02:
        raise ValueError("not an INTEGER")
    length = buf[pos + 1]
    start, end = pos + 2, pos + 2 + length
    if not 1 <= length <= 33 or end > len(buf):
        raise ValueError("bad INTEGER length")
    body = buf[start:end]
    if body[0] & 0x80 or (length > 1 and body[0] == 0 and not body[1] & 0x80):
        raise ValueError("negative or non-minimal INTEGER")
    return int.from_bytes(body, "big"), end


def sm2_signature_rs(signature: bytes) -> tuple[int, int]:
    """(r, s) of a DER SM2 signature; ``ValueError`` unless it is exactly one canonical
    ``SEQUENCE { INTEGER r, INTEGER s }`` with 1 ≤ r, s < n."""
    if len(signature) < 8 or signature[0] != 0x30 or signature[1] != len(signature) - 2:
        raise ValueError("SM2 签名不是 DER 编码的 SEQUENCE")
    r, pos = _der_integer(signature, 2)
    s, pos = _der_integer(signature, pos)
    if pos != len(signature) or not (0 < r < _SM2_N and 0 < s < _SM2_N):
        raise ValueError("SM2 签名的 r、s 超出范围")
    return r, s


def sm2_verify(public_key: SM2PublicKey, data: bytes, signature: bytes) -> bool:
    """True when ``signature`` is a valid SM2withSM3 signature of ``data`` by ``public_key``.

    Anything else, including a malformed signature, is False (never an exception): the encoding is checked
    here first because Tongsuo reports some malformed DER as an internal error, not as a bad signature.
    """
    try:
        sm2_signature_rs(signature)
        public_key.verify(signature, data, ec.ECDSA(hashes.SM3()))
    except (InvalidSignature, InternalError, ValueError):
        return False
    return True


# --- SM4 ---------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _sm4_key_id(key: bytes) -> str:
    # Domain-separated so the id reveals nothing usable about the key. Cached: asked on every field read.
    return sm3_hex(b"haoban-sm4-key-id\x00" + key)[:_KEY_ID_CHARS]


def _check_sm4_key(key: bytes) -> None:
    if len(key) != SM4_KEY_BYTES:
        raise ValueError(f"SM4 密钥必须是 {SM4_KEY_BYTES} 字节（128 位），实际 {len(key)} 字节")


def sm4_generate_key() -> bytes:
    """A new random 128-bit SM4 key."""
    return secrets.token_bytes(SM4_KEY_BYTES)


def sm4_encrypt(key: bytes, plaintext: str, *, context: str = "") -> str:
    """Encrypt a text field with SM4-GCM (random 96-bit nonce, 128-bit tag) into an ASCII token.

    ``context`` is authenticated but not stored (GCM associated data): pass e.g. ``"accounts.User.id_number"``
    so that a token copied into another field does not decrypt there. The token names the key it was made
    with (an 8-hex-digit key id), so old tokens stay readable during a key rotation.
    """
    _check_sm4_key(key)
    nonce = secrets.token_bytes(_GCM_NONCE_BYTES)
    sealed = SM4GCM(key).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
    return f"{_TOKEN_PREFIX}${_sm4_key_id(key)}${body}"


def sm4_decrypt(key: bytes | Iterable[bytes], token: str, *, context: str = "") -> str:
    """The plaintext of a token made by :func:`sm4_encrypt` with ``context``.

    ``key`` is one key or several (current first, then retired ones); the token's key id picks the key.
    Raises :class:`DecryptionError` when the token is malformed, was made with none of the keys, was
    modified, or belongs to another ``context``.
    """
    keys = [key] if isinstance(key, bytes | bytearray) else list(key)
    for k in keys:
        _check_sm4_key(bytes(k))
    parts = token.split("$")
    if len(parts) != 3 or parts[0] != _TOKEN_PREFIX:
        raise DecryptionError("密文格式不正确（不是 sm4gcm1 令牌）")
    _, key_id, body = parts
    matching = [bytes(k) for k in keys if _sm4_key_id(bytes(k)) == key_id]
    if not matching:
        raise DecryptionError(f"没有可用于解密的 SM4 密钥（密钥标识 {key_id}）")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError("密文格式不正确（Base64 解码失败）") from exc
    if len(raw) < _GCM_NONCE_BYTES + 16:
        raise DecryptionError("密文格式不正确（长度不足）")
    nonce, sealed = raw[:_GCM_NONCE_BYTES], raw[_GCM_NONCE_BYTES:]
    for k in matching:  # two keys with one id: astronomically unlikely, but try both rather than fail
        try:
            plain = SM4GCM(k).decrypt(nonce, sealed, context.encode("utf-8"))
        except InvalidTag:
            continue
        return plain.decode("utf-8")
    raise DecryptionError("密文校验失败：已被篡改，或不属于该字段")


# --- keys from the environment -----------------------------------------------------------------------------


def var_dir() -> Path:
    """Where the embedded default keeps generated keys: ``settings.VAR_DIR`` (``HAOBAN_VAR_DIR``)."""
    from django.conf import settings

    return Path(settings.VAR_DIR)


def _parse_hex_key(value: str, name: str) -> bytes:
    try:
        key = bytes.fromhex(value.strip())
    except ValueError as exc:
        raise CryptoConfigurationError(f"{name} 不是十六进制字符串") from exc
    if len(key) != SM4_KEY_BYTES:
        raise CryptoConfigurationError(f"{name} 必须是 32 位十六进制数（128 位 SM4 密钥）")
    return key


def field_encryption_key() -> bytes:
    """The current SM4 key: ``HAOBAN_SM4_KEY`` (hex), else ``var/sm4_field_key``, generated on first use."""
    value = os.environ.get("HAOBAN_SM4_KEY", "").strip()
    if value:
        return _parse_hex_key(value, "HAOBAN_SM4_KEY")
    path = var_dir() / "sm4_field_key"
    if not path.exists():
        _write_private_file(path, (sm4_generate_key().hex() + "\n").encode("ascii"))
    return _key_file(path)


_key_files: dict[Path, tuple[tuple[int, int], bytes]] = {}


def _key_file(path: Path) -> bytes:
    """The key in ``path``, read again only when the file changes (every field read and write asks)."""
    info = path.stat()
    stamp = (info.st_mtime_ns, info.st_size)
    cached = _key_files.get(path)
    if cached is None or cached[0] != stamp:
        cached = _key_files[path] = (stamp, _parse_hex_key(path.read_text(), str(path)))
    return cached[1]


def token_key_id(token: str) -> str:
    """The key id a token names (``""`` when it is not an SM4 token)."""
    parts = token.split("$")
    return parts[1] if len(parts) == 3 and parts[0] == _TOKEN_PREFIX else ""


def current_key_id() -> str:
    """The key id of :func:`field_encryption_key`: tokens naming another key are due for re-encryption."""
    return _sm4_key_id(field_encryption_key())


def field_decryption_keys() -> list[bytes]:
    """The current key, then the retired keys of ``HAOBAN_SM4_OLD_KEYS`` (comma-separated hex)."""
    old = [v for v in os.environ.get("HAOBAN_SM4_OLD_KEYS", "").split(",") if v.strip()]
    return [field_encryption_key(), *(_parse_hex_key(v, "HAOBAN_SM4_OLD_KEYS") for v in old)]


def encrypt_field(plaintext: str, *, context: str) -> str:
    """Encrypt a sensitive field at rest with the configured SM4 key (see :func:`sm4_encrypt`)."""
    return sm4_encrypt(field_encryption_key(), plaintext, context=context)


def decrypt_field(token: str, *, context: str) -> str:
    """Decrypt a field encrypted by :func:`encrypt_field`, with the current or a retired key."""
    return sm4_decrypt(field_decryption_keys(), token, context=context)


# --- blind index -------------------------------------------------------------------------------------------

BLIND_INDEX_KEY_BYTES = 32
_SM3_BLOCK_BYTES = 64


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    """HMAC-SM3 (RFC 2104 over SM3, GM/T 0042-2015): SM3((K ⊕ opad) ‖ SM3((K ⊕ ipad) ‖ m))."""
    if len(key) > _SM3_BLOCK_BYTES:
        key = sm3_digest(key)
    key = key.ljust(_SM3_BLOCK_BYTES, b"\x00")
    inner = sm3_digest(bytes(b ^ 0x36 for b in key) + message)
    return sm3_digest(bytes(b ^ 0x5C for b in key) + inner)


def blind_index_key() -> bytes:
    """The blind-index key: ``HAOBAN_BLIND_INDEX_KEY`` (64 hex digits), else ``var/blind_index_key``,
    generated on first use. Separate from the SM4 key: the index must stay stable across SM4 rotations."""
    value = os.environ.get("HAOBAN_BLIND_INDEX_KEY", "").strip()
    name = "HAOBAN_BLIND_INDEX_KEY"
    if not value:
        path = var_dir() / "blind_index_key"
        if not path.exists():
            _write_private_file(path, (secrets.token_hex(BLIND_INDEX_KEY_BYTES) + "\n").encode("ascii"))
        value, name = path.read_text().strip(), str(path)
    try:
        key = bytes.fromhex(value)
    except ValueError as exc:
        raise CryptoConfigurationError(f"{name} 不是十六进制字符串") from exc
    if len(key) != BLIND_INDEX_KEY_BYTES:
        raise CryptoConfigurationError(f"{name} 必须是 64 位十六进制数（256 位 HMAC-SM3 密钥）")
    return key


def blind_index(value: str, *, context: str) -> str:
    """A keyed digest of ``value`` for equality lookups on an encrypted column: hex HMAC-SM3 of
    ``context ‖ 0x00 ‖ value`` (UTF-8) with :func:`blind_index_key`; ``""`` for an empty value. Normalise
    ``value`` first: equal inputs give equal indexes, nothing else about the value can be read from it."""
    if not value:
        return ""
    return hmac_sm3(blind_index_key(), context.encode("utf-8") + b"\x00" + value.encode("utf-8")).hex()


def signing_key_path() -> Path:
    """``HAOBAN_SM2_KEY_FILE``, else ``var/sm2_signing_key.pem``."""
    configured = os.environ.get("HAOBAN_SM2_KEY_FILE", "").strip()
    return Path(configured).expanduser() if configured else var_dir() / "sm2_signing_key.pem"


def signing_key() -> SM2PrivateKey:
    """The platform's SM2 seal key. The default file is generated (0600) on first use; a configured
    ``HAOBAN_SM2_KEY_FILE`` that does not exist is an error, never silently replaced by a new key."""
    configured = bool(os.environ.get("HAOBAN_SM2_KEY_FILE", "").strip())
    password = os.environ.get("HAOBAN_SM2_KEY_PASSWORD", "").encode("utf-8") or None
    path = signing_key_path()
    if not path.exists():
        if configured:
            raise CryptoConfigurationError(f"未找到 SM2 签名密钥文件：{path}（请检查 HAOBAN_SM2_KEY_FILE）")
        _write_private_file(path, sm2_private_key_to_pem(sm2_generate_private_key(), password=password))
    try:
        return sm2_load_private_key_pem(path.read_bytes(), password=password)
    except (ValueError, TypeError) as exc:
        raise CryptoConfigurationError(
            f"无法读取 SM2 签名密钥：{path}（格式不正确或口令 HAOBAN_SM2_KEY_PASSWORD 不对）"
        ) from exc


def signing_public_key() -> SM2PublicKey:
    """The public half of :func:`signing_key`, for verifiers."""
    return signing_key().public_key()
