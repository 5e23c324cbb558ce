"""Whether a document of the library is in force on a date (Qt-free), for the reader and filters."""

from __future__ import annotations

import datetime as dt

from desktop.service import DocumentRow
from desktop.validity import window_status

DOC_STATUS_LABELS = {
    "in_force": "有效",
    "unstated": "未规定有效期",
    "expired": "已过有效期",
    "not_yet": "尚未施行",
}


def document_window(doc: DocumentRow) -> tuple[str | None, str | None]:
    """The first and last day the document states (施行日期 / 规划起止 / 有效期至)."""
    return doc.effective_date or doc.plan_start, doc.expiry_date or doc.plan_end


def document_status(doc: DocumentRow, as_of: dt.date) -> str:
    """One of DOC_STATUS_LABELS' keys."""
    return window_status(*document_window(doc), as_of)


def document_year(doc: DocumentRow) -> int | None:
    """The year the search index files the document under (issue date, else effective date)."""
    year = (doc.issue_date or doc.effective_date or "")[:4]
    return int(year) if year.isdigit() else None
