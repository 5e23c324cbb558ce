"""HTML for the result details and for the print preview (Qt-free; Qt's rich text renders it).

Links inside the detail pane are ``question:<fact>`` (jump to the question that would settle a
"maybe") and ``source:<measure id>`` (open the cited clause in the reader).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from desktop.rules.engine import STATUS_LABELS, MeasureResult
from desktop.rules.facts import Questionnaire
from desktop.rules.measures import GROUP_LABEL, KINDS, NOT_STATED
from desktop.rules.result import stated_fields

STATUS_COLOURS = {
    "applies": "#1b7f3b",
    "maybe": "#b26a00",
    "related": "#1f5fa8",
    "expired": "#777777",
    "not_yet_in_force": "#6a4fa3",
    "not_applicable": "#777777",
}
SECTION_COLOURS = {
    "must_do": "#a12a1f",
    "can_apply": "#1b7f3b",
    "to_confirm": "#b26a00",
    "related": "#1f5fa8",
    "every_company": "#555555",
    "inactive": "#777777",
    "not_applicable": "#777777",
}
PRINTED_SECTIONS = ("must_do", "can_apply", "to_confirm", "inactive")
APPENDIX = ("related", "every_company")  # printed only when asked for (the checklist's appendix)


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def source_line(result: MeasureResult) -> str:
    s = result.measure.source
    number = f"（{e(s.doc_number)}）" if s.doc_number else ""
    return f"《{e(s.document)}》{number} {e(s.clause)}"


def validity_text(result: MeasureResult) -> str:
    m = result.measure
    if m.valid_from or m.valid_to:
        return f"{m.valid_from or '未规定'} 至 {m.valid_to or '未规定'}（{m.validity_note}）"
    return f"未规定（{m.validity_note}）"


def measure_detail_html(result: MeasureResult, questionnaire: Questionnaire, as_of: str) -> str:
    """The detail pane for one result."""
    m = result.measure
    programme = m.programme_level
    status_label = STATUS_LABELS[result.status]
    colour = STATUS_COLOURS[result.status]
    if result.status == "related" and result.missing_facts:
        status_label += "（可能相关）"
    parts = [
        f"<h3 style='margin-bottom:2px'>{e(m.title)}</h3>",
        f"<p style='margin-top:0'><span style='color:{colour};font-weight:bold'>{e(status_label)}</span>"
        f"　<span style='color:#555'>{e(KINDS[m.kind])} · {e(GROUP_LABEL[m.group])} · 评估日期 {e(as_of)}</span></p>",
        f"<p>{e(m.summary)}</p>",
    ]
    if programme:
        parts.append(
            "<p style='background:#eef3fb;padding:4px'>这是政策方向（鼓励、支持、探索类），不是可以直接申领的事项。"
            f"如有意向，请咨询责任单位：<b>{e(m.department)}</b>。</p>"
        )
    rows: list[tuple[str, str]] = []
    if m.benefit:
        rows.append(("支持内容", e(m.benefit)))
    if m.amounts:
        rows.append(("文件所列数额", "；".join(e(a) for a in m.amounts)))
    if m.requirement:
        rows.append(("企业需要做的", e(m.requirement)))
    who = "责任单位" if programme else "办理部门"
    if m.procedure == NOT_STATED and m.department == NOT_STATED:
        rows.append((f"{who}和办理方式", "文件未写明"))
    else:  # what the text does not state is said so, in the same words as the checklist
        rows.append(("办理方式", "文件未写明" if m.procedure == NOT_STATED else e(m.procedure)))
        rows.append((who, "文件未写明" if m.department == NOT_STATED else e(m.department)))
    if m.deadline:
        rows.append(("时限", f"<b>{e(m.deadline)}</b>"))
    rows.append(("有效期", e(validity_text(result))))
    parts.append("<table cellspacing='0' cellpadding='3'>")
    for key, value in rows:
        parts.append(f"<tr><td style='color:#555;white-space:nowrap' valign='top'>{key}</td><td>{value}</td></tr>")
    parts.append("</table>")
    if result.status in ("maybe", "related") and result.missing_facts:
        parts.append("<p><b>回答以下问题即可确定：</b></p><ul>")
        for fact in result.missing_facts:
            parts.append(f"<li><a href='question:{e(fact)}'>{e(questionnaire.label(fact))}</a></li>")
        parts.append("</ul>")
    parts.append("<p><b>判断理由</b></p><ul>")
    parts.extend(f"<li>{e(r)}</li>" for r in result.reasons)
    parts.append("</ul>")
    parts.append(
        f"<p><b>依据</b>：{source_line(result)}<br/>"
        f"<span style='color:#444'>“{e(m.source.quote)}”</span><br/>"
        f"<a href='source:{e(m.id)}'>在原文中查看此条款 →</a></p>"
    )
    return "".join(parts)


def report_html(report, officer: str | None = None, unlocks: Iterable | None = None, full: bool = False) -> str:
    """A printable checklist of the match (the print preview): the result model's sections in order;
    related directions and rules for every company only with ``full`` (as in the PDF)."""
    model = report.model
    company = report.profile.get("name") or "（未填写企业名称）"
    parts = [
        "<html><body style='font-size:10pt'>",
        "<h2>惠企政策通 · 政策匹配清单</h2>",
        f"<p>企业：<b>{e(company)}</b>　　评估日期：<b>{e(report.as_of.isoformat())}</b>"
        f"　　数据版本：{e(report.meta.get('data_version', '?'))}"
        + (f"　　咨询人员：{e(officer)}" if officer else "")
        + "</p>",
        f"<p>{e(model.counts_text('　'))}</p>",
        f"<p style='color:#555'>其中对所有企业适用的一般规定 {model.section('every_company').count} 项、"
        f"相关政策方向 {model.section('related').count} 项" + ("列于后面。</p>" if full else "本次未打印。</p>"),
        "<p style='color:#555'>本清单依据评估日期当日的政策文件自动生成，仅供参考；办理前请向主管部门核实。"
        "“相关政策方向”不是可直接申领的事项。</p>",
    ]
    for section in model.sections:
        if section.key not in PRINTED_SECTIONS + (APPENDIX if full else ()) or not section.items:
            continue
        parts.append(f"<h3 style='color:{SECTION_COLOURS[section.key]}'>{e(section.label)}（{section.count}）</h3>"
                     f"<p style='color:#555'>{e(section.note)}</p>")
        for group in section.groups:
            parts.append(f"<h4>{e(group.label)}</h4><ol>")
            for item in group.items:
                parts.append(_item_html(item))
            parts.append("</ol>")
    unlocks = list(unlocks or [])
    if unlocks:
        parts.append("<h3>可争取的政策</h3><ul>")
        for u in unlocks:
            titles = "、".join(e(r.measure.title) for r in u.measures[:6])
            parts.append(f"<li>若{e(u.label)}：可新增 {len(u.measures)} 条（{titles}）</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "".join(parts)


def _item_html(item) -> str:
    r, m = item.result, item.measure
    extra = [f"{label}：{e(value)}" for label, value in stated_fields(m)]
    extra.append(f"有效期：{e(validity_text(r))}")
    if item.question:
        extra.append(f"待确认：{e(item.question)}")
    extra.append(f"依据：{source_line(r)}")
    tag = f"（{STATUS_LABELS[r.status]}）" if r.status in ("expired", "not_yet_in_force") else ""
    return f"<li><b>{e(m.title)}</b>{e(tag)}　{e(m.summary)}<br/>" + "<br/>".join(extra) + "</li>"
