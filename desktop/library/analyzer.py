"""Chinese word segmentation for the search index and for queries (jieba, with our dictionary).

The index stores every word of jieba's precise segmentation plus the dictionary words inside a
long word (预付卡 in 单用途预付卡), so a search for a short word finds the long one. A query is
segmented the same way but without sub-words, so 劳务派遣许可证怎么办 reads as 劳务派遣 | 许可证 |
怎么办. Words of the search thesaurus (resources/search/thesaurus.yaml) are kept whole.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import jieba

from desktop.paths import resources_dir, user_cache_dir

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


def _subwords(word: str, freq: dict[str, int]) -> list[str]:
    """Every dictionary word of 2+ characters strictly inside ``word``."""
    n = len(word)
    return [word[s : s + length] for length in range(n - 1, MIN_SUBWORD - 1, -1)
            for s in range(0, n - length + 1) if freq.get(word[s : s + length])]


def index_words(folded: str) -> list[str]:
    """The words indexed for already folded text: each word, then the words inside it."""
    tok = get_jieba()
    out: list[str] = []
    for word in tok.cut(folded, HMM=True):
        if not WORDLIKE.search(word):
            continue
        out.append(word)
        if MIN_SUBWORD < len(word) <= MAX_SUBWORD_SOURCE and CJK.search(word):
            out.extend(_subwords(word, tok.FREQ))
    return out


def query_words(folded: str) -> list[str]:
    """The words of one query chunk (no sub-words); punctuation and white space dropped."""
    return [w for w in get_jieba().cut(folded, HMM=True) if WORDLIKE.search(w) and w.strip()]
