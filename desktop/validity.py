"""Whether something with stated dates is in force on a day: the one rule documents (reader,
search filters) and measures (the engine) share.

A window is the first and last day the text states, as ISO dates; an unstated end is open. The
day a document takes effect and the last day of its period both count as in force.
"""

from __future__ import annotations

import datetime as dt

IN_FORCE, NOT_YET, EXPIRED, UNSTATED = "in_force", "not_yet", "expired", "unstated"


def window_status(valid_from: str | None, valid_to: str | None, day: dt.date | str) -> str:
    """``not_yet`` before the first day, ``expired`` after the last, else ``in_force``, or
    ``unstated`` where the text gives neither date."""
    iso = day if isinstance(day, str) else day.isoformat()
    if valid_from and iso < valid_from:
        return NOT_YET
    if valid_to and iso > valid_to:
        return EXPIRED
    return IN_FORCE if (valid_from or valid_to) else UNSTATED
