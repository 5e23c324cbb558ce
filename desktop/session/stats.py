"""Statistics over the consultation records, and their CSV / Excel exports (Qt-free).

Aggregates only: the statistics read the store's per-day counts (date, district, industries, size
class, measures, 不确定 answers, what-if suggestions, adviser, data version) and never the company
name, the profile file or the profile itself, so no export can name a company.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path
from typing import Any
from collections.abc import Iterable

from desktop.session.records import RecordStore

SIZE_LABELS = {"large": "大型企业", "medium": "中型企业", "small": "小型企业", "micro": "微型企业"}
UNKNOWN = "未填写"
UNKNOWN_SIZE = "无法判断"
TOP = 20

# The sections every face shows, in order: (key, Chinese title, name of the key column).
SECTIONS = (
    ("by_week", "按周", "周（起始日）"),
    ("by_month", "按月", "月份"),
    ("by_district", "按区", "区"),
    ("by_industry", "按行业", "行业"),
    ("by_size", "按企业规模", "规模"),
    ("by_adviser", "按咨询人员", "咨询人员"),
    ("applies_top", "最常适用的政策", "政策"),
    ("maybe_top", "最常“待确认”（可能适用）的政策", "政策"),
    ("unsure_top", "最常回答“不确定”的问题", "问题"),
    ("whatif_top", "提出的“可争取”建议", "建议"),
)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def compute(store: RecordStore, since: dt.date | None = None, until: dt.date | None = None,
            current_data_version: str | None = None, top: int = TOP) -> dict[str, Any]:
    """Counts over the consultations recorded from ``since`` to ``until`` (days included).

    Read from the store's per-day counts (one row per day and item), so the cost grows with the
    days in the range, not with the number of consultations.
    """
    labels = store.labels()
    names = {"applies": labels.get("measure", {}), "maybe": labels.get("measure", {}),
             "unsure": labels.get("fact", {}), "industry": labels.get("industry", {}),
             "size": {**SIZE_LABELS, **labels.get("size", {})}}
    daily, summed = store.summed_counts(since, until)
    per_day: Counter = Counter(dict(daily))
    totals: dict[str, Counter] = {}
    for kind, item, n in summed:
        totals.setdefault(kind, Counter())[item] = n
    days = sorted(dt.date.fromisoformat(d) for d, n in per_day.items() if n > 0)
    weeks: Counter = Counter()
    months: Counter = Counter()
    for day in days:
        n = per_day[day.isoformat()]
        weeks[week_start(day)] += n
        months[day.strftime("%Y-%m")] += n

    def listed(kind: str, unknown: str = UNKNOWN, limit: int | None = None) -> list[dict]:
        counter = totals.get(kind, Counter())
        items = sorted(((k, n) for k, n in counter.items() if n > 0), key=lambda kv: (-kv[1], kv[0] == "", kv[0]))
        own = names.get(kind, {})
        return [{"key": k or unknown, "label": own.get(k, k) if k else unknown, "count": n} for k, n in items[:limit]]

    by_week = []
    if weeks:
        first, last = min(weeks), max(weeks)
        if since is not None:
            first = min(first, week_start(since))
        if until is not None:
            last = max(last, week_start(until))
        w = first
        while w <= last:  # every week, empty ones too: the timeline shows the gaps
            iso = w.isocalendar()
            by_week.append({"key": w.isoformat(), "label": f"{iso[0]}年第{iso[1]}周", "count": weeks.get(w, 0)})
            w += dt.timedelta(days=7)
    return {
        "range": {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None,
                  "first_record": days[0].isoformat() if days else None,
                  "last_record": days[-1].isoformat() if days else None},
        "data_version": current_data_version,
        "data_versions": listed("version", "未知"),
        "consultations": sum(per_day.values()),
        "by_week": by_week,
        "by_month": [{"key": m, "label": m, "count": n} for m, n in sorted(months.items())],
        "by_district": listed("district"),
        "by_industry": listed("industry"),
        "by_size": listed("size", UNKNOWN_SIZE),
        "by_adviser": listed("adviser"),
        "applies_top": listed("applies", limit=top),
        "maybe_top": listed("maybe", limit=top),
        "unsure_top": listed("unsure", limit=top),
        "whatif_top": listed("whatif", limit=top),
        "whatif_suggestions": sum(totals.get("whatif", Counter()).values()),
    }


def describe_range(stats: dict[str, Any]) -> str:
    r = stats["range"]
    return f"{r['since'] or (r['first_record'] or '（无记录）')} 至 {r['until'] or (r['last_record'] or '（无记录）')}"


def header_rows(stats: dict[str, Any]) -> list[list[Any]]:
    """The lines every export starts with: what, when, which data."""
    versions = "、".join(f"{v['key']}（{v['count']} 次）" for v in stats["data_versions"]) or "—"
    return [
        ["惠企政策通 咨询统计（汇总数据，不含企业名称）"],
        ["统计区间", describe_range(stats)],
        ["当前政策数据版本", stats.get("data_version") or "未知"],
        ["咨询所用数据版本", versions],
        ["咨询次数", stats["consultations"]],
        ["“可争取”建议次数", stats["whatif_suggestions"]],
        ["生成时间", dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")],
    ]


def _section_rows(stats: dict[str, Any], key: str) -> Iterable[list[Any]]:
    for item in stats[key]:
        code = item.get("key", "")
        yield [code, item["label"] if item["label"] != code else "", item["count"]]


def to_csv(stats: dict[str, Any]) -> str:
    """One CSV: the header lines, then one block per section (类别, 代码, 名称, 次数)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for row in header_rows(stats):
        w.writerow(row)
    w.writerow([])
    w.writerow(["类别", "代码", "名称", "次数"])
    for key, title, _ in SECTIONS:
        for row in _section_rows(stats, key):
            w.writerow([title, *row])
    return out.getvalue()


def write_csv(stats: dict[str, Any], path: Path) -> None:
    from desktop.atomic import write_bytes_atomic

    write_bytes_atomic(Path(path), to_csv(stats).encode("utf-8-sig"))  # the BOM lets Excel read UTF-8


def write_xlsx(stats: dict[str, Any], path: Path) -> None:
    """An Excel workbook: 概况 first, then one sheet per section."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from desktop.atomic import atomic_target

    wb = Workbook()
    ws = wb.active
    ws.title = "概况"
    for row in header_rows(stats):
        ws.append(row)
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 40
    for key, title, key_name in SECTIONS:
        sheet = wb.create_sheet(title[:31].replace("“", "").replace("”", ""))
        sheet.append([f"{title}（统计区间 {describe_range(stats)}，数据版本 {stats.get('data_version') or '未知'}）"])
        sheet.append([key_name, "名称", "次数"])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in _section_rows(stats, key):
            sheet.append(row)
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 60
    with atomic_target(Path(path)) as tmp:
        wb.save(tmp)
