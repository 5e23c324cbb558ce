"""The plain-text form of a match report, for ``policy-desk match --format text``."""

from __future__ import annotations

from desktop.rules.engine import STATUS_LABELS, Engine
from desktop.rules.whatif import status_label
from desktop.rules.measures import KIND_GROUPS

ORDER = ("applies", "maybe", "expired", "not_yet_in_force")


def format_report(report, engine: Engine, unlocks=None) -> str:
    lines = [
        f"企业：{report.profile.get('name') or '（未填写名称）'}    评估日期：{report.as_of.isoformat()}    "
        f"数据版本：{report.meta.get('data_version', '?')}",
        "",
    ]
    counts = report.counts()
    lines.append("  ".join(f"{STATUS_LABELS[s]} {counts[s]}" for s in (*ORDER, "not_applicable")))
    for status in ORDER:
        results = report.by_status(status)
        if not results:
            continue
        lines += ["", f"== {STATUS_LABELS[status]}（{len(results)}）=="]
        for key, label, kinds in KIND_GROUPS:
            group = [r for r in results if r.measure.kind in kinds]
            if not group:
                continue
            lines.append(f"-- {label} --")
            for r in group:
                m = r.measure
                tag = "［政策方向］" if m.programme_level else ""
                lines.append(f"* {tag}{m.title}")
                lines.append(f"  {m.summary}")
                if m.benefit:
                    lines.append(f"  支持内容：{m.benefit}")
                if m.requirement:
                    lines.append(f"  要求：{m.requirement}")
                lines.append(f"  部门：{m.department}    办理：{m.procedure}")
                if m.deadline:
                    lines.append(f"  时限：{m.deadline}")
                for reason in r.reasons:
                    lines.append(f"  · {reason}")
                number = f"（{m.source.doc_number}）" if m.source.doc_number else ""
                lines.append(f"  依据：《{m.source.document}》{number} {m.source.clause}：“{m.source.quote}”")
    if unlocks:
        lines += ["", "== 可争取的政策 =="]
        for u in unlocks:
            lines.append(f"* 若{u.label}：可新增 {len(u.measures)} 条政策")
            for r in u.measures[:8]:
                lines.append(f"  - {r.measure.title}（{status_label(r)}）")
    return "\n".join(lines)
