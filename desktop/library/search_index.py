"""The search index: SQLite FTS5 tables, written into policies.db at build or into a cache file.

Three tables answer every query without a scan in Python:
``search_words`` (FTS5, one jieba word per token, the dictionary words inside a long word too,
so 预付卡 finds 单用途预付卡), ``search_trigram`` (FTS5 trigram: any substring of three or more
characters, whatever the segmentation or a line break did to it), and ``search_sections`` (the
rows, folded text for checks and the text shown). ``search_docs`` holds one row per document.

``python -m desktop build`` writes the tables into policies.db. A database without them (an
older data pack) gets its index built once in the cache folder, named from the database's
``sources_hash`` — validated as a hex digest first, so a crafted value never reaches a path —
under a lock file, so two windows starting together build it once. A cache index that fails to
read is moved aside and rebuilt in a fresh folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Callable

from desktop.library.analyzer import index_words
from desktop.library.db import LibraryError, connect_readonly
from desktop.library.textfold import fold_chars, normalize_doc_numbers
from desktop.paths import sqlite_readonly_uri, user_cache_dir

INDEX_VERSION = "3"  # bump when the tables or the analyzer change
INDEX_FILE = "search.db"
LOCK_STALE_SECONDS = 600
HEX_DIGEST = re.compile(r"[0-9a-f]{16,128}")
DOC_TYPES = ("条例", "办法", "细则", "规定", "决定", "意见", "方案", "计划", "措施", "通告", "通知", "汇总")
_WHITESPACE = re.compile(r"\s+")

Progress = Callable[[int, int], None]


class IndexError_(LibraryError):
    """The index cannot be built or read; the message says why in Chinese."""


def document_type(title: str) -> str:
    """The kind of document: that of the attached text for 关于印发《…》的通知, else the title's own."""
    inner = re.findall(r"《([^》]+)》", title)
    for candidate in ([inner[-1]] if inner and "印发" in title else []) + [title]:
        bare = re.sub(r"[(（][^)）]*[)）]$", "", candidate.strip()).strip()
        for kind in DOC_TYPES:
            if bare.endswith(kind):
                return kind
    return "其他"


def fold_text(text: str) -> str:
    """The spelling both the index and the query compare: folded, 文号 unified, no white space."""
    return normalize_doc_numbers(_WHITESPACE.sub("", fold_chars(text)))


# --------------------------------------------------------------------------- writing


SCHEMA = """
CREATE TABLE search_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE search_docs (ordinal INTEGER PRIMARY KEY, doc_id TEXT, title TEXT, doc_number TEXT,
    norm_title TEXT, issuers TEXT, year INTEGER, doc_type TEXT, valid_from TEXT, valid_to TEXT,
    first_row INTEGER, last_row INTEGER);
CREATE TABLE search_sections (rowid INTEGER PRIMARY KEY, doc_ordinal INTEGER, section_id TEXT,
    section TEXT, text TEXT, norm TEXT);
CREATE VIRTUAL TABLE search_words USING fts5(body, content='', tokenize='unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE search_trigram USING fts5(body, content='', tokenize='trigram');
"""
TABLES = ("search_meta", "search_docs", "search_sections", "search_words", "search_trigram")


def write_search_tables(conn: sqlite3.Connection, source: sqlite3.Connection, stamp: str,
                        on_progress: Progress | None = None) -> int:
    """(Re)write the search tables in ``conn`` from the documents and sections of ``source``."""
    cur = source.cursor()
    cur.row_factory = sqlite3.Row  # on a cursor: the caller's connection keeps its own
    try:
        docs = cur.execute("SELECT * FROM documents ORDER BY ordinal").fetchall()
        sections = cur.execute("SELECT id, doc_id, path, text FROM sections ORDER BY doc_id, ordinal").fetchall()
    except sqlite3.DatabaseError as exc:
        raise IndexError_(f"政策数据库已损坏，无法建立检索索引（{exc}）。请重新安装或导入数据包。") from None
    for table in TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.executescript(SCHEMA)
    by_doc: dict[str, list] = {}
    for s in sections:
        by_doc.setdefault(s["doc_id"], []).append(s)
    total, done, rowid = len(sections), 0, 0
    for ordinal, doc in enumerate(docs):
        first = rowid + 1
        rows, words, trigrams = [], [], []
        for s in by_doc.get(doc["id"], []):
            rowid += 1
            norm = fold_text(s["text"])
            rows.append((rowid, ordinal, s["id"], s["path"] or "正文", s["text"], norm))
            words.append((rowid, " ".join(index_words(norm))))
            trigrams.append((rowid, norm))
        conn.executemany("INSERT INTO search_sections VALUES (?,?,?,?,?,?)", rows)
        conn.executemany("INSERT INTO search_words(rowid, body) VALUES (?,?)", words)
        conn.executemany("INSERT INTO search_trigram(rowid, body) VALUES (?,?)", trigrams)
        year = (doc["issue_date"] or doc["effective_date"] or "")[:4]
        conn.execute(
            "INSERT INTO search_docs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (ordinal, doc["id"], doc["title"], doc["doc_number"],
             fold_text(f"{doc['title']}{doc['doc_number'] or ''}"),
             json.dumps(json.loads(doc["issuers"] or "[]"), ensure_ascii=False),
             int(year) if year.isdigit() else None, document_type(doc["title"]),
             doc["effective_date"] or doc["plan_start"] or doc["issue_date"] or "",
             doc["expiry_date"] or doc["plan_end"] or "", first, rowid),
        )
        done += len(rows)
        if on_progress:
            on_progress(done, total)
    for name in ("search_words", "search_trigram"):
        conn.execute(f"INSERT INTO {name}({name}) VALUES ('optimize')")
    conn.executemany("INSERT INTO search_meta VALUES (?,?)", [("version", INDEX_VERSION), ("stamp", stamp)])
    return rowid


def has_current_tables(conn: sqlite3.Connection) -> bool:
    try:
        row = conn.execute("SELECT value FROM search_meta WHERE key = 'version'").fetchone()
    except sqlite3.DatabaseError:
        return False
    return bool(row) and row[0] == INDEX_VERSION


# --------------------------------------------------------------------------- location


def index_stamp(db_path: Path) -> str:
    """``<first 16 hex digits of sources_hash>-v<INDEX_VERSION>``; refuses anything but a hex digest."""
    conn = connect_readonly(db_path)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
    finally:
        conn.close()
    return f"{checked_sources_hash(meta.get('sources_hash'))[:16]}-v{INDEX_VERSION}"


def checked_sources_hash(value: object) -> str:
    """``value`` if it is a hex digest (16 to 128 hex digits, nothing else); IndexError_ otherwise.

    Anything that names a file or folder from a database's meta goes through here first.
    """
    text = str(value or "").strip().lower()
    if not HEX_DIGEST.fullmatch(text):
        raise IndexError_(
            f"政策数据库的来源校验值（sources_hash）无效：{text[:40]!r}。它应是十六进制摘要；"
            "该数据可能被篡改，请重新安装或导入可信的数据包。(Invalid sources_hash.)"
        )
    return text


def _cache_root() -> Path:
    return user_cache_dir() / "index"


def index_dir_for(db_path: Path) -> tuple[Path, bool]:
    """The folder of a separate index for ``db_path`` and whether it is ready to use.

    A prebuilt ``policies.index`` beside the database (the frozen bundle) comes first.
    """
    stamp = index_stamp(db_path)
    prebuilt = db_path.with_suffix(".index")
    if _stamp_of(prebuilt) == stamp:
        return prebuilt, True
    folder = _cache_root() / stamp
    return folder, _stamp_of(folder) == stamp


def _stamp_of(folder: Path) -> str | None:
    try:
        return (folder / "STAMP").read_text().strip() if (folder / INDEX_FILE).is_file() else None
    except OSError:
        return None


def build_index(db_path: Path, folder: Path, on_progress: Progress | None = None) -> Path:
    """Build a separate index for ``db_path`` into ``folder``, written beside it and renamed in."""
    stamp = index_stamp(db_path)
    tmp = folder.with_name(f"{folder.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.mkdir(parents=True)
    try:
        source = connect_readonly(db_path)
        out = sqlite3.connect(tmp / INDEX_FILE)
        try:
            with out:
                write_search_tables(out, source, stamp, on_progress)
        finally:
            out.close()
            source.close()
        (tmp / "STAMP").write_text(stamp)
        if folder.exists():
            _move_aside(folder)
        if folder.exists():  # still held open (Windows, another window): a fresh folder instead
            folder = folder.with_name(f"{folder.name}.{uuid.uuid4().hex[:8]}")
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


def _move_aside(folder: Path) -> None:
    """A damaged or outdated index folder is renamed away (then removed), never written into."""
    aside = folder.with_name(f"{folder.name}.old-{uuid.uuid4().hex[:8]}")
    try:
        os.replace(folder, aside)
    except OSError:
        return
    shutil.rmtree(aside, ignore_errors=True)


class _BuildLock:
    """A lock file beside the index folder, so two processes build one index one after the other."""

    def __init__(self, path: Path, timeout: float = 300.0):
        self.path, self.timeout = path, timeout

    def __enter__(self):
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                os.write(fd, str(os.getpid()).encode())
                os.close(fd)
                return self
            except FileExistsError:
                try:
                    if time.time() - self.path.stat().st_mtime > LOCK_STALE_SECONDS:
                        self.path.unlink()  # left by a killed process
                        continue
                except FileNotFoundError:
                    continue
                if time.monotonic() > deadline:
                    raise IndexError_("检索索引正由另一个窗口建立，等待超时。请稍后再试。") from None
                time.sleep(0.1)

    def __exit__(self, *exc):
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


def ensure_cache_index(db_path: Path, on_progress: Progress | None = None, damaged: bool = False) -> Path:
    """The ready index file for ``db_path``: built under the lock when missing (or ``damaged``)."""
    folder, ready = index_dir_for(db_path)
    if ready and not damaged:
        return folder / INDEX_FILE
    folder = _cache_root() / index_stamp(db_path)  # never rebuild a read-only prebuilt folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _BuildLock(folder.with_name(folder.name + ".lock")):
        if _stamp_of(folder) and not damaged:  # another process built it while we waited
            return folder / INDEX_FILE
        folder = build_index(db_path, folder, on_progress)
    return folder / INDEX_FILE


def open_index_connection(path: Path) -> sqlite3.Connection:
    """Open an index file read-only; raises sqlite3.DatabaseError when it is not readable."""
    conn = sqlite3.connect(sqlite_readonly_uri(path), uri=True, check_same_thread=False)
    if not has_current_tables(conn):
        conn.close()
        raise sqlite3.DatabaseError("search tables missing or outdated")
    return conn
