"""Statistics over the consultation records, and their CSV / Excel exports (Qt-free).

Aggregates only: the statistics read the columns they count (date, district, industries, size
class, measures, 不确定 answers, what-if suggestions, adviser, data version) and never the company
name, the profile file or the profile itself, so no export can name a company.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from desktop.session.records import RecordStore

SIZE_LABELS = {"large": "大型企业", "medium": "中型企业", "small": "小型企业", "micro": "微型企业"}
UNKNOWN = "未填写"
UNKNOWN_SIZE = "无法判断"
TOP = 20
COLUMNS = ("recorded_at", "data_version", "adviser", "district", "size_class", "industries", "applies", "maybe",
           "unsure", "whatif")

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


def _json_list(text: str | None) -> list:
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:  # a damaged value costs that field, never the statistics
        return []
    return value if isinstance(value, list) else []


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def compute(store: RecordStore, since: dt.date | None = None, until: dt.date | None = None,
            current_data_version: str | None = None, top: int = TOP) -> dict[str, Any]:
    """Counts over the consultations recorded from ``since`` to ``until`` (days included)."""
    rows = store.rows(COLUMNS, since, until)
    labels = store.labels()
    titles, facts = labels.get("measure", {}), labels.get("fact", {})
    industries_l = labels.get("industry", {})
    sizes_l = {**SIZE_LABELS, **labels.get("size", {})}

    weeks: Counter = Counter()
    months: Counter = Counter()
    districts: Counter = Counter()
    industries: Counter = Counter()
    sizes: Counter = Counter()
    advisers: Counter = Counter()
    versions: Counter = Counter()
    applies: Counter = Counter()
    maybe: Counter = Counter()
    unsure: Counter = Counter()
    whatif: Counter = Counter()
    whatif_fact: dict[str, str] = {}
    days: list[dt.date] = []
    for recorded_at, version, adviser, district, size, inds, app, may, uns, wif in rows:
        try:
            day = dt.date.fromisoformat(str(recorded_at)[:10])
        except ValueError:
            continue
        days.append(day)
        weeks[week_start(day)] += 1
        months[day.strftime("%Y-%m")] += 1
        districts[district or UNKNOWN] += 1
        found = [i for i in _json_list(inds) if isinstance(i, str)]
        industries.update(set(found) or {UNKNOWN})
        sizes[size or UNKNOWN_SIZE] += 1
        advisers[adviser or UNKNOWN] += 1
        versions[version or "未知"] += 1
        applies.update(set(m for m in _json_list(app) if isinstance(m, str)))
        maybe.update(set(m for m in _json_list(may) if isinstance(m, str)))
        unsure.update(set(f for f in _json_list(uns) if isinstance(f, str)))
        for w in _json_list(wif):
            if isinstance(w, dict) and isinstance(w.get("label"), str):
                whatif[w["label"]] += 1
                whatif_fact.setdefault(w["label"], str(w.get("fact") or ""))

    def listed(counter: Counter, label=lambda k: k, key_name="key", limit: int | None = None) -> list[dict]:
        items = sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
        return [{key_name: k, "label": label(k), "count": n} for k, n in items[:limit]]

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
                  "first_record": min(days).isoformat() if days else None,
                  "last_record": max(days).isoformat() if days else None},
        "data_version": current_data_version,
        "data_versions": listed(versions),
        "consultations": len(days),
        "by_week": by_week,
        "by_month": [{"key": m, "label": m, "count": n} for m, n in sorted(months.items())],
        "by_district": listed(districts),
        "by_industry": listed(industries, lambda k: industries_l.get(k, k)),
        "by_size": listed(sizes, lambda k: sizes_l.get(k, k)),
        "by_adviser": listed(advisers),
        "applies_top": listed(applies, lambda k: titles.get(k, k), limit=top),
        "maybe_top": listed(maybe, lambda k: titles.get(k, k), limit=top),
        "unsure_top": listed(unsure, lambda k: facts.get(k, k), limit=top),
        "whatif_top": listed(whatif, limit=top),
        "whatif_suggestions": sum(whatif.values()),
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
