"""The structure inside a document: 章, 条, numbered items, attachments, responsible units.

Paragraphs are read in order; a paragraph that opens with a marker (第一章, 第三条, 一、, (一),
1., (1), 附件) opens a section one level below the nearest open section of a higher-ranking
marker kind; other paragraphs continue the section they follow. Markdown heading levels are
ignored: the seeds use them inconsistently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop.corpus.layout import CN_NUM, Paragraph

RESPONSIBLE = re.compile(r"[（(]\s*((?:责任单位|牵头单位|配合单位|牵头部门|责任部门)\s*[:：][^)）]*)[)）]")

# Marker kinds in rank order: a kind nests inside any kind ranked before it.
MARKER_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("attachment", re.compile(r"^附件\s*\d*\s*[:：]?")),
    ("chapter", re.compile(rf"^第[{CN_NUM}\d]+章")),
    ("article", re.compile(rf"^第[{CN_NUM}\d]+条")),
    ("part", re.compile(rf"^[{CN_NUM}]+、")),
    ("item", re.compile(rf"^[（(]\s*[{CN_NUM}]+\s*[)）]")),
    ("point", re.compile(r"^\d+\s*[.．、](?!\d)")),
    ("subpoint", re.compile(r"^[（(]\s*\d+\s*[)）]")),
]
RANK = {kind: i for i, (kind, _) in enumerate(MARKER_KINDS)}
LABEL_MAX = 40


@dataclass
class Section:
    ordinal: int
    kind: str
    label: str  # the marker as printed: 第十九条, （三）, 2.
    heading: str  # the run-in title (up to the first 。) or the heading line
    text: str
    first_line: int
    last_line: int
    char_start: int  # offsets into the document's display text
    char_end: int
    parent: int | None  # ordinal of the parent section
    level: int
    path: str = ""
    responsible: list[str] = field(default_factory=list)


def marker_of(text: str) -> tuple[str, str] | None:
    for kind, pattern in MARKER_KINDS:
        m = pattern.match(text)
        if m:
            return kind, m.group(0).strip()
    return None


def _heading(text: str, label: str) -> str:
    rest = text[len(label) :].strip() if text.startswith(label) else text
    # A run-in title ends at the first full stop; a heading line is the whole line.
    for stop in ("。", "；", ";", "：", ":"):
        if stop in rest[:LABEL_MAX]:
            return rest[: rest.index(stop)].strip()
    return rest[:LABEL_MAX].strip()


def build_sections(paragraphs: list[Paragraph]) -> tuple[str, list[Section]]:
    """Return the document's display text (paragraphs joined by newlines) and its sections.

    Text before the first marker (title block, preamble) belongs to a section of kind
    ``preamble`` so every character of the document is addressable.
    """
    parts: list[str] = []
    offset = 0
    sections: list[Section] = []
    stack: list[Section] = []
    current: Section | None = None
    for para in paragraphs:
        start = offset
        parts.append(para.text)
        offset += len(para.text) + 1  # the newline
        found = marker_of(para.text)
        # A 1. inside a run of 一、 items at the same place is still a point; only nest by rank.
        if found is not None:
            kind, label = found
            while stack and RANK[stack[-1].kind] >= RANK[kind]:
                stack.pop()
            parent = stack[-1] if stack else None
            current = Section(
                ordinal=len(sections),
                kind=kind,
                label=label,
                heading=_heading(para.text, label),
                text=para.text,
                first_line=para.first,
                last_line=para.last,
                char_start=start,
                char_end=start + len(para.text),
                parent=parent.ordinal if parent else None,
                level=len(stack) + 1,
            )
            current.path = " > ".join([*(s.label + (s.heading and " " + s.heading[:20]) for s in stack), current.label])
            sections.append(current)
            stack.append(current)
        elif current is None:
            current = Section(len(sections), "preamble", "", "", para.text, para.first, para.last, start,
                              start + len(para.text), None, 0, path="正文前言")
            sections.append(current)
        else:
            current.text += "\n" + para.text
            current.last_line = para.last
            current.char_end = start + len(para.text)
        for m in RESPONSIBLE.finditer(para.text):
            current.responsible.append(m.group(1).strip())
    return "\n".join(parts), sections
