"""Which evaluation dates (评估日期) make sense for the data at hand, said in Chinese.

Before the earliest document of the library the database cannot know what was in force; after
LATEST the question is idle (and dates near 9999-12-31 break date arithmetic). Both the window
and profile loading ask here, so a wrong date never turns into an English exception.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

LATEST = dt.date(2100, 12, 31)


def earliest_date(issue_dates: Iterable[str | None]) -> dt.date | None:
    """The earliest valid ISO date among the documents' issue dates (None if there is none)."""
    days = []
    for text in issue_dates:
        try:
            days.append(dt.date.fromisoformat(text)) if text else None
        except ValueError:
            continue
    return min(days, default=None)


def as_of_problem(day: dt.date, earliest: dt.date | None, latest: dt.date = LATEST) -> str | None:
    """Why ``day`` cannot be the evaluation date, or None when it can."""
    span = f"请选择 {earliest.isoformat() if earliest else '2000-01-01'} 至 {latest.isoformat()} 之间的日期。"
    if earliest is not None and day < earliest:
        return (f"评估日期 {day.isoformat()} 早于政策库中最早的文件（{earliest.isoformat()} 发布），"
                f"无法判断当时有效的政策。{span}")
    if day > latest:
        return f"评估日期 {day.isoformat()} 太远，政策库无法据此判断。{span}"
    return None
