"""``policy-desk build``: rebuild policies.db from resources/ in one step.

corpus → documents and sections (desktop.library.db) → checked measures, questionnaire and size
standard (desktop.rules.store) → a meta table with the data version, the build date and a hash of
every input, so a test can tell when the committed database is stale. The file is written beside
the target and moved into place only when complete.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import sqlite_utils

from desktop import __version__
from desktop.library.db import write_library
from desktop.library.schema import write_meta
from desktop.library.search_index import write_search_tables
from desktop.paths import app_root
from desktop.rules.store import write_rules

# Inputs whose change makes the database stale: the data and the code that reads it.
SOURCE_GLOBS = (
    "resources/DATA_VERSION",
    "resources/corpus/*.txt",
    "resources/measures/*.yaml",
    "resources/questionnaire/*.yaml",
    "resources/reference/*.yaml",
    "desktop/corpus/*.py",
    "desktop/library/db.py",
    "desktop/library/schema.py",
    "desktop/library/analyzer.py",
    "desktop/library/search_index.py",
    "desktop/library/textfold.py",
    "desktop/library/thesaurus.py",
    "resources/search/*",
    "desktop/rules/conditions.py",
    "desktop/rules/facts.py",
    "desktop/rules/measures.py",
    "desktop/rules/store.py",
)


def sources_hash(root: Path) -> str:
    """SHA-256 over the names and bytes of every build input (line endings normalised)."""
    digest = hashlib.sha256()
    for pattern in SOURCE_GLOBS:
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
            digest.update(b"\0")
    return digest.hexdigest()


def data_version(root: Path) -> str:
    return (root / "resources" / "DATA_VERSION").read_text(encoding="utf-8").strip()


def build_database(out: Path, root: Path | None = None, build_date: str | None = None) -> dict[str, str]:
    """Build the database at ``out`` from ``root``/resources; return the meta written."""
    root = root or app_root()
    resources = root / "resources"
    tmp = out.with_name(out.name + ".building")
    if tmp.exists():
        tmp.unlink()
    try:
        db = sqlite_utils.Database(tmp)
        counts = write_library(db, resources / "corpus")
        with db.conn:
            n_measures = write_rules(db.conn, resources)
        meta = {
            "data_version": data_version(root),
            "build_date": build_date or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "sources_hash": sources_hash(root),
            "app_version": __version__,
            "documents": str(counts["documents"]),
            "sections": str(counts["sections"]),
            "measures": str(n_measures),
        }
        with db.conn:  # the search index lives in the database too (desktop.library.search_index)
            write_search_tables(db.conn, db.conn, meta["sources_hash"][:16])
        with db.conn:
            write_meta(db.conn, meta)
        db.conn.execute("VACUUM")
        db.conn.close()
        os.replace(tmp, out)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    return meta
