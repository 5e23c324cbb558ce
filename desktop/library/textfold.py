"""One spelling for the index and the query: traditional → simplified, width, case, 文号 brackets.

Folding is character for character (a one-to-one table), so an offset into folded text is an
offset into the text it came from and highlights land on the right characters. The traditional →
simplified table is data (resources/search/t2s_characters.tsv, from OpenCC's character table).
"""

from __future__ import annotations

import functools
import re

from desktop.paths import resources_dir

# 文号 in any bracket style, spaced or not: 京医保发(2021)31号, 京教办[2025]2号, 京政发〔2021〕33 号.
DOC_NUMBER = re.compile(r"([\u4e00-\u9fa5]{1,12})\s*[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]\s*(\d{1,4})\s*号")


@functools.cache
def _t2s_table() -> dict[int, str]:
    path = resources_dir() / "search" / "t2s_characters.tsv"
    table: dict[int, str] = {}
    if not path.exists():  # folding is a recall aid, not a requirement
        return table
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1 and len(parts[1]) == 1 and not line.startswith("#"):
            table[ord(parts[0])] = parts[1]
    return table


@functools.cache
def _fold_table() -> dict[int, str]:
    table = dict(_t2s_table())
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[code] = chr(code - 0xFEE0).lower()
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    table[0x3000] = " "
    return table


def fold_chars(text: str) -> str:
    """Full-width ASCII to half-width, lower case, traditional to simplified; one char for one."""
    return text.translate(_fold_table())


def normalize_doc_numbers(text: str) -> str:
    """京医保发 (2021) 31 号 → 京医保发〔2021〕31号, wherever it stands in ``text``."""
    return DOC_NUMBER.sub(lambda m: f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号", text)
