"""The search index: a whoosh index for ranked word search, SQLite FTS5 trigram for substrings.

``python -m desktop build`` writes into policies.db: ``search_trigram`` (FTS5 trigram: any
substring of three or more characters, whatever the segmentation or a line break did to it),
``search_sections`` (the rows: folded text for checks and the text shown) and ``search_docs``
(one row per document). The whoosh index (one whoosh document per section: ``body``, and the
boosted ``title`` and ``doc_number`` of its document; desktop.library.analyzer) is built from
them into a folder: a prebuilt ``policies.index`` beside the database (the frozen bundle), else
once in the cache folder, named from the database's ``sources_hash`` — validated as a hex digest
first, so a crafted value never reaches a path — under a lock file, so two windows starting
together build it once. A database without the SQLite tables (an older data pack) gets them in
that folder too (``search.db``). A cache index that fails to read is moved aside and rebuilt in a
fresh folder. Whoosh document numbers are the sections' rowids (one segment, written in rowid
order after an empty document 0; checked at opening).
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
from collections.abc import Callable

from whoosh import index as whoosh_index
from whoosh.fields import STORED, TEXT, Schema

from desktop.library.analyzer import ChineseAnalyzer
from desktop.library.db import LibraryError, connect_readonly
from desktop.library.textfold import fold_chars, normalize_doc_numbers
from desktop.paths import sqlite_readonly_uri, user_cache_dir

INDEX_VERSION = "4"  # bump when the tables, the whoosh schema or the analyzer change
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


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """:func:`fold_text` of ``text`` and, for each folded character, its offset in ``text``."""
    index = [i for i, ch in enumerate(text) if not ch.isspace()]
    folded = fold_chars("".join(text[i] for i in index))
    if "号" in folded:
        folded = normalize_doc_numbers(folded)  # bracket for bracket: offsets stay valid
    return folded, index


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
CREATE VIRTUAL TABLE search_trigram USING fts5(body, content='', tokenize='trigram');
"""
TABLES = ("search_meta", "search_docs", "search_sections", "search_trigram")
OLD_TABLES = ("search_words",)  # index version 3 kept jieba words in FTS5; whoosh has them now


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
    for table in TABLES + OLD_TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.executescript(SCHEMA)
    by_doc: dict[str, list] = {}
    for s in sections:
        by_doc.setdefault(s["doc_id"], []).append(s)
    total, done, rowid = len(sections), 0, 0
    for ordinal, doc in enumerate(docs):
        first = rowid + 1
        rows, trigrams = [], []
        for s in by_doc.get(doc["id"], []):
            rowid += 1
            norm = fold_text(s["text"])
            rows.append((rowid, ordinal, s["id"], s["path"] or "正文", s["text"], norm))
            trigrams.append((rowid, norm))
        conn.executemany("INSERT INTO search_sections VALUES (?,?,?,?,?,?)", rows)
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
    conn.execute("INSERT INTO search_trigram(search_trigram) VALUES ('optimize')")
    conn.executemany("INSERT INTO search_meta VALUES (?,?)", [("version", INDEX_VERSION), ("stamp", stamp)])
    return rowid


WHOOSH_INDEX_NAME = "MAIN"


def whoosh_schema() -> Schema:
    analyzer = ChineseAnalyzer()
    return Schema(
        rowid=STORED(),
        title=TEXT(analyzer=analyzer, phrase=True, field_boost=2.0),  # counts for every section
        doc_number=TEXT(analyzer=analyzer, phrase=True, field_boost=2.0),
        body=TEXT(analyzer=analyzer, phrase=True),
    )


def write_whoosh_index(folder: Path, tables: sqlite3.Connection, on_progress: Progress | None = None) -> int:
    """One whoosh document per row of ``search_sections``, in rowid order (docnum = rowid)."""
    docs = {o: (t, n or "") for o, t, n in tables.execute("SELECT ordinal, title, doc_number FROM search_docs")}
    total = tables.execute("SELECT count(*) FROM search_sections").fetchone()[0]
    ix = whoosh_index.create_in(str(folder), whoosh_schema(), indexname=WHOOSH_INDEX_NAME)
    writer = ix.writer(limitmb=256)
    done = 0
    try:
        writer.add_document(rowid=0)  # an empty document 0, so that a whoosh docnum is the rowid
        for rowid, ordinal, text in tables.execute("SELECT rowid, doc_ordinal, text FROM search_sections ORDER BY rowid"):
            if rowid != done + 1:
                raise IndexError_("检索表的行号不连续，无法建立检索索引。请重新安装或导入数据包。")
            title, number = docs[ordinal]
            writer.add_document(rowid=rowid, title=title, doc_number=number, body=text)
            done += 1
            if on_progress and done % 200 == 0:
                on_progress(done, total)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    if on_progress:
        on_progress(total, total)
    return done


def open_whoosh(folder: Path, sections: int):
    """A whoosh searcher over ``folder``, checked: one segment, a document per section, the
    rowids where they belong. Any read error propagates (the caller rebuilds)."""
    ix = whoosh_index.open_dir(str(folder), indexname=WHOOSH_INDEX_NAME)
    searcher = ix.searcher()
    try:
        reader = searcher.reader()
        if reader.doc_count_all() != sections + 1 or reader.stored_fields(0).get("rowid") != 0 \
                or reader.stored_fields(sections).get("rowid") != sections:
            raise ValueError("whoosh index does not match the search tables")
        for field in ("title", "body"):
            reader.field_length(field)
    except BaseException:
        searcher.close()
        raise
    return searcher


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
    """The folder of the whoosh index for ``db_path`` and whether it is ready to use.

    A prebuilt ``policies.index`` beside the database (the frozen bundle) comes first.
    """
    stamp = index_stamp(db_path)
    needs_tables = not _db_has_tables(db_path)
    prebuilt = db_path.with_suffix(".index")
    if _stamp_of(prebuilt, needs_tables) == stamp:
        return prebuilt, True
    folder = _cache_root() / stamp
    return folder, _stamp_of(folder, needs_tables) == stamp


def _db_has_tables(db_path: Path) -> bool:
    conn = connect_readonly(db_path)
    try:
        return has_current_tables(conn)
    finally:
        conn.close()


def _stamp_of(folder: Path, needs_tables: bool = False) -> str | None:
    try:
        if needs_tables and not (folder / INDEX_FILE).is_file():
            return None
        if not whoosh_index.exists_in(str(folder), indexname=WHOOSH_INDEX_NAME):
            return None
        return (folder / "STAMP").read_text().strip()
    except OSError:
        return None


def build_index(db_path: Path, folder: Path, on_progress: Progress | None = None) -> Path:
    """Build the whoosh index for ``db_path`` into ``folder`` (with the SQLite search tables too
    when the database lacks them), written beside it and renamed in."""
    stamp = index_stamp(db_path)
    tmp = folder.with_name(f"{folder.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.mkdir(parents=True)
    try:
        source = connect_readonly(db_path)
        try:
            if has_current_tables(source):
                write_whoosh_index(tmp, source, on_progress)
            else:
                out = sqlite3.connect(tmp / INDEX_FILE)
                try:
                    with out:
                        write_search_tables(out, source, stamp)
                    write_whoosh_index(tmp, out, on_progress)
                finally:
                    out.close()
        finally:
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
    """The ready index folder for ``db_path``: built under the lock when missing (or ``damaged``)."""
    folder, ready = index_dir_for(db_path)
    if ready and not damaged:
        return folder
    folder = _cache_root() / index_stamp(db_path)  # never rebuild a read-only prebuilt folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _BuildLock(folder.with_name(folder.name + ".lock")):
        if _stamp_of(folder, not _db_has_tables(db_path)) and not damaged:  # built while we waited
            return folder
        folder = build_index(db_path, folder, on_progress)
    return folder


def open_index_connection(path: Path) -> sqlite3.Connection:
    """Open an index file read-only; raises sqlite3.DatabaseError when it is not readable."""
    conn = sqlite3.connect(sqlite_readonly_uri(path), uri=True, check_same_thread=False)
    if not has_current_tables(conn):
        conn.close()
        raise sqlite3.DatabaseError("search tables missing or outdated")
    return conn
