"""Full-text search over documents and sections with whoosh.

The index is derived data: it is built from policies.db into a cache folder keyed by the
database's ``sources_hash`` (so a new data pack gets a new index and the shipped data is never
written), or read from a prebuilt ``policies.index`` folder beside the database (the frozen
bundle). Queries are parsed here, not by whoosh's parser: words separated by spaces must all
occur, ``"…"`` is a phrase, ``OR`` / ``或`` joins alternatives; malformed input gives a message,
never an exception. Every hit is checked against its text, so an AND query never returns a
section that lacks one of its words.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.query import And, Or, Phrase, Query, Term

from desktop.corpus.normalize import normalize_for_match
from desktop.library.analyzer import ChineseAnalyzer, DOC_NUMBER, normalize_doc_number, segment
from desktop.library.db import LibraryError, connect_readonly, locate_all
from desktop.paths import user_cache_dir

MAX_QUERY_CHARS = 200
SNIPPET_CHARS = 90
CANDIDATES_PER_HIT = 8  # hits fetched per wanted hit, before the text check
MAX_HITS_PER_DOCUMENT = 3  # so one long document does not crowd out the others
INDEX_VERSION = "2"  # bump when the schema or the analyzer changes
DOC_TYPES = ("条例", "办法", "细则", "规定", "决定", "意见", "方案", "计划", "措施", "通告", "通知", "汇总")


def document_type(title: str) -> str:
    """The kind of document: that of the attached text for 关于印发《…》的通知, else the title's own."""
    inner = re.findall(r"《([^》]+)》", title)
    for candidate in ([inner[-1]] if inner and "印发" in title else []) + [title]:
        bare = re.sub(r"[(（][^)）]*[)）]$", "", candidate.strip()).strip()
        for kind in DOC_TYPES:
            if bare.endswith(kind):
                return kind
    return "其他"


def in_force_status(valid_from: str, valid_to: str, as_of: str) -> str:
    """in_force | not_yet | expired, from a document's stated dates (unstated ends are open)."""
    if valid_from and as_of < valid_from:
        return "not_yet"
    if valid_to and as_of > valid_to:
        return "expired"
    return "in_force"

Progress = Callable[[int, int], None]


def schema() -> Schema:
    analyzer = ChineseAnalyzer()
    return Schema(
        key=ID(stored=True, unique=True),
        kind=ID(stored=True),  # document | section
        doc_id=ID(stored=True),
        section_id=ID(stored=True),
        doc_title=TEXT(analyzer=analyzer, stored=True, field_boost=2.0),
        doc_number=ID(stored=True),
        section=STORED(),
        issuer=KEYWORD(stored=True, commas=True),
        year=NUMERIC(stored=True),
        domain=ID(stored=True),
        doc_type=ID(stored=True),  # 条例, 办法, 通知, 方案 … (see document_type)
        valid_from=STORED(),
        valid_to=STORED(),
        content=TEXT(analyzer=analyzer, stored=True, phrase=True),
    )


# --------------------------------------------------------------------------- index location


def _db_stamp(conn: sqlite3.Connection) -> str:
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    return f"{meta.get('sources_hash', 'unknown')[:16]}-v{INDEX_VERSION}"


def index_dir_for(db_path: Path) -> tuple[Path, bool]:
    """The index folder for ``db_path`` and whether it is ready to use."""
    conn = connect_readonly(db_path)
    try:
        stamp = _db_stamp(conn)
    finally:
        conn.close()
    prebuilt = db_path.with_suffix(".index")
    if (prebuilt / "STAMP").exists() and (prebuilt / "STAMP").read_text().strip() == stamp:
        return prebuilt, True
    folder = user_cache_dir() / "index" / stamp
    return folder, (folder / "STAMP").exists()


def build_index(db_path: Path, folder: Path, on_progress: Progress | None = None) -> Path:
    """Index every document and section of ``db_path`` into ``folder`` (replaced atomically)."""
    conn = connect_readonly(db_path)
    conn.row_factory = sqlite3.Row
    try:
        stamp = _db_stamp(conn)
        docs = {r["id"]: r for r in conn.execute("SELECT * FROM documents")}
        sections = conn.execute("SELECT * FROM sections ORDER BY doc_id, ordinal").fetchall()
    except sqlite3.DatabaseError as exc:  # a page damaged after the quick check at opening
        raise LibraryError(f"政策数据库已损坏，无法建立检索索引：{db_path}（{exc}）。请重新安装或导入数据包。"
                           "(Corrupt database.)") from None
    finally:
        conn.close()
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    ix = whoosh_index.create_in(str(tmp), schema())
    writer = ix.writer(limitmb=128)
    total = len(docs) + len(sections)
    done = 0

    def common(doc: sqlite3.Row) -> dict:
        year = (doc["issue_date"] or doc["effective_date"] or "")[:4]
        return {
            "doc_id": doc["id"],
            "doc_title": doc["title"],
            "doc_number": doc["doc_number"] or "",
            "issuer": ",".join(json.loads(doc["issuers"] or "[]")),
            "year": int(year) if year.isdigit() else None,
            "domain": doc["domain"] or "",
            "doc_type": document_type(doc["title"]),
            "valid_from": doc["effective_date"] or doc["plan_start"] or doc["issue_date"] or "",
            "valid_to": doc["expiry_date"] or doc["plan_end"] or "",
        }

    for doc in docs.values():
        fields = common(doc)
        fields = {k: v for k, v in fields.items() if v is not None}
        writer.add_document(key=doc["id"], kind="document", section_id="", section="",
                            content=f"{doc['title']}\n{doc['doc_number'] or ''}", **fields)
        done += 1
        if on_progress and done % 50 == 0:
            on_progress(done, total)
    for s in sections:
        fields = {k: v for k, v in common(docs[s["doc_id"]]).items() if v is not None}
        section = " ".join(p for p in (s["path"],) if p) or "正文"
        writer.add_document(key=s["id"], kind="section", section_id=s["id"], section=section,
                            content=s["text"], **fields)
        done += 1
        if on_progress and done % 50 == 0:
            on_progress(done, total)
    writer.commit()
    (tmp / "STAMP").write_text(stamp)
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)
    if on_progress:
        on_progress(total, total)
    return folder


def _open_checked(folder: Path):
    """Open the index and one reader over it, so a damaged index fails here and not mid-search."""
    ix = whoosh_index.open_dir(str(folder))
    reader = ix.reader()
    try:
        reader.doc_count()
    finally:
        reader.close()
    return ix


def open_index(db_path: Path, on_progress: Progress | None = None):
    folder, ready = index_dir_for(db_path)
    if ready:
        try:
            return _open_checked(folder)
        except Exception:  # a damaged index (truncated cache file, half-copied bundle): rebuild it
            folder = user_cache_dir() / "index" / (folder / "STAMP").read_text().strip()
    folder.parent.mkdir(parents=True, exist_ok=True)
    build_index(db_path, folder, on_progress)
    return whoosh_index.open_dir(str(folder))


# --------------------------------------------------------------------------- query parsing


class QueryError(ValueError):
    """The query cannot be searched; the message says why, in Chinese."""


@dataclass(frozen=True)
class Clause:
    """One required clause: any of its alternatives (a word or a phrase) must occur."""

    alternatives: tuple[tuple[str, bool], ...]  # (text, is_phrase)


def parse_query(text: str) -> list[Clause]:
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"查询过长（{len(text)} 字），请缩短到 {MAX_QUERY_CHARS} 字以内。")
    text = unicodedata.normalize("NFKC", text)
    # Chinese quotation marks typed in an IME count as phrase quotes.
    text = text.translate(str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"'}))
    # Invisible control and format characters (zero-width spaces, direction marks pasted from a
    # PDF, stray control bytes) would make a word unfindable by the text check: drop them.
    text = "".join(" " if ch in "\t\n\r" else ch for ch in text
                   if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cf"))
    # A 文号 typed with spaces ("京政发〔2021〕33 号") is one word, not two.
    text = DOC_NUMBER.sub(lambda m: normalize_doc_number(m.group(0)), text)
    # An unbalanced quote is read as a space rather than refused: what was typed is still searched.
    if text.count('"') % 2:
        last = text.rfind('"')
        text = text[:last] + " " + text[last + 1 :]
    parts: list[tuple[str, bool]] = []
    for m in re.finditer(r'"([^"]*)"|(\S+)', text):
        if m.group(1) is not None:
            if m.group(1).strip():
                parts.append((m.group(1).strip(), True))
        else:
            parts.append((m.group(2), False))
    clauses: list[list[tuple[str, bool]]] = []
    pending_or = False
    for word, is_phrase in parts:
        if not is_phrase and word in ("OR", "或", "|"):
            if not clauses:
                raise QueryError("“OR / 或” 前面缺少词语。")
            pending_or = True
            continue
        if not is_phrase and word in ("AND", "和", "&", "+"):
            continue  # words are joined by AND anyway
        if not _searchable(word):
            continue
        if pending_or:
            clauses[-1].append((word, is_phrase))
            pending_or = False
        else:
            clauses.append([(word, is_phrase)])
    if pending_or:
        raise QueryError("“OR / 或” 后面缺少词语。")
    if not clauses:
        raise QueryError("查询中没有可搜索的词语。")
    return [Clause(tuple(c)) for c in clauses]


def _searchable(word: str) -> bool:
    return any(tok for tok, *_ in segment(word, with_subwords=False))


def _tokens(text: str) -> list[str]:
    return [tok for tok, _s, _e, _sub in segment(text, with_subwords=False)]


def _clause_query(clause: Clause) -> Query:
    options: list[Query] = []
    for text, is_phrase in clause.alternatives:
        tokens = _tokens(text)
        for field in ("content", "doc_title"):
            if len(tokens) == 1:
                options.append(Term(field, tokens[0]))
            elif is_phrase:
                options.append(Phrase(field, tokens))
            else:
                # A word that analyses into several tokens: all of them, checked as a string later.
                options.append(And([Term(field, t) for t in tokens]))
    return Or(options) if len(options) > 1 else options[0]


def _needle(text: str) -> str:
    if DOC_NUMBER.fullmatch(text.strip()):
        text = normalize_doc_number(text)
    return normalize_for_match(text).lower().replace("[", "〔").replace("]", "〕")


def _haystack(text: str) -> str:
    return normalize_for_match(text).lower().replace("[", "〔").replace("]", "〕")


def _satisfies(clauses: list[Clause], text: str) -> bool:
    hay = _haystack(text)
    return all(any(_needle(t) in hay for t, _ in c.alternatives) for c in clauses)


# --------------------------------------------------------------------------- snippets


def snippet(text: str, words: Iterable[str], mark: tuple[str, str] = ("【", "】"), width: int = SNIPPET_CHARS) -> str:
    """A window of ``text`` around the densest matches, each occurrence marked."""
    spans = _match_spans(text, words)
    if not spans:
        body = text[:width].replace("\n", " ")
        return body + ("…" if len(text) > width else "")
    # The window that covers the most matches.
    best_start, best_count = spans[0][0], 0
    for s, _ in spans:
        count = sum(1 for a, b in spans if s <= a and b <= s + width)
        if count > best_count:
            best_start, best_count = s, count
    start = max(0, best_start - width // 4)
    end = min(len(text), start + width)
    out = []
    cursor = start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(text[cursor:a])
        out.append(mark[0] + text[a:b] + mark[1])
        cursor = b
    out.append(text[cursor:end])
    result = "".join(out).replace("\n", " ")
    return ("…" if start > 0 else "") + result + ("…" if end < len(text) else "")


def _match_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of the query words in ``text`` (white space and width ignored)."""
    spans: list[tuple[int, int]] = []
    for word in words:
        spans.extend(locate_all(text, word))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


# --------------------------------------------------------------------------- searching


class Searcher:
    """An open index; cheap to query many times (the GUI keeps one)."""

    def __init__(self, db_path: Path, on_progress: Progress | None = None):
        self.db_path = db_path
        self.ix = open_index(db_path, on_progress)
        self._all_docs: list[dict] | None = None

    def search(self, query: str, limit: int = 10, filters: dict | None = None, html: bool = False) -> dict:
        out: dict = {"query": query, "hits": []}
        if not isinstance(query, str) or not query.strip():
            out["error"] = "请输入要搜索的词语。"
            return out
        try:
            clauses = parse_query(query)
        except QueryError as exc:
            out["error"] = str(exc)
            return out
        limit = max(1, min(int(limit), 200))
        q: Query = And([_clause_query(c) for c in clauses])
        filter_q = _filter_query(filters or {})
        words = [t for c in clauses for t, _ in c.alternatives]
        mark = ("<b>", "</b>") if html else ("【", "】")
        per_doc: dict[str, int] = {}
        seen: set[str] = set()
        # in_force filter: "in_force" | "expired" | "not_yet", judged on filters["as_of"] (default today).
        wanted_status = (filters or {}).get("in_force")
        as_of = str((filters or {}).get("as_of") or dt.date.today().isoformat())

        def take(fields: dict, score: float) -> bool:
            """Add one hit if it passes the text check and the per-document cap; True when full."""
            text = fields["content"]
            if fields["key"] in seen or not _satisfies(clauses, f"{fields['doc_title']}\n{text}"):
                return False
            if per_doc.get(fields["doc_id"], 0) >= MAX_HITS_PER_DOCUMENT:
                return False
            if wanted_status and in_force_status(fields.get("valid_from", ""), fields.get("valid_to", ""), as_of) != wanted_status:
                return False
            seen.add(fields["key"])
            per_doc[fields["doc_id"]] = per_doc.get(fields["doc_id"], 0) + 1
            shown = text if _match_spans(text, words) else fields["doc_title"]
            out["hits"].append(
                {
                    "doc_id": fields["doc_id"],
                    "section_id": fields.get("section_id") or None,
                    "doc_title": fields["doc_title"],
                    "doc_number": fields.get("doc_number") or None,
                    "section": fields.get("section") or "文件标题",
                    "snippet": snippet(shown, words, mark),
                    "score": round(float(score), 4),
                    "doc_type": fields.get("doc_type"),
                    "in_force": in_force_status(fields.get("valid_from", ""), fields.get("valid_to", ""), as_of),
                }
            )
            return len(out["hits"]) >= limit

        with self.ix.searcher() as s:
            results = s.search(q, limit=limit * CANDIDATES_PER_HIT, filter=filter_q)
            for hit in results:
                if take(hit.fields(), hit.score):
                    return out
            # Word segmentation depends on context (自首次 reads as 自首|次), so a string the
            # index cannot see as words is still found by a literal scan, ranked after.
            for fields in self._literal_matches(s, clauses, filter_q):
                if take(fields, 0.0):
                    return out
        return out

    def _literal_matches(self, s, clauses: list[Clause], filter_q: Query | None):
        if self._all_docs is None:
            self._all_docs = [dict(f) for f in s.all_stored_fields()]
        allowed = None
        if filter_q is not None:
            allowed = {hit["key"] for hit in s.search(filter_q, limit=None)}
        for fields in self._all_docs:
            if allowed is not None and fields["key"] not in allowed:
                continue
            if _satisfies(clauses, f"{fields['doc_title']}\n{fields['content']}"):
                yield fields


def _filter_query(filters: dict) -> Query | None:
    parts: list[Query] = []
    if filters.get("issuer"):
        parts.append(Term("issuer", filters["issuer"]))
    if filters.get("year"):
        parts.append(Term("year", int(filters["year"])))
    if filters.get("kind"):
        parts.append(Term("kind", filters["kind"]))
    if filters.get("doc_type"):
        parts.append(Term("doc_type", filters["doc_type"]))
    if filters.get("doc_id"):
        parts.append(Term("doc_id", filters["doc_id"]))
    if not parts:
        return None
    return And(parts) if len(parts) > 1 else parts[0]


_searchers: dict[Path, Searcher] = {}


def search(query: str, limit: int = 10, db_path: Path | None = None, filters: dict | None = None) -> dict:
    """Search the policy library; the result is the spec's ``{"query", "hits", ["error"]}``."""
    from desktop.paths import active_db_path

    path = (db_path or active_db_path()).resolve()
    if path not in _searchers:
        _searchers[path] = Searcher(path)
    return _searchers[path].search(query, limit, filters)


__all__ = ["Searcher", "search", "build_index", "open_index", "parse_query", "QueryError", "snippet"]
