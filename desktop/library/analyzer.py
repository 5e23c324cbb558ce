"""Chinese word segmentation for the whoosh index and for queries (jieba, with our dictionary).

``ChineseAnalyzer`` is a whoosh analyzer: text is folded first (traditional → simplified, width,
case, white space, 文号 brackets: desktop.library.search_index.fold_with_offsets), then each word
of jieba's precise segmentation takes one position and the dictionary words inside a long word
(预付卡 in 单用途预付卡) are indexed *at the same position*, so a search for a short word finds the
long one while phrases of whole words stay adjacent. A 文号 is one token. Character offsets index
the original, unfolded text, so highlights land on the right characters. A query is segmented the
same way without sub-words, so 劳务派遣许可证怎么办 reads as 劳务派遣 | 许可证 | 怎么办. Words of
the search thesaurus (resources/search/thesaurus.yaml) are kept whole.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import jieba
from whoosh.analysis import Analyzer, Token, Tokenizer

from desktop.paths import resources_dir, user_cache_dir

from desktop.library.textfold import DOC_NUMBER  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
WORDLIKE = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
MIN_SUBWORD = 2
MAX_SUBWORD_SOURCE = 12  # sub-words are looked for in words up to this length

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def userdict_path() -> Path:
    return resources_dir() / "search" / "userdict.txt"


def get_jieba() -> jieba.Tokenizer:
    """jieba with the domain dictionary loaded once, quiet, caching under our own cache folder."""
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            from desktop.library.thesaurus import dictionary_words

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            cache = user_cache_dir() / "jieba"
            cache.mkdir(parents=True, exist_ok=True)
            tok.tmp_dir = str(cache)
            tok.initialize()
            if userdict_path().exists():
                tok.load_userdict(str(userdict_path()))
            for word in dictionary_words():
                if not tok.FREQ.get(word):
                    tok.add_word(word, 1000)
            _tokenizer = tok
        return _tokenizer


def segment(folded: str, with_subwords: bool) -> list[tuple[str, int, int, bool]]:
    """(word, start, end, is_subword) over already folded text; a 文号 is one word."""
    tok = get_jieba()
    out: list[tuple[str, int, int, bool]] = []
    last = 0
    for m in [*DOC_NUMBER.finditer(folded), None]:
        end = m.start() if m else len(folded)
        offset = last
        for word in tok.cut(folded[last:end], HMM=True) if end > last else ():
            start, offset = offset, offset + len(word)
            if not WORDLIKE.search(word):
                continue  # punctuation
            out.append((word, start, offset, False))
            if with_subwords and MIN_SUBWORD < len(word) <= MAX_SUBWORD_SOURCE and CJK.search(word):
                out.extend((sub, start + s, start + s + len(sub), True) for s, sub in _subword_spans(word, tok.FREQ))
        if m:
            out.append((m.group(0), m.start(), m.end(), False))
            if with_subwords:  # 京医保发 alone finds the 文号 too
                offset = m.start()
                for word in tok.cut(m.group(0), HMM=False):
                    if WORDLIKE.search(word):
                        out.append((word, offset, offset + len(word), True))
                    offset += len(word)
            last = m.end()
    return out


def _subword_spans(word: str, freq: dict[str, int]) -> list[tuple[int, str]]:
    n = len(word)
    return [(s, word[s : s + length]) for length in range(n - 1, MIN_SUBWORD - 1, -1)
            for s in range(0, n - length + 1) if freq.get(word[s : s + length])]


def index_words(folded: str) -> list[str]:
    """The words indexed for already folded text: each word, then the words inside it."""
    return [w for w, *_ in segment(folded, with_subwords=True)]


class ChineseTokenizer(Tokenizer):
    """whoosh tokenizer over :func:`segment`: one position per word, sub-words share it, offsets
    into the original text. ``mode="query"`` leaves the sub-words out."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        from desktop.library.search_index import fold_with_offsets

        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost, token.stopped = 1.0, False
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        folded, index = fold_with_offsets(value)
        pos = start_pos - 1
        for word, start, end, is_sub in segment(folded, with_subwords=(mode != "query")):
            if not is_sub:
                pos += 1
            token.text = word
            token.boost, token.stopped = 1.0, False
            if keeporiginal:
                token.original = value[index[start] : index[end - 1] + 1]
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + index[start]
                token.endchar = start_char + index[end - 1] + 1
            yield token


def ChineseAnalyzer() -> Analyzer:  # noqa: N802 (whoosh's naming for analyzer factories)
    """The analyzer of the index's text fields (folding is inside the tokenizer)."""
    return ChineseTokenizer()


def analysed_words(text: str) -> list[str]:
    """The words whoosh looks up for ``text`` typed in a query (folded, no sub-words)."""
    return [t.text for t in ChineseTokenizer()(text, mode="query")]


def query_words(folded: str) -> list[str]:
    """The words of one query chunk (no sub-words); punctuation and white space dropped."""
    return [w for w in get_jieba().cut(folded, HMM=True) if WORDLIKE.search(w) and w.strip()]
