"""SM3, SM2 and SM4 against the standards' test vectors, and key handling from the environment."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from tongsuopy.crypto.ciphers import Cipher, algorithms, modes
from tongsuopy.crypto.ciphers.aead import SM4GCM

from haoban.core import crypto

# --- SM3 (GB/T 32905-2016, appendix A) --------------------------------------------------------------------


def test_sm3_standard_vectors() -> None:
    assert crypto.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert crypto.sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    assert crypto.sm3_hex(b"") == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"


def test_sm3_file_streams_in_chunks(tmp_path: Path) -> None:
    data = bytes(range(256)) * 4099  # not a multiple of the chunk size
    path = tmp_path / "material.bin"
    path.write_bytes(data)

    assert crypto.sm3_file(path, chunk_size=1000) == crypto.sm3_hex(data)
    assert crypto.sm3_file(str(path)) == crypto.sm3_hex(data)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert crypto.sm3_file(empty) == crypto.sm3_hex(b"")


# --- SM4 (GB/T 32907-2016 appendix A; RFC 8998 appendix A.1) ----------------------------------------------


def test_sm4_block_vector_ecb() -> None:
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()

    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_vector_rfc8998() -> None:
    # The same primitive sm4_encrypt uses, checked against the published SM4-GCM vector.
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    iv = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
        "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA"
    )

    sealed = SM4GCM(key).encrypt(iv, plaintext, aad)

    assert sealed[:-16].hex().upper() == (
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    )
    assert sealed[-16:].hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"


KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
OTHER_KEY = bytes.fromhex("ffeeddccbbaa99887766554433221100")
ID_NUMBER = "35030219900101123X"


def test_sm4_token_round_trip_and_shape() -> None:
    token = crypto.sm4_encrypt(KEY, ID_NUMBER, context="accounts.User.id_number")

    prefix, key_id, body = token.split("$")
    assert len(body) == 62  # base64url, unpadded, of 12-byte nonce + 18-byte text + 16-byte tag
    assert prefix == "sm4gcm1"
    assert len(key_id) == 8
    assert ID_NUMBER not in token
    assert token.isascii()
    assert crypto.sm4_decrypt(KEY, token, context="accounts.User.id_number") == ID_NUMBER
    assert crypto.sm4_decrypt(KEY, crypto.sm4_encrypt(KEY, "")) == ""
    assert crypto.sm4_decrypt(KEY, crypto.sm4_encrypt(KEY, "莆田市荔城区镇海街道")) == "莆田市荔城区镇海街道"


def test_sm4_same_plaintext_gives_different_tokens() -> None:
    assert crypto.sm4_encrypt(KEY, ID_NUMBER) != crypto.sm4_encrypt(KEY, ID_NUMBER)


def test_sm4_wrong_key_context_or_tampering_fails() -> None:
    token = crypto.sm4_encrypt(KEY, ID_NUMBER, context="accounts.User.id_number")
    prefix, key_id, body = token.split("$")
    flipped = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]

    with pytest.raises(crypto.DecryptionError, match="没有可用于解密的 SM4 密钥"):
        crypto.sm4_decrypt(OTHER_KEY, token, context="accounts.User.id_number")
    with pytest.raises(crypto.DecryptionError, match="密文校验失败"):
        crypto.sm4_decrypt(KEY, token, context="accounts.User.phone")
    with pytest.raises(crypto.DecryptionError, match="密文校验失败"):
        crypto.sm4_decrypt(KEY, f"{prefix}${key_id}${flipped}", context="accounts.User.id_number")
    with pytest.raises(crypto.DecryptionError, match="长度不足"):
        crypto.sm4_decrypt(KEY, f"{prefix}${key_id}${body[:20]}", context="accounts.User.id_number")
    with pytest.raises(crypto.DecryptionError, match="格式不正确"):
        crypto.sm4_decrypt(KEY, ID_NUMBER)
    with pytest.raises(crypto.DecryptionError, match="Base64"):
        crypto.sm4_decrypt(KEY, f"{prefix}${key_id}$a")


def test_sm4_rejects_keys_of_the_wrong_size() -> None:
    with pytest.raises(ValueError, match="128 位"):
        crypto.sm4_encrypt(b"short", "x")
    with pytest.raises(ValueError, match="128 位"):
        crypto.sm4_decrypt([KEY, b"short"], crypto.sm4_encrypt(KEY, "x"))


def test_sm4_decrypt_picks_the_key_named_by_the_token() -> None:
    old_token = crypto.sm4_encrypt(OTHER_KEY, "旧密钥加密")
    new_token = crypto.sm4_encrypt(KEY, "新密钥加密")

    assert crypto.sm4_decrypt([KEY, OTHER_KEY], old_token) == "旧密钥加密"
    assert crypto.sm4_decrypt([KEY, OTHER_KEY], new_token) == "新密钥加密"


# --- SM2 (GB/T 32918; GM/T 0009 user ID) ------------------------------------------------------------------

# Recommended curve parameters, GB/T 32918.5-2017.
P = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16)
A = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC", 16)
B = int("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93", 16)
N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
G = (
    int("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7", 16),
    int("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0", 16),
)
Point = tuple[int, int] | None


def _add(p: Point, q: Point) -> Point:
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0] and (p[1] + q[1]) % P == 0:
        return None
    if p == q:
        slope = (3 * p[0] * p[0] + A) * pow(2 * p[1], -1, P) % P
    else:
        slope = (q[1] - p[1]) * pow(q[0] - p[0], -1, P) % P
    x = (slope * slope - p[0] - q[0]) % P
    return x, (slope * (p[0] - x) - p[1]) % P


def _mul(k: int, p: Point) -> Point:
    result: Point = None
    while k:
        if k & 1:
            result = _add(result, p)
        p = _add(p, p)
        k >>= 1
    return result


def _textbook_verify(public: tuple[int, int], message: bytes, signature: bytes, user_id: bytes) -> bool:
    """GB/T 32918.2 §7 verification, written out: Z = SM3(ENTL‖ID‖a‖b‖xG‖yG‖xA‖yA), e = SM3(Z‖M)."""
    r, s = crypto.sm2_signature_rs(signature)
    b32 = [v.to_bytes(32, "big") for v in (A, B, G[0], G[1], public[0], public[1])]
    z = crypto.sm3_digest((8 * len(user_id)).to_bytes(2, "big") + user_id + b"".join(b32))
    e = int.from_bytes(crypto.sm3_digest(z + message), "big")
    point = _add(_mul(s, G), _mul((r + s) % N, public))
    return point is not None and (e + point[0]) % N == r


def test_sm2_sign_uses_sm3_and_the_default_user_id() -> None:
    # given
    key = crypto.sm2_generate_private_key()
    numbers = key.public_key().public_numbers()
    message = "受理通知书".encode()

    # when
    signature = crypto.sm2_sign(key, message)

    # then: an independent implementation agrees, with ID 1234567812345678 and with no other
    assert crypto.SM2_DEFAULT_USER_ID == b"1234567812345678"
    assert _textbook_verify((numbers.x, numbers.y), message, signature, b"1234567812345678")
    assert not _textbook_verify((numbers.x, numbers.y), message, signature, b"")
    assert not _textbook_verify((numbers.x, numbers.y), message, signature, b"1234567812345679")


def test_sm2_round_trip_tampering_and_wrong_key() -> None:
    key = crypto.sm2_generate_private_key()
    other = crypto.sm2_generate_private_key()
    data = b"%PDF-1.4 notice"
    signature = crypto.sm2_sign(key, data)

    assert crypto.sm2_verify(key.public_key(), data, signature)
    assert not crypto.sm2_verify(key.public_key(), data + b" ", signature)
    assert not crypto.sm2_verify(key.public_key(), b"%PDF-1.4 notica", signature)
    assert not crypto.sm2_verify(other.public_key(), data, signature)
    # randomised signatures: both verify
    assert crypto.sm2_sign(key, data) != signature
    assert crypto.sm2_verify(key.public_key(), data, crypto.sm2_sign(key, data))


def test_sm2_malformed_signatures_are_false_not_errors() -> None:
    key = crypto.sm2_generate_private_key()
    signature = crypto.sm2_sign(key, b"x")
    r, s = crypto.sm2_signature_rs(signature)

    def der(*ints: bytes) -> bytes:
        body = b"".join(b"\x02" + bytes([len(i)]) + i for i in ints)
        return b"\x30" + bytes([len(body)]) + body

    def positive(value: int) -> bytes:
        return value.to_bytes(value.bit_length() // 8 + 1, "big")  # minimal, with a 0 byte when needed

    assert der(positive(r), positive(s)) == signature  # the helpers encode exactly like Tongsuo
    bad = [
        b"",
        b"garbage",
        signature + b"\x00",
        signature[:-1],
        bytes([signature[0] ^ 1]) + signature[1:],
        der(positive(0), positive(s)),  # r = 0
        der(positive(r), positive(N)),  # s = n
        der(positive(r + N), positive(s)),  # r ≥ n, congruent to the right r
        der(b"\x80" + b"\x01" * 31, positive(s)),  # negative r
        der(b"\x00" + positive(r), positive(s)),  # non-minimal r
        der(positive(r), positive(s), positive(1)),  # a third INTEGER
        r.to_bytes(32, "big") + s.to_bytes(32, "big"),  # raw r‖s is not DER
    ]
    for candidate in bad:
        assert crypto.sm2_verify(key.public_key(), b"x", candidate) is False


def test_sm2_pem_round_trip(tmp_path: Path) -> None:
    key = crypto.sm2_generate_private_key()
    public_pem = crypto.sm2_public_key_to_pem(key.public_key())
    path = tmp_path / "seal.pem"

    crypto.sm2_save_private_key(key, path)

    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = crypto.sm2_load_private_key_pem(path.read_bytes())
    public = crypto.sm2_load_public_key_pem(public_pem)
    assert public_pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert crypto.sm2_verify(public, b"x", crypto.sm2_sign(loaded, b"x"))
    assert crypto.sm2_key_id(public) == crypto.sm2_key_id(loaded.public_key())
    assert crypto.sm2_key_id(public) != crypto.sm2_key_id(crypto.sm2_generate_private_key().public_key())
    with pytest.raises(FileExistsError, match="不会覆盖"):
        crypto.sm2_save_private_key(crypto.sm2_generate_private_key(), path)
    assert crypto.sm2_load_private_key_pem(path.read_bytes()).private_numbers() == key.private_numbers()


def test_sm2_encrypted_pem() -> None:
    key = crypto.sm2_generate_private_key()
    pem = crypto.sm2_private_key_to_pem(key, password=b"s3cret")

    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert crypto.sm2_load_private_key_pem(pem, password=b"s3cret").private_numbers() == key.private_numbers()
    with pytest.raises(ValueError):
        crypto.sm2_load_private_key_pem(pem, password=b"wrong")
    with pytest.raises(ValueError):
        crypto.sm2_load_private_key_pem(b"not a key")


# --- keys from the environment -----------------------------------------------------------------------------


@pytest.fixture
def var(tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    for name in ("HAOBAN_SM4_KEY", "HAOBAN_SM4_OLD_KEYS", "HAOBAN_SM2_KEY_FILE", "HAOBAN_SM2_KEY_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_default_sm4_key_is_generated_once_with_mode_0600(var: Path) -> None:
    key = crypto.field_encryption_key()

    path = var / "sm4_field_key"
    assert len(key) == 16
    assert path.read_text() == key.hex() + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.field_encryption_key() == key
    assert crypto.decrypt_field(crypto.encrypt_field("13800000000", context="phone"), context="phone") == (
        "13800000000"
    )
    assert [p.name for p in var.iterdir()] == ["sm4_field_key"]  # no temporary file left behind


def test_sm4_key_from_environment_and_rotation(var: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAOBAN_SM4_KEY", OTHER_KEY.hex())
    old_token = crypto.encrypt_field(ID_NUMBER, context="id")
    assert crypto.field_encryption_key() == OTHER_KEY
    assert not (var / "sm4_field_key").exists()

    # rotate: new current key, the previous one kept for reading
    monkeypatch.setenv("HAOBAN_SM4_KEY", KEY.hex().upper())
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_field(old_token, context="id")
    monkeypatch.setenv("HAOBAN_SM4_OLD_KEYS", f" {OTHER_KEY.hex()} ,")
    assert crypto.decrypt_field(old_token, context="id") == ID_NUMBER
    assert crypto.field_decryption_keys() == [KEY, OTHER_KEY]
    assert crypto.encrypt_field("x", context="id").split("$")[1] == crypto.sm4_encrypt(KEY, "x").split("$")[1]


@pytest.mark.parametrize(
    ("value", "message"),
    [("xyz", "不是十六进制"), ("00112233", "32 位十六进制"), ("00" * 32, "32 位十六进制")],
)
def test_malformed_sm4_key_in_environment(
    var: Path, monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("HAOBAN_SM4_KEY", value)
    with pytest.raises(crypto.CryptoConfigurationError, match=message):
        crypto.field_encryption_key()


def test_default_sm2_key_is_generated_once_with_mode_0600(var: Path) -> None:
    key = crypto.signing_key()

    path = var / "sm2_signing_key.pem"
    assert crypto.signing_key_path() == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert crypto.signing_key().private_numbers() == key.private_numbers()
    assert crypto.signing_public_key().public_numbers() == key.public_key().public_numbers()


def test_configured_sm2_key_file(var: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "keys" / "seal.pem"
    monkeypatch.setenv("HAOBAN_SM2_KEY_FILE", str(path))

    with pytest.raises(crypto.CryptoConfigurationError, match="未找到 SM2 签名密钥文件"):
        crypto.signing_key()
    assert not path.exists()  # a configured key is never silently replaced by a new one

    key = crypto.sm2_generate_private_key()
    crypto.sm2_save_private_key(key, path, password=b"pw")
    with pytest.raises(crypto.CryptoConfigurationError, match="HAOBAN_SM2_KEY_PASSWORD"):
        crypto.signing_key()
    monkeypatch.setenv("HAOBAN_SM2_KEY_PASSWORD", "pw")
    assert crypto.signing_key().private_numbers() == key.private_numbers()
    assert not (var / "sm2_signing_key.pem").exists()
