"""Which measure cites which place of which document (Qt-free).

Each measure's source (document title / 文号 and verbatim quote) is mapped to a library document
when the window opens (cheap); the quotes of one document are located in its display text the
first time that document is shown (one normalisation pass per document), so the reader can
highlight a quote and list, for any clause, the measures that rest on it.
"""

from __future__ import annotations

from desktop.corpus.normalize import normalize_for_match
from desktop.library.db import Library, SectionRow, _normalized_map
from desktop.rules.measures import Measure

Span = tuple[int, int]


class CitationIndex:
    """Measures located in the library."""

    def __init__(self, library: Library, measures: list[Measure]):
        self.library = library
        self.quotes = {m.id: m.source.quote for m in measures}
        self.doc_of: dict[str, str] = {}
        self.ids_by_doc: dict[str, list[str]] = {}
        found: dict[tuple[str, str | None], str | None] = {}
        for m in measures:
            key = (m.source.document, m.source.doc_number)
            if key not in found:
                doc = library.find_document(title=key[0], doc_number=key[1])
                found[key] = doc.id if doc else None
            doc_id = found[key]
            if doc_id is None:
                continue
            self.doc_of[m.id] = doc_id
            self.ids_by_doc.setdefault(doc_id, []).append(m.id)
        self._spans: dict[str, dict[str, Span | None]] = {}

    def spans(self, doc_id: str) -> dict[str, Span | None]:
        """Measure id → display span of its quote in this document (None where not found)."""
        if doc_id not in self._spans:
            doc = self.library.document(doc_id)
            out: dict[str, Span | None] = {}
            if doc is not None:
                norm, index = _normalized_map(doc.text)
                for mid in self.ids_by_doc.get(doc_id, []):
                    want = normalize_for_match(self.quotes[mid]).lower()
                    pos = norm.find(want) if want else -1
                    out[mid] = (index[pos], index[pos + len(want) - 1] + 1) if pos >= 0 else None
            self._spans[doc_id] = out
        return self._spans[doc_id]

    def span(self, measure_id: str) -> Span | None:
        doc_id = self.doc_of.get(measure_id)
        return self.spans(doc_id).get(measure_id) if doc_id else None

    def citing(self, doc_id: str, start: int, end: int) -> list[str]:
        """Measures whose quote begins inside [start, end) of the document."""
        return [mid for mid, span in self.spans(doc_id).items() if span is not None and start <= span[0] < end]

    def citing_section(self, section: SectionRow) -> list[str]:
        return self.citing(section.doc_id, section.char_start, max(section.char_end, section.char_start + 1))
