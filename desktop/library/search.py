"""Full-text search over the policy library: whoosh for ranked word search, FTS5 trigram for substrings.

A query (desktop.library.query) is a list of wanted words, each with its spellings. Each word's
sections come from the whoosh index (jieba words, one position per word: a spelling of one word
is a whoosh Term, of several a whoosh Phrase) and the SQLite FTS5 trigram table (any substring of
three or more characters that the segmentation hides); a word in a document's title counts for
all its sections. Sections with every word come first — exact phrase, then words close together
(both from whoosh's word positions), then the rest, each in whoosh's BM25F order (title and 文号
fields boosted) — then sections with most of the words, marked ``"match": "partial"`` with the
words they lack, so an answerable query is never empty. Hits are grouped by document: one hit
per document, with the number of its sections that match (``doc_hits``); filtering on ``doc_id``
lists all of them. A query has a time budget; a damaged index is rebuilt."""

from __future__ import annotations

import bisect
import functools
import datetime as dt
import json
import math
import operator
import sqlite3
import threading
import unicodedata
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable, Iterable

from whoosh.query import Phrase, Query, Term
from whoosh.reading import TermNotFound

from desktop.library.analyzer import analysed_words, get_jieba
from desktop.library.db import LibraryError, _normalized_map, connect_readonly
from desktop.library.query import Clause, ParsedQuery, QueryError, parse_query
from desktop.library.search_index import (  # build_index, index_dir_for: used by build/build_app.py
    build_index,
    document_type,
    INDEX_FILE,
    ensure_cache_index,
    has_current_tables,
    index_dir_for,
    open_index_connection,
    open_whoosh,
)
from desktop.library.textfold import fold_chars, normalize_doc_numbers
from desktop.validity import IN_FORCE, UNSTATED, window_status

SNIPPET_CHARS = 90
RANKED_PER_LEVEL = 100  # sections checked for phrase and proximity per match level (best whoosh BM25F)
PROXIMITY_WORDS = 12  # every word within this many word positions counts as "close together"
EXACT_SCORING_ROWS = 250  # whoosh scores at most this many sections per match level
ROWS_PER_DOCUMENT = 10  # of which at most this many from one document (hits are grouped by document)
TIME_BUDGET_SECONDS = 0.8
LEVEL_WEIGHT = 20  # above any within-level score (at most 18), so a score never rises down the list
Progress = Callable[[int, int], None]

__all__ = ["Searcher", "parse_query", "QueryError", "snippet", "document_type", "in_force_status",
           "build_index", "index_dir_for"]


def in_force_status(valid_from: str, valid_to: str, as_of: str) -> str:
    """in_force | not_yet | expired, by the shared rule (desktop/validity.py); for the search filter a
    document that states no dates counts as in force."""
    status = window_status(valid_from or None, valid_to or None, as_of)
    return IN_FORCE if status == UNSTATED else status


# --------------------------------------------------------------------------- snippets


def _folded_map(text: str) -> tuple[str, list[int]]:
    """``text`` folded as the index folds it, with the display offset of every folded character."""
    nfkc = unicodedata.normalize("NFKC", text)
    if len(nfkc) != len(text):  # a character that NFKC expands or merges: map one by one
        norm, index = _normalized_map(text)
        folded = fold_chars(norm)
    else:
        index = [i for i, ch in enumerate(nfkc) if not ch.isspace()]
        folded = fold_chars("".join(nfkc[i] for i in index))
    if "号" in folded:
        folded = normalize_doc_numbers(folded)  # 文号 brackets: one character for one
    return folded, index


def match_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Display spans in ``text`` of the folded ``words`` (white space, width, script ignored)."""
    norm, index = _folded_map(text)
    spans: list[tuple[int, int]] = []
    for word in set(words):
        if not word:
            continue
        pos = norm.find(word)
        while pos >= 0:
            spans.append((index[pos], index[pos + len(word) - 1] + 1))
            pos = norm.find(word, pos + len(word))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def snippet(text: str, words: Iterable[str], mark: tuple[str, str] = ("【", "】"), width: int = SNIPPET_CHARS) -> str:
    """A window of ``text`` around the densest matches, each occurrence marked."""
    words = list(words)
    offset, part = _crop(text, words, width)
    spans = match_spans(part, words)
    if not spans:
        body = text[:width].replace("\n", " ")
        return body + ("…" if len(text) > width else "")
    best_start, best_count = spans[0][0], 0
    for s, _ in spans:
        count = sum(1 for a, b in spans if s <= a and b <= s + width)
        if count > best_count:
            best_start, best_count = s, count
    start = max(0, best_start - width // 4)
    end = min(len(part), start + width)
    out, cursor = [], start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(part[cursor:a])
        out.append(mark[0] + part[a:b] + mark[1])
        cursor = b
    out.append(part[cursor:end])
    result = "".join(out).replace("\n", " ")
    return ("…" if offset + start > 0 else "") + result + ("…" if offset + end < len(text) else "")


def _crop(text: str, words: list[str], width: int) -> tuple[int, str]:
    """A long text is cut to the stretch around its first plain occurrence of a word, so a
    snippet costs the same for a 50-character clause and a 20,000-character preamble."""
    if len(text) <= 12 * width:
        return 0, text
    found = [p for p in (text.find(w) for w in words if w) if p >= 0]
    if not found:
        return 0, text  # spelt differently (white space, traditional characters): fold it all
    lo = max(0, min(found) - 4 * width)
    return lo, text[lo : lo + 12 * width]


# --------------------------------------------------------------------------- searching


@dataclass
class _Doc:
    ordinal: int
    doc_id: str
    title: str
    doc_number: str | None
    norm_title: str
    issuers: list[str]
    year: int | None
    doc_type: str
    valid_from: str
    valid_to: str
    first_row: int
    last_row: int


_first = operator.itemgetter(0)


def _fts_string(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


class _BudgetExceeded(Exception):
    pass


class Searcher:
    """An open index; cheap to query many times (the GUI keeps one; queries may come from a worker)."""

    def __init__(self, db_path: Path, on_progress: Progress | None = None):
        self.db_path = db_path
        self._lock = threading.RLock()
        self._open(on_progress)
        get_jieba()  # the dictionary loads here (the window opens us on a worker), not on the first query

    # ----------------------------------------------------------------- opening and health

    def _open(self, on_progress: Progress | None = None, damaged: bool = False) -> None:
        db = connect_readonly(self.db_path)
        built_in = has_current_tables(db)  # the search tables are built into policies.db
        if not built_in:
            db.close()  # an older pack: its tables live in the cache folder
        folder = ensure_cache_index(self.db_path, on_progress, damaged=damaged)
        if built_in:
            conn, self.index_path = db, self.db_path
        else:
            try:
                conn = open_index_connection(folder / INDEX_FILE)
            except sqlite3.DatabaseError:
                folder = ensure_cache_index(self.db_path, on_progress, damaged=True)
                conn = open_index_connection(folder / INDEX_FILE)
            self.index_path = folder / INDEX_FILE
        self.conn = conn
        self.index_folder = folder
        try:
            self._load()
            self.whoosh = open_whoosh(folder, len(self.row_doc) - 1)
        except Exception:  # sqlite3.DatabaseError, or whatever a damaged whoosh file raises
            if damaged:
                raise LibraryError("检索索引无法读取，重建后仍失败。请重新安装或导入数据包。") from None
            self.conn.close()
            self._open(on_progress, damaged=True)

    def _load(self) -> None:
        rows = self.conn.execute("SELECT ordinal, doc_id, title, doc_number, norm_title, issuers, year, doc_type,"
                                 " valid_from, valid_to, first_row, last_row FROM search_docs ORDER BY ordinal").fetchall()
        self.docs = [_Doc(r[0], r[1], r[2], r[3], r[4], json.loads(r[5] or "[]"), r[6], r[7], r[8] or "",
                          r[9] or "", r[10], r[11]) for r in rows]
        self._title_starts: list[int] = []
        pos = 0
        for d in self.docs:
            self._title_starts.append(pos)
            pos += len(d.norm_title) + 1
        self._titles = "\n".join(d.norm_title for d in self.docs)
        self.row_doc: list[int] = [0] * (self.conn.execute("SELECT count(*) FROM search_sections").fetchone()[0] + 1)
        for d in self.docs:
            for r in range(d.first_row, d.last_row + 1):
                self.row_doc[r] = d.ordinal

    def _rebuild_after_read_error(self) -> None:
        """A read error in the index: rebuild it in a fresh folder (a damaged db is reported)."""
        for closing in (self.conn.close, self.whoosh.close):
            try:
                closing()
            except Exception:
                pass
        self._open(damaged=True)

    # ----------------------------------------------------------------- the query

    def search(self, query: str, limit: int = 10, filters: dict | None = None, html: bool = False) -> dict:
        out: dict = {"query": query, "hits": []}
        try:
            parsed = parse_query(query)
        except QueryError as exc:
            out["error"] = str(exc)
            return out
        limit = max(1, min(int(limit), 500))
        with self._lock:
            for attempt in (1, 2):
                self._deadline = time.monotonic() + TIME_BUDGET_SECONDS
                self.conn.set_progress_handler(self._over_budget, 20_000)
                try:
                    return self._search(parsed, out, limit, filters or {}, html)
                except _BudgetExceeded:
                    out["hits"] = []
                    out["error"] = "查询用时过长，已停止。请换用更具体的词语。"
                    return out
                except (sqlite3.DatabaseError, OSError, EOFError, ValueError) as exc:
                    if "interrupt" in str(exc):
                        out["hits"] = []
                        out["error"] = "查询用时过长，已停止。请换用更具体的词语。"
                        return out
                    if "fts5" in str(exc):  # a spelling the full-text syntax refuses
                        out["hits"] = []
                        out["error"] = "无法检索这个查询，请换一种写法。"
                        return out
                    if attempt == 2:
                        raise LibraryError("检索索引无法读取，重建后仍失败。请重新安装或导入数据包。") from None
                    self._rebuild_after_read_error()
        return out

    def _allowed_docs(self, filters: dict) -> set[int] | None:
        wanted_status = filters.get("in_force")
        as_of = str(filters.get("as_of") or dt.date.today().isoformat())
        doc_ids = filters.get("doc_ids")  # a set of document ids the caller allows (e.g. those with subsidies)
        if not any(filters.get(k) for k in ("issuer", "year", "doc_type", "doc_id", "in_force")) and doc_ids is None:
            return None
        allowed = set()
        for d in self.docs:
            if filters.get("issuer") and filters["issuer"] not in d.issuers:
                continue
            if filters.get("year") and d.year != int(filters["year"]):
                continue
            if filters.get("doc_type") and d.doc_type != filters["doc_type"]:
                continue
            if filters.get("doc_id") and d.doc_id != filters["doc_id"]:
                continue
            if doc_ids is not None and d.doc_id not in doc_ids:
                continue
            if wanted_status and in_force_status(d.valid_from, d.valid_to, as_of) != wanted_status:
                continue
            allowed.add(d.ordinal)
        return allowed

    def _rows_with(self, clause: Clause, deadline: float) -> set[int]:
        """Sections whose text holds one of the clause's spellings (whoosh words ∪ trigram index).

        A spelling of one word is a whoosh Term. A spelling of several words is a whoosh Phrase when
        it is shorter than three characters; a longer one is found as the exact string by the
        trigram table (a superset of the phrase, and whoosh's Phrase matcher would compute word
        spans for every document holding all its words, the cost growing with the corpus)."""
        rows: set[int] = set()
        words = [a for a in clause.alternatives if not clause.phrase or len(a) < 3]
        long = [a for a in clause.alternatives if len(a) >= 3]
        for spelling in words:
            query = _word_query("body", spelling)
            if isinstance(query, Term):
                rows.update(self._term_rows("body", query.text))
            elif query is not None and len(spelling) < 3:  # longer: the trigram table has it exactly
                rows.update(self.whoosh.docs_for_query(query))
        if long:
            expr = " OR ".join(_fts_string(a) for a in long)
            rows.update(map(_first, self.conn.execute("SELECT rowid FROM search_trigram WHERE search_trigram MATCH ?", (expr,)).fetchall()))
        if clause.phrase and words:  # a short quoted phrase: the string itself, not only the word
            rows = {r for r in rows if any(a in self._norm(r) for a in clause.alternatives)} if len(rows) < 5000 else rows
        if time.monotonic() > deadline:
            raise _BudgetExceeded
        return rows

    def _term_rows(self, field: str, word: str) -> Iterable[int]:
        """The sections (whoosh docnums = rowids) of one word, read block by block.

        whoosh's own ``all_ids`` yields one id per Python call; the whoosh3 leaf matcher holds
        each block's ids as one array, so they are taken whole (whoosh-reloaded 2.7.5 is pinned)."""
        try:
            m = self.whoosh.reader().postings(field, word)
        except TermNotFound:
            return ()
        if not all(hasattr(m, a) for a in ("_ids", "_i", "_read_ids", "_next_block")):
            return list(m.all_ids())
        ids: list[int] = []
        while m.is_active():
            if m._ids is None:
                m._read_ids()
            ids.extend(m._ids[m._i:])
            m._next_block()
        return ids

    def _norm(self, rowid: int) -> str:
        row = self.conn.execute("SELECT norm FROM search_sections WHERE rowid = ?", (rowid,)).fetchone()
        return row[0] if row else ""

    def _over_budget(self) -> int:
        """SQLite's progress handler: a non-zero answer interrupts a statement past the budget."""
        return int(time.monotonic() > self._deadline)

    def _title_docs(self, clause: Clause) -> set[int]:
        """Documents whose title (or 文号) holds one of the clause's spellings (found in one string)."""
        docs: set[int] = set()
        blob, starts = self._titles, self._title_starts
        for a in clause.alternatives:
            pos = blob.find(a)
            while pos >= 0:
                d = bisect.bisect_right(starts, pos) - 1
                docs.add(d)
                pos = blob.find(a, starts[d + 1] if d + 1 < len(starts) else len(blob))
        return docs

    def _rows_of_docs(self, docs: set[int], within: set[int]) -> set[int]:
        """The sections of ``docs`` that are in ``within``, by whichever way is shorter."""
        if sum(self.docs[d].last_row - self.docs[d].first_row + 1 for d in docs) < len(within):
            out: set[int] = set()
            for d in docs:
                out.update(range(self.docs[d].first_row, self.docs[d].last_row + 1))
            return out & within
        row_doc = self.row_doc
        return {r for r in within if row_doc[r] in docs}

    def _search(self, parsed: ParsedQuery, out: dict, limit: int, filters: dict, html: bool) -> dict:
        deadline = self._deadline
        clauses = parsed.clauses
        k = len(clauses)
        if parsed.notes:
            out["note"] = " ".join(parsed.notes)
        allowed = self._allowed_docs(filters)
        kind = filters.get("kind")
        row_doc = self.row_doc
        # Per word: the sections whose text holds it, and the documents whose title holds it.
        body_sets = [self._rows_with(c, deadline) for c in clauses]
        title_sets = [self._title_docs(c) for c in clauses]
        title_mask: dict[int, int] = {}
        for i, docs in enumerate(title_sets):
            for d in docs:
                title_mask[d] = title_mask.get(d, 0) | 1 << i
        # A section counts when its text holds at least one word; a title word counts for it too.
        anywhere = set().union(*body_sets)
        if allowed is not None:
            anywhere = {r for r in anywhere if row_doc[r] in allowed}
        wanted = [(rows & anywhere) | (self._rows_of_docs(docs, anywhere) if docs else set())
                  for rows, docs in zip(body_sets, title_sets)]
        if time.monotonic() > deadline:
            raise _BudgetExceeded
        levels: dict[int, list[int]] = {}  # number of words → sections
        if kind != "document":
            smallest = min(wanted, key=len)
            levels[k] = sorted(smallest.intersection(*wanted))
        doc_levels: dict[int, list[int]] = {}  # whole-document hits: title (and 文号) only
        if kind != "section":
            for d, m in title_mask.items():
                if allowed is None or d in allowed:
                    doc_levels.setdefault(m.bit_count(), []).append(d)
        per_document = not filters.get("doc_id")
        hits: list[dict] = []
        shown_docs: set[int] = set()
        n = k
        floor = None
        while n >= 1:
            level_rows, level_docs = levels.get(n, []), doc_levels.get(n, [])
            counts = Counter(map(row_doc.__getitem__, level_rows))
            ranked = self._rank(level_rows, level_docs, clauses, parsed.phrase, body_sets, title_mask, counts, per_document)
            for score, r, d in ranked:
                if per_document and d in shown_docs:
                    continue
                shown_docs.add(d)
                hits.append(self._hit(r, d, score, n, k, clauses, wanted, title_mask, counts[d], html, filters))
                if len(hits) >= limit:
                    break
            if len(hits) >= limit or (n < k and len(shown_docs) >= limit) or k == 1:
                break
            if not per_document and hits:
                break  # one document's matches: those with every word, unless there are none
            if floor is None:  # fewer than ``limit`` documents have every word: most of them, then
                seen: Counter[int] = Counter()
                for rows_i in wanted:
                    seen.update(rows_i)
                for r, c in seen.items():
                    if c < k:
                        levels.setdefault(c, []).append(r)
                for rows_n in levels.values():
                    rows_n.sort()
                best = max([c for c in (*levels, *doc_levels) if c < k and (levels.get(c) or doc_levels.get(c))],
                           default=0)
                floor = min(best, max(1, math.ceil(k / 2)))
                if best == 0:
                    break
                n = best
            else:
                n -= 1
                if n < floor:
                    break
            if time.monotonic() > deadline:
                raise _BudgetExceeded
        out["hits"] = hits
        return out

    def _rank(self, rows: list[int], docs: list[int], clauses: list[Clause], phrase: str,
              body_sets: list[set[int]], title_mask: dict[int, int],
              doc_counts: Counter, per_document: bool) -> list[tuple[float, int | None, int]]:
        """(score, section rowid or None for the title, doc) best first, for one match level."""
        postings: dict = {}
        bm25 = self._bm25(rows, clauses, body_sets, title_mask, doc_counts, per_document, postings)
        rows = list(bm25)
        top = max(bm25.values(), default=0.0) or 1.0
        in_phrase, near = self._phrase_and_near(rows, clauses, phrase, postings)
        scored: list[tuple[float, int | None, int]] = []
        for r in rows:
            in_body = sum(1 for s in body_sets if r in s)
            d = self.row_doc[r]
            # A document about the words (in its title, in many of its clauses) ranks a little higher.
            about = 1.5 * title_mask.get(d, 0).bit_count() / len(clauses) + min(0.5, math.log1p(doc_counts[d]) / 6)
            order = 12.0 if r in in_phrase else 4.0 if r in near else 0.0
            scored.append((order + 2 + in_body / len(clauses) + bm25[r] / top + about, r, d))
        for d in docs:
            scored.append((_score(self.docs[d].norm_title, clauses, phrase, title_mask[d].bit_count()), None, d))
        scored.sort(key=lambda t: (-t[0], t[2], t[1] or 0))
        return scored

    def _bm25(self, rows: list[int], clauses: list[Clause], body_sets: list[set[int]],
              title_mask: dict[int, int], doc_counts: Counter, per_document: bool,
              postings: dict[tuple[str, str], dict[int, tuple[float, Callable[[], list[int]]]]]) -> dict[int, float]:
        """Up to RANKED_PER_LEVEL of ``rows`` with whoosh's BM25F score (title and 文号 boosted),
        best first.

        Each query word's whoosh postings are read at just the candidate sections and scored by
        whoosh's BM25F scorer (what an Or of Terms over the fields would sum, without walking the
        rest of the postings). More than EXACT_SCORING_ROWS sections: the candidates are those of
        the documents most about the words (title words, then matching sections), at most
        ROWS_PER_DOCUMENT each (most words in their own text first), so the cost stays flat."""
        fields = ("body", "title", "doc_number")
        candidates = rows
        if len(rows) > EXACT_SCORING_ROWS:
            row_doc = self.row_doc
            order = sorted(doc_counts, key=lambda d: (-title_mask.get(d, 0).bit_count(), -doc_counts[d], d))
            cap = ROWS_PER_DOCUMENT if per_document else EXACT_SCORING_ROWS
            chosen: dict[int, list[int]] = {}
            total = 0
            for d in order:
                chosen[d] = []
                total += min(cap, doc_counts[d])
                if total >= EXACT_SCORING_ROWS:
                    break
            for r in rows:
                if row_doc[r] in chosen:
                    chosen[row_doc[r]].append(r)
            candidates = []
            for rs in chosen.values():
                if len(rs) > cap:
                    rs = sorted(rs, key=lambda r: -sum(1 for s in body_sets if r in s))[:cap]
                candidates.extend(rs)
        words = sorted({w for c in clauses for a in c.alternatives for w in analysed_words(a)})
        scores: dict[int, float] = dict.fromkeys(candidates, 0.0)
        targets = sorted(candidates)
        for field in fields:
            for word in words:
                found = self._postings_at(field, word, targets)
                postings[field, word] = found  # kept: the phrase check reads positions from them
                for d, (score, _) in found.items():
                    scores[d] += score
        ranked = sorted(scores.items(), key=lambda t: (-t[1], -sum(1 for s in body_sets if t[0] in s), t[0]))
        return dict(ranked[:RANKED_PER_LEVEL])

    def _postings_at(self, field: str, word: str, targets: list[int]) -> dict[int, tuple[float, Callable[[], list[int]]]]:
        """whoosh's postings of ``word`` at the documents ``targets`` (sorted docnums): the BM25F
        score and a function giving the word's positions (decoded only when asked). Skips straight
        to each target."""
        try:
            m = self.whoosh.postings(field, word)
        except TermNotFound:
            return {}
        decode = self.whoosh.schema[field].format.decode_positions
        out: dict[int, tuple[float, Callable[[], list[int]]]] = {}
        skip = _block_skipper(m)
        for t in targets:
            if not m.is_active():
                break
            if m.id() < t:
                skip(t)
                if not m.is_active():
                    break
            if m.id() == t:
                out[t] = (m.score(), functools.partial(decode, m.value()))
        return out

    def _phrase_and_near(self, rows: list[int], clauses: list[Clause], phrase: str,
                         postings: dict) -> tuple[set[int], set[int]]:
        """Of ``rows``, those with the query's words as a phrase (consecutive whoosh positions, in
        the body or the title) and those with every word within PROXIMITY_WORDS positions, read
        from the whoosh postings of just those sections (mostly already read for the score)."""
        if not rows:
            return set(), set()
        targets = sorted(rows)
        positions_of: dict[tuple[str, str, int], set[int]] = {}

        def starts(field: str, words: list[str], d: int) -> list[int]:
            """Positions in document ``d`` where ``words`` stand one after the other."""
            found: set[int] | None = None
            for i, w in enumerate(words):
                if (field, w) not in postings:
                    postings[field, w] = self._postings_at(field, w, targets)
                hit = postings[field, w].get(d)
                if not hit:
                    return []
                key = (field, w, d)
                if key not in positions_of:
                    positions_of[key] = set(hit[1]())
                here = {p - i for p in positions_of[key]} if i else positions_of[key]
                found = here if found is None else found & here
                if not found:
                    return []
            return sorted(found or ())

        words = analysed_words(phrase) if len(phrase) >= 2 else []
        spellings = [[analysed_words(a) for a in c.alternatives] for c in clauses]
        in_phrase, near = set(), set()
        for d in targets:
            if words and (starts("body", words, d) or starts("title", words, d)):
                in_phrase.add(d)
            if len(clauses) > 1:
                positions = [sorted({p for ws in sp if ws for p in starts("body", ws, d)}) for sp in spellings]
                if all(positions) and _window(positions) <= PROXIMITY_WORDS:
                    near.add(d)
        return in_phrase, near

    def _hit(self, rowid: int | None, d: int, score: float, n: int, k: int, clauses: list[Clause],
             wanted: list[set[int]], title_mask: dict[int, int], doc_hits: int, html: bool, filters: dict) -> dict:
        doc = self.docs[d]
        as_of = str(filters.get("as_of") or dt.date.today().isoformat())
        words = [a for c in clauses for a in c.alternatives]
        mark = ("<b>", "</b>") if html else ("【", "】")
        if rowid is None:
            section_id, section, text = None, "文件标题", f"{doc.title}（{doc.doc_number}）" if doc.doc_number else doc.title
            mask = title_mask.get(d, 0)
        else:
            section_id, section, text = self.conn.execute(
                "SELECT section_id, section, text FROM search_sections WHERE rowid = ?", (rowid,)).fetchone()
            mask = sum(1 << i for i, rows in enumerate(wanted) if rowid in rows)
        hit = {
            "doc_id": doc.doc_id,
            "section_id": section_id,
            "doc_title": doc.title,
            "doc_number": doc.doc_number or None,
            "section": section,
            "snippet": snippet(text, words, mark),
            "score": round(score + LEVEL_WEIGHT * n, 4),  # more words first: scores fall down the list
            "match": "all" if n == k else "partial",
            "doc_hits": doc_hits,
            "doc_type": doc.doc_type,
            "in_force": in_force_status(doc.valid_from, doc.valid_to, as_of),
        }
        if n < k:
            hit["missing"] = [c.label for i, c in enumerate(clauses) if not mask >> i & 1]
        return hit


def _score(norm: str, clauses: list[Clause], phrase: str, in_title: int) -> float:
    """A document's title (it is not a whoosh document): exact phrase, then words close together."""
    score = 0.0
    positions: list[list[int]] = []
    occurrences = 0
    for c in clauses:
        found: list[int] = []
        for a in c.alternatives:
            pos = norm.find(a)
            while pos >= 0 and len(found) < 20:
                found.append(pos)
                pos = norm.find(a, pos + 1)
        occurrences += len(found)
        if found:
            positions.append(found)
    if len(phrase) >= 2 and phrase in norm:
        score += 8 + 4  # the words in order, side by side: close together as well
    elif len(positions) == len(clauses) and len(clauses) > 1 and _window(positions) <= 2 * PROXIMITY_WORDS:
        score += 4
    score += in_title / max(1, len(clauses))
    score += min(1.0, occurrences / (1 + math.log(1 + len(norm))) / 4)
    return score


def _block_skipper(m) -> Callable[[int], None]:
    """``m.skip_to`` with a binary search inside a block (whoosh3's own steps one id at a time
    through the block; whoosh-reloaded 2.7.5 is pinned). Other matchers keep their own."""
    if not all(hasattr(m, a) for a in ("_maxid", "_ids", "_i", "_read_ids", "_skip_to_block")):
        return m.skip_to

    def skip(target: int) -> None:
        if target > m._maxid:
            m._skip_to_block(lambda: target > m._maxid)
            if not m.is_active():
                return
        if m._ids is None:
            m._read_ids()
        m._i = bisect.bisect_left(m._ids, target, m._i)

    return skip


@functools.lru_cache(maxsize=4096)
def _word_query(field: str, spelling: str) -> Query | None:
    """One spelling as whoosh sees it: a Term, or a Phrase when the analyzer makes several words."""
    words = analysed_words(spelling)
    if not words:
        return None
    return Term(field, words[0]) if len(words) == 1 else Phrase(field, words)


def _window(positions: list[list[int]]) -> int:
    """The smallest span of text holding one position of each list."""
    events = sorted((p, i) for i, ps in enumerate(positions) for p in ps)
    need, best, left = len(positions), 1 << 30, 0
    have: Counter[int] = Counter()
    for p, i in events:
        have[i] += 1
        while len(have) == need:
            best = min(best, p - events[left][0])
            li = events[left][1]
            have[li] -= 1
            if not have[li]:
                del have[li]
            left += 1
    return best
