"""领取人签名 (the signature of a window pickup, issue 3 §5): check, decode, store and serve the image.

A signature arrives either as an uploaded file (a photo or scan of the signed receipt) or as a PNG drawn on
the workbench's signature pad and posted as a ``data:image/png;base64,...`` URL (the API takes the same
text, or bare base64). Both become an ``UploadedFile``-like object and go through :func:`validate_signature`:

- at most ``settings.HAOBAN_SIGNATURE_MAX_KB`` (default 1024) KB;
- PNG or JPEG by the content's magic bytes (``materials.sniff_content_type``), never by name or header;
- Pillow must be able to read it whole (``verify``), at most 4000 × 4000 pixels: a file that only starts
  like a PNG is refused.

The file is stored like the case materials (``materials.store_private_file``: outside the web root, under
``<private dir>/signatures/<case number>/``) with its SM3 digest, as a
:class:`~haoban.cases.models.DeliverySignature` linked to the ``deliver`` event; the event's data names it
(``signature``: id and SM3). It leaves the private directory only through :func:`signature_file_response`,
after the caller's access check.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse

from .materials import EXTENSIONS, JPEG, PNG, private_file_response, sniff_content_type
from .models import DeliverySignature

DEFAULT_MAX_KB = 1024
MAX_SIDE = 4000
FIELD = "signature"
_DATA_URL = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+)?(?P<b64>;base64)?,(?P<data>.*)$", re.DOTALL)


@dataclass(frozen=True)
class SignatureImage:
    """A signature to record with a window pickup: the file and how it was made (``upload`` or ``pad``)."""

    file: Any  # an UploadedFile or a ContentFile: has size, name, seek/read and chunks
    source: str = DeliverySignature.Source.UPLOAD


def max_signature_bytes() -> int:
    return int(getattr(settings, "HAOBAN_SIGNATURE_MAX_KB", DEFAULT_MAX_KB)) * 1024


def _error(message: str, code: str) -> ValidationError:
    return ValidationError({FIELD: [ValidationError(message, code=code)]})


def signature_from_base64(text: str, *, source: str = DeliverySignature.Source.PAD) -> SignatureImage:
    """A signature from a ``data:image/png;base64,...`` URL or bare base64 text; ``ValidationError`` keyed
    ``signature`` when it is not base64. The content is checked later by :func:`validate_signature`."""
    text = (text or "").strip()
    match = _DATA_URL.match(text)
    if match is not None:
        if not match.group("b64"):
            raise _error("领取人签名须为 base64 编码的 PNG 或 JPEG 图片", "encoding")
        text = match.group("data")
    # Decoding more than the limit allows is pointless: base64 is 4 characters per 3 bytes.
    if len(text) > (max_signature_bytes() // 3 + 1) * 4 + 4:
        raise _error(_too_large(), "too_large")
    try:
        content = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise _error("领取人签名不是有效的 base64 编码", "encoding") from None
    return SignatureImage(ContentFile(content, name="signature"), source=source)


def _too_large() -> str:
    return f"领取人签名图片超过 {max_signature_bytes() // 1024} KB 的大小限制"


def validate_signature(signature: SignatureImage) -> str:
    """The content type (PNG or JPEG) of an acceptable signature image, else ``ValidationError`` keyed
    ``signature`` with a Chinese message."""
    from PIL import Image, UnidentifiedImageError  # reportlab's dependency; imported only when needed

    if signature.source not in DeliverySignature.Source.values:
        raise _error("签名方式只能是 upload（上传签名图片）或 pad（签名板手写）", "source")
    file = signature.file
    size = file.size or 0
    if size <= 0:
        raise _error("领取人签名是空文件，请重新签名或上传", "empty")
    if size > max_signature_bytes():
        raise _error(_too_large(), "too_large")
    content_type = sniff_content_type(file)
    if content_type not in (PNG, JPEG):
        raise _error("领取人签名须为 PNG 或 JPEG 图片", "file_type")
    try:
        file.seek(0)
        with Image.open(file) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _error("领取人签名图片已损坏，无法读取，请重新签名或上传", "corrupt") from None
    finally:
        file.seek(0)
    if width > MAX_SIDE or height > MAX_SIDE:
        raise _error(
            f"领取人签名图片过大（{width}×{height} 像素），长宽不能超过 {MAX_SIDE} 像素", "dimensions"
        )
    return content_type


def signature_file_response(signature: DeliverySignature) -> FileResponse:
    """The image, shown inline (``nosniff``, not cached). Access is the caller's job (``access.py``)."""
    return private_file_response(
        signature.storage_path,
        filename=f"{signature.case.number}-签名{EXTENSIONS.get(signature.content_type, '')}",
        content_type=signature.content_type,
        as_attachment=False,
    )
