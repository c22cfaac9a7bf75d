"""Public verification of a notice (文书核验): ``/verify/<token>/``, the address in the notice's QR code.

Anyone holding a notice (a bank, a landlord, another office) can check that it is genuine without an
account. The page confirms *the document*, not the case: kind, 文号, issuing office, date, SM3 digest and
whether the SM2 seal verifies against the stored PDF. It shows no personal data: no applicant name or
ID, no case content, and the case number masked except its first 6 (region) and last 4 characters.

A visitor may also upload the PDF they were given: it is genuine only when its SM3 equals the stored
digest and the seal verifies over its bytes. The upload is compared in memory and never stored.

Unknown tokens get a 404 page in Chinese. Tokens are 192 random bits (``haoban.cases.documents``), so
guessing is not a way in; the page is ``noindex`` and not cached.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from haoban.cases.documents import notice_path
from haoban.cases.models import Notice
from haoban.core import crypto
from haoban.core.notices import NoticeSignature, notice_digest, verify_notice

MAX_COMPARE_BYTES = 20 * 1024 * 1024


def mask_case_number(number: str) -> str:
    """``350300202603020000017`` → ``350300***********0017``: region and the last four only."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


@dataclasses.dataclass(frozen=True)
class SealCheck:
    """What the verification page says about the stored PDF or an uploaded copy."""

    file_present: bool
    digest_matches: bool
    signature_valid: bool

    @property
    def genuine(self) -> bool:
        return self.file_present and self.digest_matches and self.signature_valid


def _seal(notice: Notice) -> NoticeSignature | None:
    try:
        signature = base64.b64decode(notice.signature, validate=True)
    except (binascii.Error, ValueError):
        return None
    return NoticeSignature(digest=notice.sm3, signature=signature, signer_key_id=notice.key_id)


def check_bytes(notice: Notice, pdf: bytes) -> SealCheck:
    """``pdf`` against the notice's recorded digest and seal (verified again with the platform key)."""
    seal = _seal(notice)
    digest_matches = notice_digest(pdf) == notice.sm3
    try:
        valid = seal is not None and digest_matches and verify_notice(pdf, seal)
    except crypto.CryptoConfigurationError:
        valid = False
    return SealCheck(file_present=True, digest_matches=digest_matches, signature_valid=valid)


def check_stored(notice: Notice) -> SealCheck:
    """The stored PDF, re-read from the private directory, against the stored digest and seal."""
    try:
        pdf = notice_path(notice).read_bytes()
    except (OSError, ValueError):
        return SealCheck(file_present=False, digest_matches=False, signature_valid=False)
    return check_bytes(notice, pdf)


class CompareForm(forms.Form):
    file = forms.FileField(
        label="核对手中的文书文件",
        help_text="选择您收到的 PDF 文件，与本平台存档的文书逐字节核对。文件只用于比对，不会保存。",
        error_messages={"required": "请选择要核对的 PDF 文件"},
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_COMPARE_BYTES:
            raise forms.ValidationError("文件超过 20 MB，不可能是本平台出具的文书")
        return bytes(upload.read())


def _context(notice: Notice, check: SealCheck) -> dict[str, object]:
    return {
        "kind": notice.get_kind_display(),
        "document_number": notice.document_number,
        "department": notice.case.department.name,
        "issued_on": notice.issued_on,
        "masked_case_number": mask_case_number(notice.case.number),
        "sm3": notice.sm3,
        "key_id": notice.key_id,
        "algorithm": f"{crypto.SM2_WITH_SM3}（OID {crypto.SM2_WITH_SM3_OID}）",
        "check": check,
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def notice_verify(request: HttpRequest, token: str) -> HttpResponse:
    notice = (
        Notice.objects.select_related("case__department").filter(verification_token=token).first()
        if token
        else None
    )
    if notice is None:
        return render(request, "cases/verify_not_found.html", status=404)
    context = _context(notice, check_stored(notice))
    form = CompareForm()
    if request.method == "POST":
        form = CompareForm(request.POST, request.FILES)
        if form.is_valid():
            context["comparison"] = check_bytes(notice, form.cleaned_data["file"])
    context["form"] = form
    return render(request, "cases/verify.html", context)
