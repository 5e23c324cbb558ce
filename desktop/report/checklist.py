"""The personalised checklist PDF a company takes away from a desk consultation (reportlab).

It renders the result model (desktop.rules.result). Page 1 is what a client reads in a minute:
what the company must do, what it can apply for, what is still to confirm (each with the one
question that settles it), each with its document. The details follow: one block per measure
with a box to tick, the open items grouped by their question, what expired. Related directions
and rules for every company go to an appendix printed only on request (``full``).

A4, the bundled TrueType CJK font embedded (subset), CJK line wrapping; a heading is kept with its
first entry. The same inputs and print date give the same bytes: reportlab runs in invariant mode
and the PDF's creation date is the print date. The file is written atomically.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import time
from pathlib import Path
from typing import Any
from collections.abc import Sequence
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
    Flowable, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle,
)

from desktop.atomic import write_bytes_atomic
from desktop.paths import resources_dir
from desktop.rules.measures import NOT_STATED

FONT = "PolicyDeskCJK"
FONT_FILE = "fonts/wqy-microhei.ttc"
MARGIN = 18 * mm
FOOTER_GAP = 12 * mm
DISCLAIMER = "本清单依据所列政策文件自动生成，仅供咨询参考，不构成行政决定；具体适用以政策原文和主管部门解释为准。"
ACCENT = colors.HexColor("#1F4E79")
MAX_EXPIRED = 30
PAGE1_ROWS = 8  # rows per table on page 1: what a client reads in a minute
PAGE1_QUESTIONS = 6


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
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12.5, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=TA_CENTER, textColor=ACCENT),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, alignment=TA_CENTER, textColor=colors.grey),
        "h1": ParagraphStyle("h1", parent=base, fontSize=13.5, leading=19, spaceBefore=10, spaceAfter=4, textColor=ACCENT),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11, leading=16, spaceBefore=6, spaceAfter=2),
        "item": ParagraphStyle("item", parent=base, fontSize=10, leading=14),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5),
        "cellsmall": ParagraphStyle("cellsmall", parent=base, fontSize=7.5, leading=10, textColor=colors.HexColor("#444444")),
        "th": ParagraphStyle("th", parent=base, fontSize=8.5, leading=11.5, textColor=ACCENT),
        "line": ParagraphStyle("line", parent=base, fontSize=8, leading=11, spaceAfter=2),
        "counts": ParagraphStyle("counts", parent=base, fontSize=10.5, leading=15, alignment=TA_CENTER),
        "company": ParagraphStyle("company", parent=base, fontSize=13, leading=18, alignment=TA_CENTER),
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


def _validity(m) -> str | None:
    """The validity window, or None when the text states none (said once, in the notes)."""
    if m.valid_from or m.valid_to:
        return f"{m.valid_from or '未规定'} 至 {m.valid_to or '未规定'}（{m.validity_note}）"
    return None


def _basis(m) -> str:
    number = f"（{m.source.doc_number}）" if m.source.doc_number else ""
    return f"《{m.source.document}》{number} {m.source.clause}"


def _where(m) -> str | None:
    """Department and procedure in one line; what the text does not state is said once."""
    who = "责任单位" if m.programme_level else "办理部门"
    dept, proc = m.department != NOT_STATED, m.procedure != NOT_STATED
    if dept and proc:
        return f"{who}：{m.department}；准备与办理：{m.procedure}"
    if dept:
        return f"{who}：{m.department}（办理方式文件未写明）"
    if proc:
        return f"准备与办理：{m.procedure}（{who}文件未写明）"
    return f"{who}和办理方式：文件未写明"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _measure_block(item, st: dict[str, ParagraphStyle], width: float, previous=None) -> Flowable:
    """One measure with a box to tick; department and procedure said once for a run of the same."""
    m = item.measure
    rows: list[Paragraph] = [_p(m.title, st["item"]), _p(m.summary, st["body"])]
    if m.amounts:
        rows.append(_label_p("金额与标准", "；".join(m.amounts), st["body"]))
    if m.requirement:
        rows.append(_label_p("要求", m.requirement, st["body"]))
    if m.deadline:
        rows.append(_label_p("时限", m.deadline, st["body"]))
    validity = _validity(m)
    where = _where(m)
    if previous is not None and _where(previous.measure) == where:
        where = "办理部门和办理方式：同上一项"
    rows.append(_p(f"{where}。依据：{_basis(m)}" + (f"；有效期：{validity}" if validity else ""), st["small"]))
    box_w = 6 * mm
    table = Table([[CheckBox(), rows]], colWidths=[box_w, width - box_w])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (0, 0), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#CCCCCC")),
    ]))
    return table


def _by_document(items, st, note=lambda item: "") -> list[Flowable]:
    """Long lists: one paragraph per document, naming the document once and each item's clause."""
    docs: dict[str, list] = {}
    for item in items:
        docs.setdefault(_doc_name(item.measure), []).append(item)
    out = []
    for doc, members in docs.items():
        entries = "　".join(f"□ {escape(i.measure.title)}<font color='#555555'>（{escape(i.measure.source.clause)}"
                           f"{escape(note(i))}）</font>" for i in members)
        out.append(Paragraph(f"<b>{escape(doc)}</b>：{entries}", st["line"]))
    return out


def _doc_name(m) -> str:
    number = f"（{m.source.doc_number}）" if m.source.doc_number else ""
    return f"《{m.source.document}》{number}"


def _facts_table(report, engine_labels, st, width: float) -> Table:
    profile = report.profile
    cells = []
    for fact, value in profile.items():
        if fact in ("name", "_unsure") or value in (None, [], ""):
            continue
        cells.append(_p(f"{engine_labels.label(fact).rstrip('？?')}：{_show(engine_labels, fact, value)}", st["cell"]))
    size = report.derived.get("enterprise_size")
    if size:
        cells.append(_p(f"企业规模（按国家标准推算）：{engine_labels.choice_label('enterprise_size', size)}", st["cell"]))
    if not cells:
        cells.append(_p("（未填写企业信息）", st["cell"]))
    if len(cells) % 2:
        cells.append(_p("", st["cell"]))
    rows = [cells[i : i + 2] for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[width / 2, width / 2])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#BBBBBB")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
    ]))
    return table


def _show(questionnaire, fact: str, value: Any) -> str:
    if isinstance(value, list):
        return "、".join(questionnaire.choice_label(fact, v) for v in value) or "无"
    return questionnaire.choice_label(fact, value)


class _Story:
    """Flowables with headings kept to their first entry (no heading alone at a page foot)."""

    def __init__(self) -> None:
        self.flowables: list[Flowable] = []
        self._pending: list[Flowable] = []

    def heading(self, flowable: Flowable) -> None:
        self._pending.append(flowable)

    def add(self, flowable: Flowable) -> None:
        if self._pending:
            self.flowables.append(KeepTogether([*self._pending, flowable]))
            self._pending = []
        else:
            self.flowables.append(flowable)

    def done(self) -> list[Flowable]:
        self.flowables.extend(self._pending)  # a heading with nothing after it still prints
        self._pending = []
        return self.flowables


def _overview_table(rows: list[list[Paragraph]], widths: list[float], head: list[str], st) -> Table:
    data = [[_p(h, st["th"]) for h in head], *rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF5")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#BBBBBB")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _page_one(report, st, width: float, height: float, full: bool, printed: dt.date,
              officer: str | None) -> list[Flowable]:
    """Page 1, with as many rows per table as fit on the one page (at most PAGE1_ROWS)."""
    rows = [PAGE1_ROWS, PAGE1_ROWS, PAGE1_QUESTIONS]
    while True:
        flowables = _page_one_rows(report, st, width, full, printed, officer, *rows)
        used = sum(f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)
        if used <= height - 6 * mm or max(rows) <= 1:
            return [*flowables, PageBreak()]
        rows[rows.index(max(rows))] -= 1


def _page_one_rows(report, st, width: float, full: bool, printed: dt.date, officer: str | None,
                   must_rows: int, can_rows: int, question_rows: int) -> list[Flowable]:
    """What a client reads in a minute: must do, can apply for, to confirm; each with its document."""
    model = report.model
    name = report.profile.get("name") or "（未填写企业名称）"
    out: list[Flowable] = [
        _p("惠企政策适用清单", st["title"]),
        _p(name, st["company"]),
        _p(f"评估日期：{report.as_of.isoformat()}　　打印日期：{printed.isoformat()}　　数据版本："
           f"{report.meta.get('data_version', '?')}" + (f"　　咨询人员：{officer}" if officer else ""), st["subtitle"]),
        Spacer(1, 3 * mm),
        _p(model.counts_text("　"), st["counts"]),
    ]
    related, general = model.section("related"), model.section("every_company")
    where = "见附录" if full else "附录本次未打印"
    out.append(_p(f"“适用”“可能适用”中，{general.count} 项是对所有企业都适用的一般规定，"
                  f"另有相关政策方向 {related.count} 项（鼓励、支持类，不是可直接申领的事项），{where}。", st["small"]))
    must, can, confirm = model.section("must_do"), model.section("can_apply"), model.section("to_confirm")
    w = width
    out.append(_p(f"一、必须办理和遵守（{must.count} 项，按本企业情况）", st["h1"]))
    if must.items:
        rows = []
        for item in must.items[:must_rows]:
            m = item.measure
            what = m.deadline or (m.requirement or m.summary)
            rows.append([_p(f"□ {_clip(m.title, 40)}", st["cell"]), _p(_clip(what, 50), st["cell"]),
                         _p(_basis(m), st["cellsmall"])])
        out.append(_overview_table(rows, [w * 0.36, w * 0.34, w * 0.30], ["事项", "时限或要求", "依据文件"], st))
        if must.count > must_rows:
            out.append(_p(f"另有 {must.count - must_rows} 项，见下文“{must.label}”部分。", st["small"]))
    else:
        out.append(_p("按目前填写的信息，没有针对本企业情况的必办事项。", st["small"]))
    out.append(_p(f"二、可以申请和使用（{can.count} 项，按本企业情况）", st["h1"]))
    if can.items:
        rows = []
        for item in can.items[:can_rows]:
            m = item.measure
            amount = "；".join(m.amounts) if m.amounts else (m.benefit or "文件未写明金额")
            dept = m.department if m.department != NOT_STATED else "文件未写明办理部门"
            rows.append([_p(f"□ {_clip(m.title, 40)}", st["cell"]), _p(_clip(amount, 50), st["cell"]),
                         _p(f"{_clip(dept, 30)}；{_basis(m)}", st["cellsmall"])])
        out.append(_overview_table(rows, [w * 0.36, w * 0.28, w * 0.36], ["事项", "金额与上限", "向谁申请；依据文件"], st))
        if can.count > can_rows:
            out.append(_p(f"另有 {can.count - can_rows} 项，见下文“{can.label}”部分。", st["small"]))
    else:
        out.append(_p("按目前填写的信息，没有确定可以申请的具体支持。", st["small"]))
    out.append(_p(f"三、需要确认（{confirm.count} 项）", st["h1"]))
    if confirm.items:
        rows = []
        questions = model.questions_to_confirm()
        for question, items in questions[:question_rows]:
            first = items[0].measure
            rows.append([_p(question, st["cell"]), _p(f"{len(items)} 项，如：{_clip(first.title, 36)}", st["cell"]),
                         _p(_basis(first), st["cellsmall"])])
        out.append(_overview_table(rows, [w * 0.36, w * 0.34, w * 0.30], ["回答这个问题", "即可确定", "依据文件（举例）"], st))
        if len(questions) > question_rows:
            out.append(_p(f"另有 {len(questions) - question_rows} 个问题，见下文“{confirm.label}”部分。", st["small"]))
    else:
        out.append(_p("没有需要进一步确认的事项。", st["small"]))
    return out


def build_story(report, questionnaire, officer: str | None = None, unlocks: Sequence | None = None,
                width: float = A4[0] - 2 * MARGIN, full: bool = False, printed: dt.date | None = None,
                height: float = A4[1] - 2 * MARGIN - 6 * mm) -> list[Flowable]:
    st = _styles()
    model = report.model
    printed = printed or dt.date.today()
    story = _Story()
    for f in _page_one(report, st, width, height, full, printed, officer):
        story.add(f)
    numbers = iter("一二三四五六七八九十")
    for key in ("must_do", "can_apply"):
        section = model.section(key)
        if not section.items:
            continue
        story.heading(_p(f"{next(numbers)}、{section.label}（{section.count}）", st["h1"]))
        story.heading(_p(section.note, st["small"]))
        for group in section.groups:
            story.heading(_p(f"{group.label}（{len(group.items)}）", st["h2"]))
            for previous, item in zip([None, *group.items], group.items):
                story.add(_measure_block(item, st, width, previous))
    confirm = model.section("to_confirm")
    if confirm.items:
        story.heading(_p(f"{next(numbers)}、{confirm.label}：回答问题即可确定（{confirm.count}）", st["h1"]))
        for question, items in model.questions_to_confirm():
            story.heading(_p(f"问：{question}（{len(items)} 项）", st["h2"]))
            def more(i):
                return f"；另需确认 {len(i.result.missing_facts) - 1} 个问题" if len(i.result.missing_facts) > 1 else ""
            for flowable in _by_document(items, st, more):
                story.add(flowable)
    inactive = [i for i in model.section("inactive").items if not i.measure.programme_level]
    if inactive:
        story.heading(_p(f"{next(numbers)}、已失效或尚未生效，请核实是否有后续政策", st["h1"]))
        def when(item) -> str:
            m = item.measure
            return f"；有效期至 {m.valid_to}" if item.status == "expired" else f"；{m.valid_from} 起施行"

        for flowable in _by_document(inactive[:MAX_EXPIRED], st, when):
            story.add(flowable)
        rest = model.section("inactive").count - min(len(inactive), MAX_EXPIRED)
        if rest:
            story.add(_p(f"另有 {rest} 项已失效或尚未生效的政策（含政策方向）未列出。", st["small"]))
    if unlocks:
        story.heading(_p(f"{next(numbers)}、可争取的政策（改变一项条件后可新增适用）", st["h1"]))
        for u in list(unlocks)[:5]:
            titles = "；".join(r.measure.title for r in u.measures[:6]) + ("等" if len(u.measures) > 6 else "")
            story.add(KeepTogether([_p(f"• 若{u.label}：可新增 {len(u.measures)} 项", st["item"]), _p(titles, st["small"])]))
    story.heading(_p("企业填写的信息（以上判断依据）", st["h1"]))
    story.add(_facts_table(report, questionnaire, st, width))
    story.add(Spacer(1, 3 * mm))
    story.add(_p("说明：“文件未写明”指所依据的政策文件没有规定该项内容；未写有效期的条目，所依据的文件未规定有效期限。", st["small"]))
    if full:
        _appendix(story, model, st)
    return story.done()


def _appendix(story: _Story, model, st) -> None:
    related = model.section("related")
    if related.items:
        story.heading(_p(f"附录一、相关政策方向（{related.count}）", st["h1"]))
        story.heading(_p(related.note, st["small"]))
        for group in related.groups:
            story.heading(_p(f"{group.label}（{len(group.items)}）", st["h2"]))
            for item in group.items:
                m = item.measure
                dept = m.department if m.department != NOT_STATED else "文件未写明"
                story.add(Paragraph(f"• {escape(m.title)}　<font color='#555555'>责任单位：{escape(dept)}；"
                                    f"{escape(_basis(m))}</font>", st["line"]))
    general = model.section("every_company")
    if general.items:
        story.heading(_p(f"附录二、对所有企业适用的一般规定（{general.count}）", st["h1"]))
        story.heading(_p(general.note, st["small"]))
        for group in general.groups:
            story.heading(_p(f"{group.label}（{len(group.items)}）", st["h2"]))
            def maybe(i):
                return "；可能适用" if i.status == "maybe" else ""
            for flowable in _by_document(group.items, st, maybe):
                story.add(flowable)


def _numbered_canvas(printed: dt.date, as_of: dt.date):
    """A canvas class that stamps the print date (PDF metadata) and writes the page footers."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            kwargs["invariant"] = 1
            kwargs["initialFontName"] = FONT
            super().__init__(*args, **kwargs)
            stamp = TimeStamp(invariant=1)
            t = calendar.timegm(printed.timetuple())
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
            self.drawString(MARGIN, FOOTER_GAP - 10, f"评估日期 {as_of.isoformat()}　打印日期 {printed.isoformat()}")
            self.drawRightString(width - MARGIN, FOOTER_GAP - 10, f"第 {self._pageNumber} 页 / 共 {total} 页")
            self.restoreState()

    return NumberedCanvas


def render_checklist(report, questionnaire, officer: str | None = None, unlocks: Sequence | None = None,
                     full: bool = False, printed: dt.date | None = None) -> bytes:
    """The checklist PDF as bytes (the same inputs and print date give the same bytes).

    ``full`` adds the appendix (related directions and rules for every company); the PDF's
    creation date and subject carry the print date, the pages both the print and evaluation dates.
    """
    register_font()
    printed = printed or dt.date.today()
    buf = io.BytesIO()
    name = report.profile.get("name") or "企业"
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + 6 * mm, title=f"惠企政策适用清单 - {name}", author="惠企政策通 Policy Desk",
        subject=f"评估日期 {report.as_of.isoformat()}；打印日期 {printed.isoformat()}", creator="Policy Desk",
        keywords=f"printed:{printed.isoformat()} as_of:{report.as_of.isoformat()}", invariant=1,
    )
    story = build_story(report, questionnaire, officer, unlocks, width=doc.width, full=full, printed=printed,
                        height=doc.height)
    doc.build(story, canvasmaker=_numbered_canvas(printed, report.as_of))
    return buf.getvalue()


def write_checklist_pdf(report, out_path: Path, library=None, officer: str | None = None,
                        unlocks: Sequence | None = None, questionnaire=None, full: bool = False,
                        printed: dt.date | None = None) -> Path:
    """Render and write the checklist atomically; raise WriteError / ReportError with a clear message."""
    if questionnaire is None:
        questionnaire = _questionnaire_for(library)
    data = render_checklist(report, questionnaire, officer, unlocks, full=full, printed=printed)
    write_bytes_atomic(Path(out_path), data)
    return Path(out_path)


def _questionnaire_for(library):
    from desktop.rules.store import load_engine_from_db

    if library is None:
        raise ReportError("生成清单需要政策数据库中的问卷定义。")
    return load_engine_from_db(library.conn).questionnaire


__all__ = ["render_checklist", "write_checklist_pdf", "ReportError", "build_story"]
