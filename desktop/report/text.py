"""The plain-text form of a match report, for ``policy-desk match --format text``.

It prints the sections of the result model (desktop.rules.result) in their ranked order, with the
same counts as every other face. Not-applicable measures are counted, not listed.
"""

from __future__ import annotations

from desktop.rules.engine import STATUS_LABELS, Engine
from desktop.rules.result import stated_fields
from desktop.rules.whatif import status_label

LISTED = ("must_do", "can_apply", "to_confirm", "related", "every_company", "inactive")


def format_report(report, engine: Engine, unlocks=None) -> str:
    model = report.model
    lines = [
        f"企业：{report.profile.get('name') or '（未填写名称）'}    评估日期：{report.as_of.isoformat()}    "
        f"数据版本：{report.meta.get('data_version', '?')}",
        "",
        model.counts_text("  "),
    ]
    for section in model.sections:
        if section.key not in LISTED or not section.items:
            continue
        lines += ["", f"== {section.label}（{section.count}）==", f"   {section.note}"]
        for group in section.groups:
            lines.append(f"-- {group.label} --")
            for item in group.items:
                lines.extend(_item_lines(item))
    if unlocks:
        lines += ["", "== 可争取的政策 =="]
        for u in unlocks:
            lines.append(f"* 若{u.label}：可新增 {len(u.measures)} 条政策")
            for r in u.measures[:8]:
                lines.append(f"  - {r.measure.title}（{status_label(r)}）")
    return "\n".join(lines)


def _item_lines(item) -> list[str]:
    r, m = item.result, item.measure
    tag = "" if r.status in ("applies", "maybe", "related") else f"（{STATUS_LABELS[r.status]}）"
    lines = [f"* {m.title}{tag}", f"  {m.summary}"]
    lines += [f"  {label}：{value}" for label, value in stated_fields(m)]
    if item.question:
        lines.append(f"  待确认：{item.question}")
    for reason in r.reasons:
        lines.append(f"  · {reason}")
    number = f"（{m.source.doc_number}）" if m.source.doc_number else ""
    lines.append(f"  依据：《{m.source.document}》{number} {m.source.clause}：“{m.source.quote}”")
    return lines
