"""Reading a search query the way people type it.

``劳务派遣许可证怎么办`` → the words 劳务派遣, 许可证 (怎么办 is a question word and is dropped);
every remaining word is wanted, each with its thesaurus spellings as alternatives. ``"…"`` (or
“…”) is a phrase taken as typed; ``OR`` / ``或`` / ``|`` joins alternatives; a 文号 in any bracket
style is one word. Repeated words count once and a query keeps at most MAX_WORDS words, so no
query is expensive. Malformed input gives a QueryError with a Chinese message, never a traceback.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from desktop.library.analyzer import query_words
from desktop.library.search_index import fold_text
from desktop.library.textfold import DOC_NUMBER, fold_chars, normalize_doc_numbers
from desktop.library.thesaurus import stopwords, variants

MAX_QUERY_CHARS = 2000
MAX_WORDS = 12
OR_WORDS = ("or", "或", "|")
AND_WORDS = ("and", "和", "&", "+")
QUOTES = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"'})


class QueryError(ValueError):
    """The query cannot be searched; the message says why, in Chinese."""


@dataclass(frozen=True)
class Clause:
    """One wanted word: any of its spellings satisfies it."""

    label: str  # the word as the user will see it named in ``missing``
    alternatives: tuple[str, ...]  # folded spellings (no white space)
    phrase: bool = False


@dataclass
class ParsedQuery:
    clauses: list[Clause]
    phrase: str  # the content words in the order typed, for ranking exact phrases first
    notes: list[str] = field(default_factory=list)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    # Invisible control and format characters (zero-width spaces, direction marks pasted from a
    # PDF) would make a word unfindable: drop them; tabs and line breaks are spaces.
    text = "".join(" " if ch in "\t\n\r" else ch for ch in text
                   if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    text = normalize_doc_numbers(fold_chars(text))
    if text.count('"') % 2:  # an unbalanced quote is read as a space: what was typed is searched
        last = text.rfind('"')
        text = text[:last] + " " + text[last + 1 :]
    return text


def _chunk_words(chunk: str) -> list[str]:
    """Words of an unquoted chunk; a 文号 inside it stays one word."""
    out: list[str] = []
    last = 0
    for m in DOC_NUMBER.finditer(chunk):
        out.extend(query_words(chunk[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.extend(query_words(chunk[last:]))
    return out


def _split_on_or(chunk: str) -> list[tuple[str, bool]]:
    """``补贴或奖励`` → 补贴, OR, 奖励: in a query, 或 / 或者 between words means "or"."""
    if chunk in OR_WORDS or chunk in AND_WORDS or "或" not in chunk:
        return [(chunk, False)]
    parts = [p for p in re.split(r"或者|或", chunk) if p]
    out: list[tuple[str, bool]] = []
    for part in parts:
        out += [("或", False), (part, False)] if out else [(part, False)]
    return out


def parse_query(text: str) -> ParsedQuery:
    if not isinstance(text, str) or not text.strip():
        raise QueryError("请输入要搜索的词语。")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"查询过长（{len(text)} 字），请缩短到 {MAX_QUERY_CHARS} 字以内。")
    text = _clean(text)
    # (word, is_phrase) in order, with OR / AND markers. A chunk next to OR stays whole: in
    # 算力券 OR 脑深部电极 the alternatives are the two strings, not 算力券 and 脑.
    raw: list[tuple[str, bool]] = []
    for m in re.finditer(r'"([^"]*)"|(\S+)', text):
        if m.group(1) is not None:
            phrase = fold_text(m.group(1))
            if phrase and re.search(r"\w", phrase):
                raw.append((phrase, True))
        else:
            raw.extend(_split_on_or(m.group(2)))
    items: list[tuple[str, bool]] = []
    for i, (word, is_phrase) in enumerate(raw):
        if is_phrase or word in OR_WORDS or word in AND_WORDS:
            items.append((word, is_phrase))
        elif (i and raw[i - 1][0] in OR_WORDS) or (i + 1 < len(raw) and raw[i + 1][0] in OR_WORDS):
            items.append((fold_text(word), False))
        else:
            items.extend((w, False) for w in _chunk_words(word))
    if items and items[0][0] in OR_WORDS and not items[0][1]:
        raise QueryError("“OR / 或” 前面缺少词语。")
    if items and items[-1][0] in OR_WORDS and not items[-1][1]:
        raise QueryError("“OR / 或” 后面缺少词语。")
    stop = stopwords()
    content = [(w, p) for w, p in items if p or (w not in stop and w not in OR_WORDS + AND_WORDS)]
    if not content:  # only question words: search them rather than nothing
        content = [(w, p) for w, p in items if w not in OR_WORDS + AND_WORDS]
        items = content
    else:
        items = [(w, p) for w, p in items if p or w not in stop or w in OR_WORDS]
    groups: list[list[tuple[str, bool]]] = []
    pending_or = False
    for word, is_phrase in items:
        if not is_phrase and word in OR_WORDS:
            if not groups:
                raise QueryError("“OR / 或” 前面缺少词语。")
            pending_or = True
            continue
        if not is_phrase and word in AND_WORDS:
            continue  # words are all wanted anyway
        if pending_or:
            groups[-1].append((word, is_phrase))
            pending_or = False
        else:
            groups.append([(word, is_phrase)])
    if pending_or:
        raise QueryError("“OR / 或” 后面缺少词语。")
    if not groups:
        raise QueryError("查询中没有可搜索的词语。")
    clauses: list[Clause] = []
    seen: set[tuple[str, ...]] = set()
    notes: list[str] = []
    for group in groups:
        alternatives: list[str] = []
        for word, is_phrase in group:
            alternatives.extend([word] if is_phrase else (fold_text(v) for v in variants(word)))
        key = tuple(sorted(set(alternatives)))
        if key in seen:
            continue  # 预付卡 预付卡 预付卡 … is one word
        seen.add(key)
        label = " 或 ".join(w for w, _ in group)
        clauses.append(Clause(label, tuple(dict.fromkeys(a for a in alternatives if a)),
                              all(p for _, p in group)))
    if len(clauses) > MAX_WORDS:
        notes.append(f"查询词过多，只用了前 {MAX_WORDS} 个词。")
        clauses = clauses[:MAX_WORDS]
    phrase = "".join(c.alternatives[0] for c in clauses if len(c.alternatives) and " 或 " not in c.label)
    return ParsedQuery(clauses, phrase, notes)
