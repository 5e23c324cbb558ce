"""Start-up housekeeping: remove what saves killed midway left behind in the user-data folder.

desktop/atomic.py writes ``.NAME.XXXXXXXX.tmp`` beside the target (tempfile.mkstemp: a dot, the
target's name, eight random characters, ``.tmp``) and renames it over the target. A process
killed in between leaves that file behind, with a company's full profile in it. At start, such
files older than STALE_SECONDS are removed; a younger one may belong to a save running right now
in another window, and any file of another shape is not ours and is left alone.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from desktop.paths import user_data_dir

STALE_SECONDS = 10 * 60
MAX_DEPTH = 3  # profiles/, data/, history…: our folders are shallow
OUR_TEMP = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def sweep_stale_temps(folder: Path | None = None, older_than: float = STALE_SECONDS) -> list[Path]:
    """Remove our stale temporary files under ``folder`` (default: the user-data folder)."""
    root = Path(folder) if folder else user_data_dir()
    removed: list[Path] = []
    cutoff = time.time() - older_than
    for path in _files(root, MAX_DEPTH):
        if not OUR_TEMP.fullmatch(path.name):
            continue
        try:
            if path.is_symlink() or path.stat().st_mtime > cutoff:
                continue
            path.unlink()
            removed.append(path)
        except OSError:
            continue  # in use (Windows) or already gone: next start
    return removed


def _files(folder: Path, depth: int):
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                if depth > 0:
                    yield from _files(Path(entry.path), depth - 1)
            elif entry.is_file(follow_symlinks=False):
                yield Path(entry.path)
        except OSError:
            continue
