"""Written notices of a case (文书, ``Notice.kind``): their content, the PDF, its SM3 digest and SM2 seal.

Rendering only; the ``Notice`` model and the case services that issue notices come with case handling.
What each notice must say follows 《中华人民共和国行政许可法》 (legal-rules.md §1):

- ``acceptance`` 受理通知书 and ``refusal`` 不予受理决定书: Art. 32 — written, dated, sealed; a refusal because
  the matter lies outside the office's powers names the competent office.
- ``supplement`` 补正材料一次性告知书: Art. 32 (4) — **everything** that must be supplemented, in **one** notice.
- ``extension`` 延期通知书: Art. 42 — extended with the head's approval, and the applicant is told why.
- ``special_procedure`` 特别程序告知书: Art. 45 — 听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审 time is not
  counted, and the applicant is told in writing.
- ``approval`` 准予决定书: Art. 38 (1), delivery of the result within 10 days (Art. 44).
- ``denial`` 不予许可决定书: Art. 38 (2) — reasons, and the right to 行政复议 within 60 days (《行政复议法》
  第二十条) or 行政诉讼 within 6 months (《行政诉讼法》第四十六条). A refusal tells the same.

The applicant's name is printed in full on the notice itself (it is addressed to them); the QR code carries
only the verification URL, a random token (:func:`new_verification_token`) and no personal data.

The electronic seal is a detached SM2withSM3 signature over the exact PDF bytes (:func:`sign_notice`), stored
next to the PDF together with its SM3 digest; the "（电子印章）" block on the page only shows where it
applies. Embedding the signature in the PDF (PAdES-style) is left for later.
"""

from haoban.core.notices.content import (
    COMMON_FIELDS,
    DAY_UNITS,
    FIELD_LABELS,
    NOTICE_TITLES,
    REQUIRED_FIELDS,
    SPECIAL_PROCEDURES,
    MaterialDefect,
    NoticeContent,
    NoticeKind,
    new_verification_token,
)
from haoban.core.notices.render import cn_date, notice_story, remedies_text, render_notice_pdf
from haoban.core.notices.seal import NoticeSignature, notice_digest, sign_notice, verify_notice

__all__ = [
    "COMMON_FIELDS",
    "DAY_UNITS",
    "FIELD_LABELS",
    "NOTICE_TITLES",
    "REQUIRED_FIELDS",
    "SPECIAL_PROCEDURES",
    "MaterialDefect",
    "NoticeContent",
    "NoticeKind",
    "NoticeSignature",
    "cn_date",
    "new_verification_token",
    "notice_digest",
    "notice_story",
    "remedies_text",
    "render_notice_pdf",
    "sign_notice",
    "verify_notice",
]
