"""Repair the physical layout of a PDF-to-text seed: clean lines, then paragraphs.

The seeds put a blank line after most text lines, break paragraphs (and words) across lines and
pages, mark page starts with a leading space, and carry Markdown artefacts (``#`` headings,
``**bold**``, ``- `` bullets) that mean nothing about structure. Each cleaned line keeps its raw
line number so that every paragraph, section and quote can cite the seed's lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lines that are page furniture, not text.
PAGE_NUMBER = re.compile(r"^\d{1,3}$")
RUNNING_HEADERS = {"北京市人民政府公报"}

MARKDOWN_HEADING = re.compile(r"^#+\s*")
MARKDOWN_BULLET = re.compile(r"^[-*]\s+")
BOLD = re.compile(r"\*\*")

# Structure markers at the start of a paragraph (after markdown is stripped).
CN_NUM = "一二三四五六七八九十百零〇两"
MARKER = re.compile(
    rf"^(?:第[{CN_NUM}\d]+[章节条]|[{CN_NUM}]+、|[（(]\s*[{CN_NUM}]+\s*[)）]|\d+\s*[.．、](?!\d)|[（(]\s*\d+\s*[)）]|附件)"
)
# A paragraph ends at one of these; anything else at a line end means the line was broken.
TERMINAL = tuple("。；;：:！!？?")
CLOSING = tuple(")）】》”\"")
DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number in the raw seed
    text: str  # cleaned text (markdown removed, outer spaces stripped)


@dataclass
class Paragraph:
    text: str
    first: int  # raw line numbers
    last: int


def clean_lines(raw: str, first: int = 1, last: int | None = None) -> list[Line]:
    """The non-empty text lines of ``raw`` between two raw line numbers, page furniture removed."""
    out = []
    for no, text in enumerate(raw.split("\n"), start=1):
        if no < first or (last is not None and no > last):
            continue
        text = BOLD.sub("", MARKDOWN_HEADING.sub("", text.strip())).strip()
        text = MARKDOWN_BULLET.sub("", text).strip()
        if not text or PAGE_NUMBER.match(text) or text in RUNNING_HEADERS:
            continue
        out.append(Line(no, text))
    return out


def is_heading_like(text: str) -> bool:
    """A short marked line without final punctuation reads as a heading, not a broken sentence."""
    return bool(MARKER.match(text)) and len(text) <= 30 and not text.endswith(TERMINAL)


def ends_paragraph(text: str) -> bool:
    if text.endswith(TERMINAL) or DATE_LINE.match(text):
        return True
    if text.endswith(CLOSING):
        # A closing bracket ends a paragraph unless a bracket is still open (a broken "(责任单位:").
        return text.count("(") + text.count("（") <= text.count(")") + text.count("）")
    return False


def join_paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Join lines broken mid-sentence or mid-word into paragraphs.

    A line is continued by the next one when it does not end a sentence, is not a heading, and the
    next line does not open a new marked item. CJK text is joined without a space; a space is kept
    between two Latin words.
    """
    paragraphs: list[Paragraph] = []
    current: Paragraph | None = None
    for line in lines:
        if current is not None:
            starts_new = bool(MARKER.match(line.text)) or line.text.startswith(("(责任单位", "（责任单位"))
            if not starts_new and not ends_paragraph(current.text) and not is_heading_like(current.text) \
                    and not DATE_LINE.match(line.text):
                glue = " " if current.text[-1:].isascii() and current.text[-1:].isalnum() and line.text[:1].isascii() and line.text[:1].isalnum() else ""
                current.text += glue + line.text
                current.last = line.no
                continue
            paragraphs.append(current)
        current = Paragraph(line.text, line.no, line.no)
    if current is not None:
        paragraphs.append(current)
    return paragraphs
