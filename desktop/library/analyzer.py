"""A Chinese analyzer for whoosh with correct positions and character offsets.

jieba's own ``ChineseAnalyzer`` stores character offsets as token positions, so phrase queries
fail. Here each word of jieba's precise segmentation takes one position; the dictionary words
inside a long word (预付卡 in 单用途预付卡) are indexed *at the same position*, so a search for a
sub-word finds the longer word while phrases of whole words stay adjacent. 文号 strings such as
京人社发〔2021〕8号 are one token (with their parts at the same position), whatever the spacing
or bracket style. Offsets always index the original text, so highlights land on the right
characters.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Iterator

import jieba
from whoosh.analysis import Token, Tokenizer

from desktop.paths import resources_dir, user_cache_dir

DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}\s*[〔\[［【]\s*(\d{4})\s*[〕\]］】]\s*(\d+)\s*号")
CJK = re.compile(r"[\u4e00-\u9fff]")
WORDLIKE = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
MIN_SUBWORD = 2

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def userdict_path() -> Path:
    return resources_dir() / "search" / "userdict.txt"


def get_jieba() -> jieba.Tokenizer:
    """jieba with the domain dictionary loaded once, quiet, caching under our own cache folder."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            cache = user_cache_dir() / "jieba"
            cache.mkdir(parents=True, exist_ok=True)
            tok.tmp_dir = str(cache)
            tok.initialize()
            if userdict_path().exists():
                tok.load_userdict(str(userdict_path()))
            _tokenizer = tok
        return _tokenizer


def fold(text: str) -> str:
    """Full-width ASCII to half-width and lower case, one character for one (offsets stay valid)."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        elif ch == "\u3000":
            ch = " "
        out.append(ch.lower() if ch.isascii() else ch)
    return "".join(out)


def normalize_doc_number(text: str) -> str:
    """京人社发 [2021] 8 号 → 京人社发〔2021〕8号: one spelling for the index and the query."""
    m = DOC_NUMBER.fullmatch(text.strip())
    if not m:
        return text
    prefix = re.split(r"[〔\[［【]", text, maxsplit=1)[0].strip()
    return f"{prefix}〔{m.group(1)}〕{m.group(2)}号"


def _subwords(word: str, freq: dict[str, int]) -> Iterator[tuple[int, int]]:
    """(start, end) of every dictionary word of 2+ characters strictly inside ``word``."""
    n = len(word)
    for length in range(n - 1, MIN_SUBWORD - 1, -1):
        for start in range(0, n - length + 1):
            if freq.get(word[start : start + length]):
                yield start, start + length


def segment(text: str, with_subwords: bool) -> Iterator[tuple[str, int, int, bool]]:
    """Yield (token text, start char, end char, is_subword) over ``text``."""
    tok = get_jieba()
    folded = fold(text)
    pieces: list[tuple[int, int, bool]] = []  # spans of plain text and of 文号 strings
    last = 0
    for m in DOC_NUMBER.finditer(folded):
        pieces.append((last, m.start(), False))
        pieces.append((m.start(), m.end(), True))
        last = m.end()
    pieces.append((last, len(folded), False))
    for start, end, is_number in pieces:
        if start >= end:
            continue
        if is_number:
            raw = folded[start:end]
            yield normalize_doc_number(raw), start, end, False
            if with_subwords:
                m = DOC_NUMBER.fullmatch(raw)
                prefix = re.split(r"[〔\[［【]", raw, maxsplit=1)[0].strip()
                yield prefix, start, start + len(prefix), True
                yield m.group(1), start + raw.index(m.group(1)), start + raw.index(m.group(1)) + 4, True
            continue
        offset = start
        for word in tok.cut(folded[start:end], HMM=True):
            w_start, offset = offset, offset + len(word)
            if not WORDLIKE.search(word):
                continue  # white space and punctuation
            stripped = word.strip()
            if not stripped:
                continue
            lead = len(word) - len(word.lstrip())
            yield stripped, w_start + lead, w_start + lead + len(stripped), False
            if with_subwords and len(stripped) > MIN_SUBWORD and CJK.search(stripped):
                for s, e in _subwords(stripped, tok.FREQ):
                    yield stripped[s:e], w_start + lead + s, w_start + lead + e, True


class ChineseTokenizer(Tokenizer):
    """whoosh tokenizer over :func:`segment`: one position per word, sub-words share it."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos - 1
        for text, start, end, is_sub in segment(value, with_subwords=(mode != "query")):
            if not is_sub:
                pos += 1
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def ChineseAnalyzer() -> ChineseTokenizer:
    """The analyzer for every text field (a tokenizer is an analyzer in whoosh)."""
    return ChineseTokenizer()
