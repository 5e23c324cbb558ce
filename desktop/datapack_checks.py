"""What a pack's database must pass before it replaces the data in use (Qt-free).

A signature says who published a pack, not that this program can use it. So before the swap the
extracted database is opened and exercised the way the window and the checklist will use it:

1. SQLite's ``PRAGMA quick_check`` answers exactly "ok" (a zeroed page fails here);
2. the meta table carries the manifest's version, and every meta value that names a file
   (``sources_hash`` names the search-index folder) is a plain hex digest;
3. the rules load, and every measure is evaluated on probe companies (nothing answered, everything
   "yes", everything "no") on three dates, each result rendered as the results pane, the text
   report and the calendar render it;
4. every document and clause is read and rendered as the reader and the search filters use it.

Anything that raises is a refusal naming the measure or document, with the data in use untouched.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
PROBE_DATES = (dt.date(1990, 1, 1), dt.date.today(), dt.date(2099, 12, 31))


class ProbeError(Exception):
    """The database cannot be used by this program; the message is for the user (Chinese)."""


def check_integrity(conn: sqlite3.Connection) -> None:
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError:
        rows = []
    if rows != [("ok",)]:
        raise ProbeError("数据包中的数据库已损坏（SQLite 完整性检查未通过），未导入。")


def check_meta(meta: dict[str, Any], data_version: str) -> None:
    if meta.get("data_version") != data_version:
        raise ProbeError("数据包校验失败：数据库的版本与清单不符。")
    # The search index lives in a cache folder named after this value: never a path, only a digest.
    if not isinstance(meta.get("sources_hash"), str) or not HEX_DIGEST.fullmatch(meta["sources_hash"]):
        raise ProbeError("数据包中的数据库标识（sources_hash）无效：应为 64 位十六进制摘要。")


def probe_database(db: Path) -> None:
    """Evaluate and render every measure and document of ``db``; ProbeError naming the first failure."""
    from desktop.library.db import LibraryError
    from desktop.service import open_data

    try:
        data = open_data(db)
    except LibraryError:
        raise ProbeError("数据包中的政策规则无法被本程序读取（可能需要更新版本的程序）。") from None
    try:
        _probe_documents(data)
        _probe_measures(data)
    finally:
        data.close()


def _fail(what: str, ident: object) -> ProbeError:
    from desktop.datapack import plain_text

    name = f" {plain_text(ident, 60)}" if ident else ""
    return ProbeError(f"数据包中的{what}{name} 无法被本程序显示或评估，未导入。")


def _is_day(value: object) -> bool:
    if value is None:
        return True
    try:
        dt.date.fromisoformat(value)  # type: ignore[arg-type]
        return True
    except (TypeError, ValueError):
        return False


def _probe_documents(data) -> None:
    from desktop.session.citations import CitationIndex
    from desktop.session.docstatus import document_status, document_year

    try:
        documents = data.library.documents()
    except Exception:
        raise _fail("文件列表", "documents") from None
    for doc in documents:
        try:
            texts = (doc.title, doc.text)
            lists = (doc.issuers, doc.sources)
            if not all(isinstance(t, str) for t in texts) or not all(isinstance(x, list) for x in lists):
                raise TypeError
            if not all(isinstance(i, str) for i in doc.issuers):
                raise TypeError
            for value in (doc.doc_number, doc.validity_note, doc.english_title, doc.domain, doc.category):
                if value is not None and not isinstance(value, str):
                    raise TypeError
            if not all(_is_day(d) for d in (doc.issue_date, doc.effective_date, doc.expiry_date,
                                              doc.plan_start, doc.plan_end)):
                raise TypeError
            for day in PROBE_DATES:
                document_status(doc, day)
            document_year(doc)
            "、".join(doc.issuers)  # the reader's header
            for section in data.library.sections(doc.id):
                if not isinstance(section.text, str) or not isinstance(section.responsible, list):
                    raise TypeError
                if not (isinstance(section.char_start, int) and isinstance(section.char_end, int)):
                    raise TypeError
                data.library.section_at(doc.id, section.char_start)
        except Exception:
            raise _fail("文件", doc.id if isinstance(doc.id, str) else "?") from None
    try:  # what the window builds when it opens (quotes are located lazily, on plain strings)
        CitationIndex(data.library, data.engine.measures)
    except Exception:
        raise _fail("政策措施的出处", "") from None


def probe_profiles(questionnaire) -> list[dict[str, Any]]:
    """Three companies: nothing answered, every question answered "yes"/first/high, and "no"/last/low."""
    from desktop.rules.facts import ProfileError, validate_profile

    yes: dict[str, Any] = {}
    no: dict[str, Any] = {}
    for q in questionnaire.questions:
        choices = list(q.choices)
        if q.type == "bool":
            yes[q.fact], no[q.fact] = True, False
        elif q.type == "choice" and choices:
            yes[q.fact], no[q.fact] = choices[0], choices[-1]
        elif q.type == "multi":
            yes[q.fact], no[q.fact] = choices, []
        elif q.type in ("int", "number"):
            low = q.minimum if q.minimum is not None else 0
            high = q.maximum if q.maximum is not None else max(low, 0) + 100_000
            yes[q.fact], no[q.fact] = int(high), int(low) if float(low).is_integer() else low
        elif q.type == "date":
            yes[q.fact], no[q.fact] = "2020-01-01", "1990-01-01"
        else:
            yes[q.fact], no[q.fact] = "探测企业", ""
    out: list[dict[str, Any]] = [{}]
    for profile in (yes, no):
        clean: dict[str, Any] = {}
        for fact, value in profile.items():  # one by one: a question whose bounds we missed is left out
            try:
                clean.update(validate_profile({fact: value}, questionnaire))
            except ProfileError:
                continue
        out.append(clean)
    return out


def _probe_measures(data) -> None:
    from desktop.report.calendar import calendar_events
    from desktop.report.text import format_report
    from desktop.session.render import measure_detail_html, report_html

    for m in data.engine.measures:  # values used lazily (dates compared, quotes located in the reader)
        texts = (m.id, m.title, m.source.document, m.source.quote)
        if not (all(isinstance(t, str) for t in texts) and _is_day(m.valid_from) and _is_day(m.valid_to)
                and isinstance(m.source.doc_number, (str, type(None)))):
            raise _fail("政策措施", m.id)
    questionnaire = data.engine.questionnaire
    rendered: set[tuple[str, str]] = set()
    for profile in probe_profiles(questionnaire):
        for day in PROBE_DATES:
            try:
                report = data.match(profile, day)
            except Exception:
                raise _fail("政策措施", _first_failing(data, profile, day)) from None
            for result in report.results:
                if (result.measure.id, result.status) in rendered:
                    continue  # the pane's layout follows the status; its text comes from the measure
                rendered.add((result.measure.id, result.status))
                try:
                    measure_detail_html(result, questionnaire, day.isoformat())
                    calendar_events(SimpleNamespace(results=[result]))
                except Exception:
                    raise _fail("政策措施", result.measure.id) from None
            try:
                report_html(report)
                format_report(report, data.engine)
            except Exception:
                raise _fail("政策匹配清单", "") from None


def _first_failing(data, profile, day) -> str:
    facts = data.engine.facts_of(profile)
    for m in data.engine.measures:
        try:
            data.engine.evaluate_one(m, facts, day)
        except Exception:
            return m.id
    return "?"
