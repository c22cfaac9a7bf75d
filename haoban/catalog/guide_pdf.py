"""The printable 办事指南 (PDF): A4, embedded Chinese font, every section of :func:`selectors.guide_data`
as a table, page numbers, generation date and a QR code linking to the online guide.

The content is exactly ``guide_data(version)``: this module only lays it out (seed Art. 8: 线上与线下标准统一).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from haoban.core.pdf import TABLE_GRID, cjk_paragraph_style, cjk_table_style, qr_png_bytes, register_cjk_font

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
GRID = TABLE_GRID

BRAND = colors.HexColor("#b3261e")


class _Styles:
    def __init__(self) -> None:
        self.body = cjk_paragraph_style("GuideBody", font_size=10)
        self.cell = cjk_paragraph_style("GuideCell", font_size=9.5)
        self.head = cjk_paragraph_style("GuideHead", font_size=9.5, textColor=colors.HexColor("#333333"))
        self.title = cjk_paragraph_style("GuideTitle", font_size=18, leading=24, spaceAfter=4)
        self.subtitle = cjk_paragraph_style("GuideSub", font_size=10, textColor=colors.HexColor("#505a5f"))
        self.h2 = cjk_paragraph_style(
            "GuideH2",
            font_size=12.5,
            leading=18,
            spaceBefore=10,
            spaceAfter=4,
            textColor=BRAND,
            keepWithNext=1,
        )
        self.caption = cjk_paragraph_style("GuideCaption", font_size=8, alignment=TA_CENTER)


def _p(text: Any, style: Any) -> Paragraph:
    value = "" if text is None else str(text)
    return Paragraph(escape(value).replace("\n", "<br/>") or "—", style)


def _or_dash(value: Any) -> str:
    return str(value) if value not in (None, "", []) else "—"


def _kv_table(rows: Sequence[tuple[str, Any]], s: _Styles) -> Table:
    data = [[_p(k, s.head), _p(_or_dash(v), s.cell)] for k, v in rows]
    table = Table(data, colWidths=[32 * mm, CONTENT_WIDTH - 32 * mm])
    table.setStyle(cjk_table_style(head="column"))
    return table


def _grid_table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], s: _Styles
) -> Table:
    data = [[_p(h, s.head) for h in header]] + [[_p(_or_dash(c), s.cell) for c in row] for row in rows]
    scale = CONTENT_WIDTH / sum(widths)
    table = Table(data, colWidths=[w * scale for w in widths], repeatRows=1)
    table.setStyle(cjk_table_style())
    return table


def _labels(values: Sequence[dict[str, Any] | None], key: str = "label") -> str:
    return "、".join(str(v[key]) for v in values if v) or "—"


def _section(title: str, body: Any, s: _Styles) -> list[Any]:
    return [Paragraph(escape(title), s.h2), body]


def guide_story(data: dict[str, Any], *, url: str, generated_on: dt.date) -> list[Any]:
    """The flowables of a guide: title block with QR code, then one table per section."""
    s = _Styles()
    version = data["version"]
    validity = f"{version['valid_from'] or '—'} 起"
    if version["valid_to"]:
        validity = f"{version['valid_from']} 至 {version['valid_to']}"
    title_block = [
        Paragraph(escape(data["name"]), s.title),
        _p(f"办事指南 · 第 {version['number']} 版 · 有效期：{validity}", s.subtitle),
        _p(
            f"实施主体：{data['implementing_body']['name']}（{data['region']['name']}，{data['level']['label']}）",
            s.subtitle,
        ),
        _p(f"实施编码：{data['codes']['implementation_code']}", s.subtitle),
    ]
    qr = Image(io.BytesIO(qr_png_bytes(url, scale=4, border=2)), width=28 * mm, height=28 * mm)
    qr_cell = [qr, _p("扫码查看在线办事指南", s.caption)]
    header = Table([[title_block, qr_cell]], colWidths=[CONTENT_WIDTH - 34 * mm, 34 * mm])
    header.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),
            ]
        )
    )

    story: list[Any] = [header, Spacer(1, 4 * mm)]

    summary = [
        ("承诺时限", data["promised_limit"]["text"]),
        ("法定时限", data["legal_limit"]["text"]),
        ("到现场次数", data["visits_text"]),
        ("收费", data["fees"]["text"]),
        ("办理地点", data["handling_location"]),
        ("办理时间", data["office_hours"]),
        ("咨询电话", data["consultation_phone"]),
        ("监督投诉电话", data["complaint_phone"]),
    ]
    story += _section("一、办事须知", _kv_table(summary, s), s)

    parent = data["parent"]
    basic = [
        ("事项名称", data["name"]),
        ("事项类型", data["item_type"]["label"]),
        ("公共服务领域", (data["public_service_domain"] or {}).get("label")),
        ("基本编码", data["codes"]["basic_code"]),
        ("实施编码", data["codes"]["implementation_code"]),
        ("业务办理项", "；".join(f"{h['code']} {h['name']}" for h in data["codes"]["handling_items"])),
        ("行使层级", data["level"]["label"]),
        (
            "实施主体",
            f"{data['implementing_body']['name']}（统一社会信用代码 {data['implementing_body']['uscc']}）",
        ),
        ("实施区划", f"{data['region']['name']}（{data['region']['code']}）"),
        ("所属主项", f"{parent['name']}（{parent['implementation_code']}）" if parent else ""),
        ("子项", "；".join(f"{x['name']}（{x['implementation_code']}）" for x in data["sub_items"])),
        ("服务对象", _labels(data["applicant_kinds"])),
        ("办件类型", data["handling_type"]["label"]),
        ("网办深度", data["online_depth"]["label"]),
        ("办理渠道", _labels(data["channels"])),
        ("特色服务", "、".join(t["name"] for t in data["service_tags"])),
        (
            "进驻情况",
            data["center"]["text"]
            + (f"：{data['center']['sub_center']}" if data["center"]["sub_center"] else ""),
        ),
    ]
    story += _section("二、基本信息", _kv_table(basic, s), s)
    story += _section("三、办理条件", _kv_table([("办理条件", data["conditions"])], s), s)

    bases = [(b["order"], b["law"], b["article"], b["text"]) for b in data["legal_bases"]]
    story += _section(
        "四、设立依据",
        _grid_table(
            ["序号", "法律法规", "条款", "条文内容"], bases or [("", "无", "", "")], [10, 45, 20, 75], s
        ),
        s,
    )

    materials = [
        (
            m["order"],
            m["name"] + (f"\n{m['notes']}" if m["notes"] else ""),
            m["required_text"],
            m["originals"],
            m["copies"],
            m["format"]["label"],
            m["exempt_text"] or m["source"]["label"],
        )
        for m in data["materials"]
    ]
    story += _section(
        "五、申请材料",
        _grid_table(
            ["序号", "材料名称", "必要性", "原件", "复印件", "形式", "来源"],
            materials or [("", "无需提交材料", "", "", "", "", "")],
            [10, 48, 14, 10, 14, 18, 40],
            s,
        ),
        s,
    )

    steps = [
        (st["order"], st["name"], st["role"]["label"], st["time_limit"]["text"], st["description"])
        for st in data["steps"]
    ]
    story += _section(
        "六、办理流程",
        _grid_table(
            ["序号", "环节", "办理角色", "环节时限", "办理内容"],
            steps or [("", "—", "", "", "")],
            [9, 18, 28, 22, 60],
            s,
        ),
        s,
    )

    limits = [
        ("法定时限", data["legal_limit"]["text"]),
        ("承诺时限", data["promised_limit"]["text"]),
        (
            "可延长时限",
            f"{data['extension']['amount']} 个工作日（最多 {data['extension']['max_extensions']} 次）",
        ),
    ]
    story += _section("七、办理时限", _kv_table(limits, s), s)

    fees = data["fees"]
    if fees["charges_fee"]:
        fee_rows = [
            (f["name"], f["basis"], f["standard"], f"{f['amount']} 元" if f["amount"] else "")
            for f in fees["items"]
        ]
        fee_body: Any = _grid_table(
            ["收费项目", "收费依据", "收费标准", "金额"], fee_rows, [35, 45, 40, 20], s
        )
    else:
        fee_body = _kv_table([("收费情况", "不收费")], s)
    story += _section("八、收费情况", fee_body, s)

    story += _section("九、审查要点", _kv_table([("审查要点", data["review_points"])], s), s)

    result = data["result"]
    result_rows = [
        ("审批结果名称", result["name"]),
        ("审批结果类型", result["type"]["label"] if result["type"] else ""),
        ("证照类型", result["license_type"]),
        ("证照类型代码", result["license_type_code"]),
    ]
    story += _section("十、审批结果", _kv_table(result_rows, s), s)

    fields = [
        (
            f["title"],
            f["type_label"] + (f"（{'、'.join(f['options'])}）" if f["options"] else ""),
            "是" if f["required"] else "否",
            f["description"],
        )
        for f in data["form_fields"]
    ]
    story += _section(
        "十一、申请表单",
        _grid_table(["字段", "类型", "必填", "说明"], fields, [40, 40, 12, 50], s)
        if fields
        else _kv_table([("申请表单", "无需填写在线表单")], s),
        s,
    )

    version_rows = [
        ("版本号", f"第 {version['number']} 版"),
        ("生效日期", version["valid_from"]),
        ("失效日期", version["valid_to"] or "长期有效（至新版本发布）"),
        ("修订说明", version["change_note"]),
        ("在线指南", url),
        ("生成日期", generated_on.isoformat()),
    ]
    story += _section("十二、版本信息", _kv_table(version_rows, s), s)
    return story


def _page_decorator(title: str, generated_on: dt.date) -> type[Canvas]:
    font = register_cjk_font()

    class NumberedCanvas(Canvas):
        """Writes "第 x 页 / 共 y 页" once the total is known (pages are buffered until save)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Without this the canvas starts in Helvetica, a font that is referenced but not embedded.
            kwargs.setdefault("initialFontName", font)
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(colors.HexColor("#505a5f"))
            self.drawString(MARGIN, 10 * mm, f"{title} · 办事指南 · 生成日期 {generated_on.isoformat()}")
            self.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, f"第 {self._pageNumber} 页 / 共 {total} 页")
            self.setStrokeColor(GRID)
            self.line(MARGIN, 13 * mm, PAGE_WIDTH - MARGIN, 13 * mm)
            self.restoreState()

    return NumberedCanvas


def render_guide_pdf(data: dict[str, Any], *, url: str, generated_on: dt.date) -> bytes:
    """The guide as PDF bytes; ``url`` is the online guide the QR code points to."""
    buffer = io.BytesIO()
    title = data["name"]
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=20 * mm,
        title=f"{title} 办事指南",
        author=data["implementing_body"]["name"],
        subject=f"实施编码 {data['codes']['implementation_code']}",
        creator="一网好办",
    )
    short_title = title if len(title) <= 30 else title[:29] + "…"
    doc.build(
        guide_story(data, url=url, generated_on=generated_on),
        canvasmaker=_page_decorator(short_title, generated_on),
    )
    return buffer.getvalue()
