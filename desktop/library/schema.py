"""The tables of policies.db and the one place that reads and writes its meta and rules tables.

policies.db holds the library (``documents``, ``sections``: written by desktop.library.db), the
curated rules (``measures``, one JSON record per measure in questionnaire order, and
``rules_data``: questionnaire and size standard, written by desktop.rules.store through this
module), ``meta`` (data version, build date, sources hash) and the search index's own tables
(desktop.library.search_index). Everything that reads meta or measure rows calls these
functions, so a change of layout is made here once.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any
from collections.abc import Iterable, Iterator, Mapping

from desktop.paths import sqlite_readonly_uri

REQUIRED_TABLES = ("documents", "sections", "meta", "measures", "rules_data")

MEASURE_COLUMNS = ("id", "ordinal", "kind", "title", "document", "doc_number", "clause", "quote",
                   "valid_from", "valid_to", "programme_level", "record")


# --------------------------------------------------------------------------- meta


def write_meta(conn: sqlite3.Connection, meta: Mapping[str, str]) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {key: value for key, value in conn.execute("SELECT key, value FROM meta")}


def read_meta_file(path: Path) -> dict[str, str]:
    """The meta table of the database at ``path`` (read-only); sqlite3 errors pass through."""
    conn = sqlite3.connect(sqlite_readonly_uri(path), uri=True)
    try:
        return read_meta(conn)
    finally:
        conn.close()


def read_data_version(path: Path) -> str | None:
    """The ``data_version`` of the database at ``path``, or None if it cannot be read (cheap)."""
    try:
        if not path.is_file():
            return None
        value = read_meta_file(path).get("data_version")
    except (sqlite3.Error, OSError):
        return None
    return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- rules


def create_rules_tables(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE IF EXISTS measures")
    conn.execute("DROP TABLE IF EXISTS rules_data")
    conn.execute(
        "CREATE TABLE measures (id TEXT PRIMARY KEY, ordinal INTEGER, kind TEXT, title TEXT, "
        "document TEXT, doc_number TEXT, clause TEXT, quote TEXT, valid_from TEXT, valid_to TEXT, "
        "programme_level INTEGER, record TEXT)"
    )
    conn.execute("CREATE TABLE rules_data (key TEXT PRIMARY KEY, value TEXT)")


def insert_measures(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Rows in MEASURE_COLUMNS order; ``record`` is the measure's JSON record."""
    conn.executemany(f"INSERT INTO measures VALUES ({','.join('?' * len(MEASURE_COLUMNS))})", rows)


def write_rules_data(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO rules_data VALUES (?,?)", (key, value))


def read_rules_data(conn: sqlite3.Connection) -> dict[str, str]:
    return {key: value for key, value in conn.execute("SELECT key, value FROM rules_data")}


def measure_records(conn: sqlite3.Connection) -> Iterator[str]:
    """Each measure's JSON record, in questionnaire order."""
    for (record,) in conn.execute("SELECT record FROM measures ORDER BY ordinal"):
        yield record


def measure_summaries(path: Path) -> dict[str, dict[str, Any]]:
    """id → title, valid_to and parsed record of every measure in the database at ``path``
    (what a data pack's changelog compares)."""
    conn = sqlite3.connect(sqlite_readonly_uri(path), uri=True)
    try:
        rows = conn.execute("SELECT id, title, valid_to, record FROM measures").fetchall()
    finally:
        conn.close()
    out = {}
    for mid, title, valid_to, record in rows:
        try:
            rec = json.loads(record) if record else {}
        except ValueError:
            rec = {"_raw": record}
        out[mid] = {"title": title, "valid_to": valid_to, "record": rec}
    return out
