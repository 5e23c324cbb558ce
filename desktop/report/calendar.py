"""Deadlines as an iCalendar file, for the company's own calendar.

One all-day event per date the text states: the end of an applying measure's validity window
(so the company can act before it closes) and the start of one not yet in force. Undated
deadlines ("施行之日起九十日内" without a printed date) are not invented into dates. The file is
deterministic: stable UIDs, DTSTAMP from the evaluation date.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from icalendar import Calendar, Event

from desktop.atomic import write_bytes_atomic

LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def calendar_events(report) -> list[tuple[dt.date, str, str, str]]:
    """(date, summary, description, uid) for every dated event of the report, in date order."""
    events = []
    for r in report.results:
        m = r.measure
        basis = f"依据：《{m.source.document}》{'（' + m.source.doc_number + '）' if m.source.doc_number else ''} {m.source.clause}"
        if r.status in ("applies", "maybe") and m.valid_to:
            events.append((dt.date.fromisoformat(m.valid_to), f"政策到期：{m.title}",
                           f"{m.summary}\n有效期：{m.validity_note}\n{basis}", f"{m.id}-end@policy-desk"))
        if r.status == "not_yet_in_force" and m.valid_from:
            events.append((dt.date.fromisoformat(m.valid_from), f"政策施行：{m.title}",
                           f"{m.summary}\n{m.validity_note}\n{basis}", f"{m.id}-start@policy-desk"))
    return sorted(events)


def _text(value: object) -> str:
    """Text that has a UTF-8 form: a lone surrogate (a damaged pasted character) becomes U+FFFD."""
    return LONE_SURROGATE.sub("\ufffd", str(value))


def render_ics(report) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Policy Desk//惠企政策通//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _text(f"惠企政策日程 - {report.profile.get('name') or '企业'}"))
    stamp = dt.datetime.combine(report.as_of, dt.time(0, 0), tzinfo=dt.UTC)
    for day, summary, description, uid in calendar_events(report):
        event = Event()
        event.add("uid", _text(uid))
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        if day < dt.date.max:  # an all-day event without DTEND lasts that day (RFC 5545 3.6.1)
            event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", _text(summary))
        event.add("description", _text(description))
        cal.add_component(event)
    return cal.to_ical()


def write_ics(report, out_path: Path) -> Path:
    write_bytes_atomic(Path(out_path), render_ics(report))
    return Path(out_path)
