"""Ingest the corpus: every seed split into documents, each repaired and structured.

The same regulation can be printed twice (the retail-pharmacy 定点 rules are in a gazette with
their 文号 and again in the compilation without one): it becomes one document with both places
as its sources, the gazette text (with its covering notice) being the one shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from desktop.corpus.documents import Document, split_documents
from desktop.corpus.layout import clean_lines, join_paragraphs
from desktop.corpus.normalize import normalize_for_match
from desktop.corpus.structure import Section, build_sections

BOOK_TITLE = re.compile(r"《([^》]+)》")


@dataclass
class ParsedDocument:
    doc: Document
    text: str  # display text: repaired paragraphs, one per line
    sections: list[Section]


def parse_seed(name: str, raw: str) -> list[ParsedDocument]:
    out = []
    for doc in split_documents(name, raw):
        paragraphs = join_paragraphs(clean_lines(raw, doc.first_line, doc.last_line))
        text, sections = build_sections(paragraphs)
        out.append(ParsedDocument(doc, text, sections))
    return out


def _same_regulation(a: Document, b: Document) -> bool:
    """True when ``b`` is the bare text of the regulation that ``a`` issues (or the other way)."""
    for outer, inner in ((a, b), (b, a)):
        m = BOOK_TITLE.search(outer.title)
        if m and normalize_for_match(m.group(1)) == normalize_for_match(inner.title):
            return True
    return False


def ingest_corpus(corpus_dir: Path) -> list[ParsedDocument]:
    """Every document of every seed in ``corpus_dir``, duplicates merged, in file order."""
    parsed: list[ParsedDocument] = []
    for path in sorted(corpus_dir.glob("*.txt")):
        for pd in parse_seed(path.name, path.read_text(encoding="utf-8")):
            twin = next((p for p in parsed if _same_regulation(p.doc, pd.doc)), None)
            if twin is not None:
                twin.doc.extra_sources.append(
                    {"file": pd.doc.source_file, "start_line": pd.doc.first_line, "end_line": pd.doc.last_line}
                )
                if pd.doc.domain and not twin.doc.domain:
                    twin.doc.domain = pd.doc.domain
                continue
            parsed.append(pd)
    return parsed
