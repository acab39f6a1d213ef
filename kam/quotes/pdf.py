"""The printable quote (A4 PDF). Chinese is set in reportlab's built-in CID font STSong-Light:
PDF readers supply the glyphs, so no font file ships with the app, and the text stays
extractable (copy, search, and the test read it back with pypdf)."""

from decimal import Decimal
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kam.quotes.models import QuoteVersion

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def money(value: Decimal) -> str:
    """1,234,567.89 — thousands separators, always two places, exact."""
    return f"{value:,.2f}"


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:,.2f}"


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=1),
        "company": ParagraphStyle("company", parent=base, fontSize=12, leading=16, alignment=1),
        "head": ParagraphStyle("head", parent=base, fontSize=11, leading=16, spaceBefore=6),
        "num": ParagraphStyle("num", parent=base, alignment=TA_RIGHT),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def quote_pdf(quote: QuoteVersion) -> bytes:
    """The quote as A4 PDF bytes; `quote` should come with its lines and opportunity."""
    s = _styles()
    opportunity = quote.opportunity
    story: list[Any] = [
        _p(settings.KAM_COMPANY_NAME, s["company"]),
        _p(_("报价单"), s["title"]),
        Spacer(1, 4 * mm),
    ]
    facts = [
        (_("客户"), opportunity.account.name, _("报价编号"), quote.number),
        (_("商机"), opportunity.name, _("版本"), str(quote.version_no)),
        (
            _("报价日期"),
            timezone.localdate(quote.sent_at or quote.created_at).isoformat(),
            _("有效期至"),
            quote.valid_until.isoformat() if quote.valid_until else "—",
        ),
    ]
    facts_table = Table(
        [[_p(c, s["base"]) for c in row] for row in facts],
        colWidths=[22 * mm, 68 * mm, 22 * mm, 58 * mm],
    )
    facts_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [facts_table, Spacer(1, 4 * mm)]

    header = [
        _("序号"),
        _("产品"),
        _("单位"),
        _("数量"),
        _("单价（元）"),
        _("折扣"),
        _("金额（元）"),
    ]
    rows: list[list[Any]] = [[_p(h, s["base"]) for h in header]]
    for index, line in enumerate(quote.lines.all(), start=1):
        name = f"{line.product_name}\n{line.product_code}"
        if line.description:
            name += f"\n{line.description}"
        rows.append(
            [
                _p(index, s["base"]),
                _p(name, s["base"]),
                _p(line.unit, s["base"]),
                _p(_quantity(line.quantity), s["num"]),
                _p(money(line.unit_price), s["num"]),
                _p(_percent(line.discount_rate), s["num"]),
                _p(money(line.net_amount), s["num"]),
            ]
        )
    summary = [
        (_("目录价合计"), quote.list_total),
        (_("折扣合计"), quote.discount_total),
        (_("报价合计（不含税）"), quote.net_total),
        (_("税额"), quote.tax_total),
        (_("价税合计"), quote.gross_total),
    ]
    first_summary = len(rows)
    for label, value in summary:
        rows.append(["", _p(label, s["base"]), "", "", "", "", _p(money(value), s["num"])])
    lines_table = Table(
        rows,
        colWidths=[12 * mm, 60 * mm, 12 * mm, 16 * mm, 26 * mm, 16 * mm, 28 * mm],
        repeatRows=1,
    )
    lines_table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, first_summary - 1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("SPAN", (1, first_summary), (5, first_summary)),
                ("SPAN", (1, first_summary + 1), (5, first_summary + 1)),
                ("SPAN", (1, first_summary + 2), (5, first_summary + 2)),
                ("SPAN", (1, first_summary + 3), (5, first_summary + 3)),
                ("SPAN", (1, first_summary + 4), (5, first_summary + 4)),
                ("LINEABOVE", (1, first_summary), (-1, first_summary), 0.5, colors.grey),
                ("LINEABOVE", (1, -1), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    story += [lines_table, Spacer(1, 4 * mm)]

    for label, text in (
        (_("付款条件"), quote.payment_terms),
        (_("交付条件"), quote.delivery_terms),
        (_("备注"), quote.notes),
    ):
        if text:
            story += [_p(label, s["head"]), _p(text, s["base"])]
    story.append(Spacer(1, 12 * mm))
    signature = Table(
        [
            [_p(_("报价方（盖章）："), s["base"]), _p(_("客户确认（盖章）："), s["base"])],
            [_p(settings.KAM_COMPANY_NAME, s["base"]), _p(opportunity.account.name, s["base"])],
            [_p(_("授权代表签字："), s["base"]), _p(_("授权代表签字："), s["base"])],
            [_p(_("日期："), s["base"]), _p(_("日期："), s["base"])],
        ],
        colWidths=[85 * mm, 85 * mm],
        rowHeights=[8 * mm, 8 * mm, 14 * mm, 8 * mm],
    )
    story.append(signature)

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{_('报价单')} {quote.number}",
        author=str(settings.KAM_COMPANY_NAME),
    )
    document.build(story)
    return buffer.getvalue()
