"""The search thesaurus and the words a query drops, both read from resources/search/.

The data are plain files a policy officer can review (``thesaurus.yaml``, ``stopwords.txt``);
this module only reads them and answers two questions: which spellings does a word have, and is
a word a question or filler word.
"""

from __future__ import annotations

import functools

import yaml

from desktop.library.textfold import fold_chars
from desktop.paths import resources_dir

MAX_VARIANTS = 8  # spellings tried per query word


def _search_dir():
    return resources_dir() / "search"


@functools.cache
def groups() -> tuple[tuple[str, ...], ...]:
    path = _search_dir() / "thesaurus.yaml"
    if not path.exists():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for group in data.get("groups", []):
        words = tuple(dict.fromkeys(fold_chars(str(w)).strip() for w in group if str(w).strip()))
        if len(words) > 1:
            out.append(words)
    return tuple(out)


@functools.cache
def stopwords() -> frozenset[str]:
    path = _search_dir() / "stopwords.txt"
    if not path.exists():
        return frozenset()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(fold_chars(line) for line in lines if line and not line.startswith("#"))


def dictionary_words() -> list[str]:
    """Thesaurus words the segmenter should keep whole."""
    return sorted({w for g in groups() for w in g if len(w) >= 2 and w.isalnum()})


def variants(word: str) -> list[str]:
    """``word`` and its other spellings: a group member it is, or contains (longest first).

    医保 → 医保, 医疗保障, 医疗保险; 医保定点 → 医保定点, 医疗保障定点, 医疗保险定点.
    """
    out = [word]
    for group in groups():
        contained = [m for m in group if m in word]
        if not contained:
            continue
        member = max(contained, key=len)
        for other in group:
            if other != member:
                out.append(word.replace(member, other, 1))
    return list(dict.fromkeys(out))[:MAX_VARIANTS]
