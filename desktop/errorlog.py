"""The error log: where unexpected errors happened, kept in the user-data folder for support.

The person sees a short message; the log gets the command name (never the rest of the command
line: file names carry company names, ``--officer`` a person's name) and the traceback's code
locations with the exception's type, never its message (which may quote a company's answers).
The file is rotated at MAX_LOG_BYTES (the previous one is kept as ``error.log.1``). Used by the
command line and by the application's exception hook.
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from pathlib import Path

from desktop.paths import user_data_dir

LOG_NAME = "error.log"
MAX_LOG_BYTES = 256_000
MAX_ENTRY_CHARS = 30_000  # a deep recursion must not fill the log in one entry
MAX_CHAIN = 5


def scrubbed_traceback(exc: BaseException) -> str:
    """Frames and exception types of ``exc`` and its causes, without any exception message."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(parts) < MAX_CHAIN:
        seen.add(id(current))
        frames = "".join(traceback.StackSummary.extract(traceback.walk_tb(current.__traceback__),
                                                        capture_locals=False).format())
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        if isinstance(current, OSError) and current.errno is not None:
            kind += f" (errno {current.errno})"
        parts.append(f"Traceback (most recent call last):\n{frames}{kind}\n")
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    text = "\n(caused while handling / by)\n".join(reversed(parts))
    return text if len(text) <= MAX_ENTRY_CHARS else text[:MAX_ENTRY_CHARS] + "\n…(shortened)\n"


def _rotate(log_path: Path) -> None:
    try:
        if log_path.stat().st_size > MAX_LOG_BYTES:
            os.replace(log_path, log_path.with_name(LOG_NAME + ".1"))
    except OSError:
        pass


def record_error(exc: BaseException, command: str = "") -> Path | None:
    """Append where ``exc`` happened to error.log; return its path, or None when it cannot be written.

    ``command`` is the sub-command's name only (e.g. "match"), never the argument list.
    """
    log_path = user_data_dir() / LOG_NAME
    word = command if command.isascii() and command.replace("-", "").isalnum() and len(command) <= 40 else ""
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        _rotate(log_path)
        with log_path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} {word}".rstrip()
                     + f"\n{scrubbed_traceback(exc)}\n")
    except OSError:
        return None
    return log_path
