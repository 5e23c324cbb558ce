"""The policy library in sqlite: documents and their sections, written at build, read at run time.

Writing uses sqlite-utils; reading uses plain sqlite3 opened read-only, so a missing, truncated or
foreign file is reported as a :class:`LibraryError` with a message a person can act on.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.corpus.ingest import ParsedDocument, ingest_corpus
from desktop.corpus.normalize import normalize_for_match
from desktop.library.schema import REQUIRED_TABLES, read_meta
from desktop.paths import sqlite_readonly_uri

if TYPE_CHECKING:  # sqlite-utils (and the numpy it loads) only where the database is built
    import sqlite_utils

class LibraryError(Exception):
    """The policy database cannot be used; the message says why in Chinese and English."""

@dataclass(frozen=True)
class DocumentRow:
    id: str
    title: str
    doc_number: str | None
    issuers: list[str]
    issue_date: str | None
    effective_date: str | None
    expiry_date: str | None
    plan_start: str | None
    plan_end: str | None
    validity_note: str | None
    english_title: str | None
    domain: str | None
    category: str | None
    sources: list[dict]
    text: str

    @property
    def label(self) -> str:
        return f"{self.title}（{self.doc_number}）" if self.doc_number else self.title

@dataclass(frozen=True)
class SectionRow:
    id: str
    doc_id: str
    ordinal: int
    parent_id: str | None
    level: int
    kind: str
    label: str
    heading: str
    path: str
    text: str
    start_line: int
    end_line: int
    char_start: int
    char_end: int
    responsible: list[str]

# --------------------------------------------------------------------------- writing

def write_library(db: sqlite_utils.Database, corpus_dir: Path) -> dict[str, int]:
    """Parse the corpus and (re)write tables ``documents`` and ``sections``; return counts."""
    parsed = ingest_corpus(corpus_dir)
    for table in ("sections", "documents"):
        if db[table].exists():
            db[table].drop()
    documents, sections = db.table("documents"), db.table("sections")
    documents.insert_all((_document_record(i, pd) for i, pd in enumerate(parsed)), pk="id")
    sections.insert_all(
        (_section_record(pd, s) for pd in parsed for s in pd.sections),
        pk="id",
        foreign_keys=[("doc_id", "documents", "id")],
    )
    sections.create_index(["doc_id", "ordinal"])
    documents.create_index(["doc_number"])
    return {"documents": len(parsed), "sections": sum(len(pd.sections) for pd in parsed)}

def _document_record(ordinal: int, pd: ParsedDocument) -> dict[str, Any]:
    d = pd.doc
    return {
        "id": d.id,
        "ordinal": ordinal,
        "title": d.title,
        "title_norm": normalize_for_match(d.title),
        "doc_number": d.doc_number,
        "issuers": json.dumps(d.issuers, ensure_ascii=False),
        "issue_date": d.issue_date,
        "effective_date": d.effective_date,
        "expiry_date": d.expiry_date,
        "plan_start": d.plan_start,
        "plan_end": d.plan_end,
        "validity_note": d.validity_note,
        "english_title": d.english_title,
        "domain": d.domain,
        "category": d.category,
        "sources": json.dumps(d.sources, ensure_ascii=False),
        "text": pd.text,
    }

def _section_record(pd: ParsedDocument, s) -> dict[str, Any]:
    return {
        "id": f"{pd.doc.id}/{s.ordinal}",
        "doc_id": pd.doc.id,
        "ordinal": s.ordinal,
        "parent_id": f"{pd.doc.id}/{s.parent}" if s.parent is not None else None,
        "level": s.level,
        "kind": s.kind,
        "label": s.label,
        "heading": s.heading,
        "path": s.path,
        "text": s.text,
        "start_line": s.first_line,
        "end_line": s.last_line,
        "char_start": s.char_start,
        "char_end": s.char_end,
        "responsible": json.dumps(s.responsible, ensure_ascii=False),
    }

# --------------------------------------------------------------------------- reading

def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open ``path`` read-only and check it is a policy database; raise LibraryError otherwise."""
    if not path.exists():
        raise LibraryError(f"找不到政策数据库：{path}。请重新安装或导入数据包。(Policy database not found.)")
    try:
        conn = sqlite3.connect(sqlite_readonly_uri(path), uri=True, check_same_thread=False)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        conn.execute("PRAGMA quick_check(1)").fetchone()
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"政策数据库已损坏或不是有效的数据库文件：{path}（{exc}）。请重新安装或导入数据包。(Corrupt database.)") from None
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        conn.close()
        raise LibraryError(f"政策数据库不完整，缺少数据表：{', '.join(missing)}。请重新安装或导入数据包。(Incomplete database.)")
    return conn

class Library:
    """Read access to documents and sections of a policy database."""

    def __init__(self, path: Path):
        self.path = path
        self.conn = connect_readonly(path)
        self.conn.row_factory = sqlite3.Row
        self._documents: list[DocumentRow] | None = None

    def close(self) -> None:
        self.conn.close()

    def meta(self) -> dict[str, str]:
        return read_meta(self.conn)

    def documents(self) -> list[DocumentRow]:
        if self._documents is None:
            rows = self.conn.execute("SELECT * FROM documents ORDER BY ordinal").fetchall()
            self._documents = [_document_row(r) for r in rows]
        return self._documents

    def document(self, doc_id: str) -> DocumentRow | None:
        return next((d for d in self.documents() if d.id == doc_id), None)

    def find_document(self, title: str | None = None, doc_number: str | None = None) -> DocumentRow | None:
        """Find by 文号 (wins) or by title, both compared after normalisation."""
        if doc_number:
            want = normalize_for_match(doc_number)
            for d in self.documents():
                if d.doc_number and normalize_for_match(d.doc_number) == want:
                    return d
        if title:
            want = normalize_for_match(title)
            for d in self.documents():
                if normalize_for_match(d.title) == want:
                    return d
        return None

    def sections(self, doc_id: str) -> list[SectionRow]:
        rows = self.conn.execute("SELECT * FROM sections WHERE doc_id = ? ORDER BY ordinal", (doc_id,)).fetchall()
        return [_section_row(r) for r in rows]

    def section_at(self, doc_id: str, char_offset: int) -> SectionRow | None:
        """The innermost section whose text contains the character at ``char_offset``."""
        row = self.conn.execute(
            "SELECT * FROM sections WHERE doc_id = ? AND char_start <= ? ORDER BY char_start DESC, level DESC LIMIT 1",
            (doc_id, char_offset),
        ).fetchone()
        return _section_row(row) if row else None

    def find_quote(self, doc_id: str, quote: str) -> tuple[int, int] | None:
        """Where ``quote`` stands in the document's display text, matched after normalisation."""
        doc = self.document(doc_id)
        return locate(doc.text, quote) if doc else None

def _normalized_map(text: str) -> tuple[str, list[int]]:
    """``text`` normalised for matching, with the display offset of every normalised character."""
    chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for n in normalize_for_match(unicodedata.normalize("NFKC", ch)).lower():
            chars.append(n)
            index.append(i)
    return "".join(chars), index

def locate_all(text: str, needle: str) -> list[tuple[int, int]]:
    """Every place ``needle`` stands in ``text``, ignoring white space, width and case."""
    norm, index = _normalized_map(text)
    want = normalize_for_match(needle).lower()
    spans: list[tuple[int, int]] = []
    if not want:
        return spans
    pos = norm.find(want)
    while pos >= 0:
        spans.append((index[pos], index[pos + len(want) - 1] + 1))
        pos = norm.find(want, pos + len(want))
    return spans

def locate(text: str, quote: str) -> tuple[int, int] | None:
    """The first place ``quote`` stands in ``text`` (display offsets), or None."""
    spans = locate_all(text, quote)
    return spans[0] if spans else None

def _document_row(r: sqlite3.Row) -> DocumentRow:
    return DocumentRow(
        id=r["id"], title=r["title"], doc_number=r["doc_number"], issuers=json.loads(r["issuers"] or "[]"),
        issue_date=r["issue_date"], effective_date=r["effective_date"], expiry_date=r["expiry_date"],
        plan_start=r["plan_start"], plan_end=r["plan_end"], validity_note=r["validity_note"],
        english_title=r["english_title"], domain=r["domain"], category=r["category"],
        sources=json.loads(r["sources"] or "[]"), text=r["text"],
    )

def _section_row(r: sqlite3.Row) -> SectionRow:
    return SectionRow(
        id=r["id"], doc_id=r["doc_id"], ordinal=r["ordinal"], parent_id=r["parent_id"], level=r["level"],
        kind=r["kind"], label=r["label"], heading=r["heading"], path=r["path"], text=r["text"],
        start_line=r["start_line"], end_line=r["end_line"], char_start=r["char_start"], char_end=r["char_end"],
        responsible=json.loads(r["responsible"] or "[]"),
    )
