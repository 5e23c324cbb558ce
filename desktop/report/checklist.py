"""The personalised checklist PDF a company takes away from a desk consultation (reportlab).

A4, the bundled TrueType CJK font embedded (subset), CJK line wrapping, one block per measure
with a box to tick. The same inputs give the same bytes: reportlab runs in invariant mode and the
PDF's creation date is the evaluation date, not the clock. The file is written atomically.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import time
from pathlib import Path
from typing import Any, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import TimeStamp
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle,
)

from desktop.atomic import write_bytes_atomic
from desktop.paths import resources_dir
from desktop.rules.measures import KIND_GROUPS

FONT = "PolicyDeskCJK"
FONT_FILE = "fonts/wqy-microhei.ttc"
MARGIN = 18 * mm
FOOTER_GAP = 12 * mm
DISCLAIMER = "本清单依据所列政策文件自动生成，仅供咨询参考，不构成行政决定；具体适用以政策原文和主管部门解释为准。"
ACCENT = colors.HexColor("#1F4E79")
MAX_EXPIRED = 30
MAX_MAYBE_QUESTIONS = 4


class ReportError(Exception):
    """The checklist could not be produced; the message says why."""


def register_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        path = resources_dir() / FONT_FILE
        if not path.exists():
            raise ReportError(f"缺少中文字体文件 {path}，无法生成清单。")
        pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=TA_CENTER, textColor=ACCENT),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, alignment=TA_CENTER, textColor=colors.grey),
        "h1": ParagraphStyle("h1", parent=base, fontSize=13.5, leading=19, spaceBefore=10, spaceAfter=4, textColor=ACCENT),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11, leading=16, spaceBefore=6, spaceAfter=2),
        "item": ParagraphStyle("item", parent=base, fontSize=10.5, leading=15),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=13),
    }


class CheckBox(Flowable):
    """An empty box to tick, drawn (the font has no ☐ glyph)."""

    def __init__(self, size: float = 3.6 * mm):
        super().__init__()
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, self.size, self.size)


def _p(text: str | None, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _label_p(label: str, text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(f"<b>{escape(label)}：</b>{escape(text)}", style)


def _validity(m) -> str:
    if m.valid_from or m.valid_to:
        return f"{m.valid_from or '未规定'} 至 {m.valid_to or '未规定'}（{m.validity_note}）"
    return f"未规定（{m.validity_note}）" if m.validity_note and m.validity_note != "未规定" else "文件未规定有效期限"


def _basis(m) -> str:
    number = f"（{m.source.doc_number}）" if m.source.doc_number else ""
    return f"《{m.source.document}》{number} {m.source.clause}"


def _measure_block(result, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    m = result.measure
    rows: list[Paragraph] = [_p(m.title, st["item"]), _p(m.summary, st["body"])]
    if m.benefit:
        rows.append(_label_p("支持内容", m.benefit, st["body"]))
    if m.requirement:
        rows.append(_label_p("要求", m.requirement, st["body"]))
    if m.amounts:
        rows.append(_label_p("金额与标准", "；".join(m.amounts), st["body"]))
    rows.append(_label_p("准备与办理", m.procedure, st["body"]))
    rows.append(_label_p("办理部门", m.department, st["body"]))
    if m.deadline:
        rows.append(_label_p("时限", m.deadline, st["body"]))
    rows.append(_label_p("有效期", _validity(m), st["small"]))
    rows.append(_label_p("依据", _basis(m), st["small"]))
    box_w = 7 * mm
    table = Table([[CheckBox(), rows]], colWidths=[box_w, width - box_w])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (0, 0), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#CCCCCC")),
    ]))
    return table


def _facts_table(report, engine_labels, st, width: float) -> Table:
    profile = report.profile
    rows = []
    for fact, value in profile.items():
        if fact == "name" or value in (None, [], ""):
            continue
        rows.append([_p(engine_labels.label(fact).rstrip("？?"), st["cell"]), _p(_show(engine_labels, fact, value), st["cell"])])
    size = report.derived.get("enterprise_size")
    if size:
        rows.append([_p("企业规模（按国家标准推算）", st["cell"]), _p(engine_labels.choice_label("enterprise_size", size), st["cell"])])
    if not rows:
        rows.append([_p("企业信息", st["cell"]), _p("（未填写）", st["cell"])])
    table = Table(rows, colWidths=[width * 0.38, width * 0.62])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#BBBBBB")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F5F9")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
    ]))
    return table


def _show(questionnaire, fact: str, value: Any) -> str:
    if isinstance(value, list):
        return "、".join(questionnaire.choice_label(fact, v) for v in value) or "无"
    return questionnaire.choice_label(fact, value)


def build_story(report, questionnaire, officer: str | None = None, unlocks: Sequence | None = None,
                width: float = A4[0] - 2 * MARGIN) -> list[Flowable]:
    st = _styles()
    name = report.profile.get("name") or "（未填写企业名称）"
    story: list[Flowable] = [
        _p("惠企政策适用清单", st["title"]),
        _p(name, ParagraphStyle("company", parent=st["title"], fontSize=13, leading=18, textColor=colors.black)),
        _p(
            f"评估日期：{report.as_of.isoformat()}    数据版本：{report.meta.get('data_version', '?')}"
            f"（生成于 {str(report.meta.get('build_date', '?'))[:10]}）"
            + (f"    咨询人员：{officer}" if officer else ""),
            st["subtitle"],
        ),
        Spacer(1, 4 * mm),
        _facts_table(report, questionnaire, st, width),
    ]
    applies = [r for r in report.results if r.status == "applies"]
    concrete = [r for r in applies if not r.measure.programme_level]
    directions = [r for r in applies if r.measure.programme_level]
    counts = report.counts()
    story.append(_p(
        f"适用 {len(concrete)} 项（另有相关政策方向 {len(directions)} 项），可能适用 {counts['maybe']} 项，"
        f"已失效 {counts['expired']} 项，尚未生效 {counts['not_yet_in_force']} 项。",
        st["body"],
    ))
    story.append(_p("一、适用的政策措施", st["h1"]))
    if not concrete:
        story.append(_p("按目前填写的信息，没有确定适用的具体措施。请补充“可能适用”部分所列的问题。", st["body"]))
    for _key, label, kinds in KIND_GROUPS:
        group = [r for r in concrete if r.measure.kind in kinds]
        if not group:
            continue
        blocks = [_measure_block(r, st, width) for r in group]
        # The group heading stays with its first measure (no heading alone at a page foot).
        story.append(KeepTogether([_p(f"{label}（{len(group)}）", st["h2"]), blocks[0]]))
        story.extend(blocks[1:])
    if directions:
        story.append(_p("二、相关政策方向（非可直接申领事项，可向责任单位咨询）", st["h1"]))
        for r in directions:
            m = r.measure
            story.append(KeepTogether([
                _p(f"• {m.title}", st["item"]),
                _label_p("责任单位", m.department, st["small"]),
                _label_p("依据", _basis(m), st["small"]),
            ]))
    maybe_all = [r for r in report.results if r.status == "maybe"]
    # Directions that may concern the company are counted, not listed: the list is for what
    # the company could claim or must do once the open questions are answered.
    maybe = [r for r in maybe_all if not r.measure.programme_level]
    if maybe_all:
        story.append(_p("三、可能适用：需进一步确认", st["h1"]))
        if len(maybe) < len(maybe_all):
            story.append(_p(f"另有 {len(maybe_all) - len(maybe)} 项相关政策方向可能涉及本企业，未逐条列出。", st["small"]))
        for r in maybe:
            qs = r.missing_questions[:MAX_MAYBE_QUESTIONS]
            more = "等" if len(r.missing_questions) > MAX_MAYBE_QUESTIONS else ""
            story.append(KeepTogether([
                _p(f"□ {r.measure.title}", st["item"]),
                _label_p("需确认", "；".join(qs) + more, st["small"]),
                _label_p("依据", _basis(r.measure), st["small"]),
            ]))
    expired = [r for r in report.results if r.status == "expired"]
    if expired:
        story.append(_p("四、已失效，请核实是否有后续政策", st["h1"]))
        for r in expired[:MAX_EXPIRED]:
            story.append(_p(f"• {r.measure.title}（有效期至 {r.measure.valid_to}）　{_basis(r.measure)}", st["small"]))
        if len(expired) > MAX_EXPIRED:
            story.append(_p(f"另有 {len(expired) - MAX_EXPIRED} 项已失效措施未列出。", st["small"]))
    if unlocks:
        story.append(_p("五、可争取的政策（改变一项条件后可新增适用）", st["h1"]))
        for u in list(unlocks)[:5]:
            titles = "；".join(r.measure.title for r in u.measures[:6]) + ("等" if len(u.measures) > 6 else "")
            story.append(KeepTogether([
                _p(f"• 若{u.label}：可新增 {len(u.measures)} 项", st["item"]),
                _p(titles, st["small"]),
            ]))
    return story


def _numbered_canvas(as_of: dt.date):
    """A canvas class that stamps the evaluation date and writes "第 N 页 / 共 M 页" footers."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["invariant"] = 1
            kwargs["initialFontName"] = FONT
            super().__init__(*args, **kwargs)
            stamp = TimeStamp(invariant=1)
            t = calendar.timegm(as_of.timetuple())
            stamp.t, stamp.lt = t, time.gmtime(t)
            stamp.YMDhms = tuple(stamp.lt)[:6]
            self._doc._timeStamp = stamp
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            width, _height = self._pagesize
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(MARGIN, FOOTER_GAP, DISCLAIMER)
            self.drawRightString(width - MARGIN, FOOTER_GAP - 10, f"第 {self._pageNumber} 页 / 共 {total} 页")
            self.restoreState()

    return NumberedCanvas


def render_checklist(report, questionnaire, officer: str | None = None, unlocks: Sequence | None = None) -> bytes:
    """The checklist PDF as bytes (deterministic for the same inputs)."""
    register_font()
    buf = io.BytesIO()
    name = report.profile.get("name") or "企业"
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + 6 * mm, title=f"惠企政策适用清单 - {name}", author="惠企政策通 Policy Desk",
        subject=f"评估日期 {report.as_of.isoformat()}", creator="Policy Desk", invariant=1,
    )
    story = build_story(report, questionnaire, officer, unlocks, width=doc.width)
    doc.build(story, canvasmaker=_numbered_canvas(report.as_of))
    return buf.getvalue()


def write_checklist_pdf(report, out_path: Path, library=None, officer: str | None = None,
                        unlocks: Sequence | None = None, questionnaire=None) -> Path:
    """Render and write the checklist atomically; raise WriteError / ReportError with a clear message."""
    if questionnaire is None:
        questionnaire = _questionnaire_for(library)
    data = render_checklist(report, questionnaire, officer, unlocks)
    write_bytes_atomic(Path(out_path), data)
    return Path(out_path)


def _questionnaire_for(library):
    from desktop.rules.store import load_engine_from_db

    if library is None:
        raise ReportError("生成清单需要政策数据库中的问卷定义。")
    return load_engine_from_db(library.conn).questionnaire


__all__ = ["render_checklist", "write_checklist_pdf", "ReportError", "build_story"]
