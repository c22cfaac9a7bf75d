"""缴费凭证: a one-page PDF of a paid (or refunded) payment order, for the applicant's records.

It is Haoban's record of the payment, not a 财政票据 (the 非税收入电子票据 comes from the fiscal platform), and
says so on the page. Embedded CJK font and the shared table style of ``haoban.core.pdf``.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from haoban.core.pdf import cjk_paragraph_style, cjk_table_style

from .models import PaymentOrder

MARGIN = 20 * mm


def _p(text: object, style: object) -> Paragraph:
    return Paragraph(escape(str(text)) or "—", style)


def render_receipt_pdf(order: PaymentOrder) -> bytes:
    case = order.case
    body = cjk_paragraph_style("ReceiptBody", font_size=10.5)
    title = cjk_paragraph_style("ReceiptTitle", font_size=18, alignment=1, spaceAfter=6)
    note = cjk_paragraph_style("ReceiptNote", font_size=9)
    paid_at = timezone.localtime(order.paid_at).strftime("%Y-%m-%d %H:%M") if order.paid_at else "—"
    reference = f"（流水号 {order.provider_reference}）" if order.provider_reference else ""
    facts = [
        ("缴费单号", order.number),
        ("办件编号", case.number),
        ("事项", case.item_version.name),
        ("实施部门", case.department.name),
        ("缴费人", case.applicant.name),
        ("缴费方式", f"{order.get_method_display()}{reference}"),
        ("缴费时间", paid_at),
        ("状态", order.get_status_display()),
    ]
    if order.status == PaymentOrder.Status.REFUNDED and order.refunded_at:
        refunded = timezone.localtime(order.refunded_at).strftime("%Y-%m-%d %H:%M")
        facts.append(("退费", f"{refunded}，{order.refund_reason}"))
    width = A4[0] - 2 * MARGIN
    summary = Table(
        [[_p(k, body), _p(v, body)] for k, v in facts],
        colWidths=[30 * mm, width - 30 * mm],
        style=cjk_table_style(head="column"),
    )
    lines = Table(
        [
            [_p("收费项目", body), _p("收费依据", body), _p("金额（元）", body)],
            *(
                [_p(line["name"], body), _p(line.get("basis") or "—", body), _p(line["amount"], body)]
                for line in order.lines
            ),
            [_p("合计", body), _p("", body), _p(f"{order.amount:.2f}", body)],
        ],
        colWidths=[width * 0.4, width * 0.4, width * 0.2],
        style=cjk_table_style(),
    )
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"缴费凭证 {order.number}",
        author=case.department.name,
        creator="一网好办",
    )
    doc.build(
        [
            _p("缴费凭证", title),
            summary,
            Spacer(1, 6 * mm),
            lines,
            Spacer(1, 6 * mm),
            _p("本凭证为一网好办平台的缴费记录，不作为财政票据；财政电子票据以财政部门开具的为准。", note),
        ]
    )
    return buffer.getvalue()
