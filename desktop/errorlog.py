"""The error log: details of unexpected errors, kept in the user-data folder for support.

The person sees a short message; the traceback goes here. Used by the command line and by the
application's exception hook.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop.paths import user_data_dir


def record_error(details: str, context: str = "") -> Path | None:
    """Append ``details`` to error.log; return its path, or None when it cannot be written."""
    log_path = user_data_dir() / "error.log"
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat()} {context}".rstrip() + f"\n{details}\n")
    except OSError:
        return None
    return log_path
