"""The benchmark scripts write their table into docs/benchmarks.md between their own markers."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write_section(section: str, start: str, end: str, heading: str = "") -> None:
    """Put ``section`` (which begins with ``start`` and ends with ``end``) in place of the text
    between those markers; without them yet, append it after ``heading``."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + heading + section + "\n"
    DOC.write_text(text, encoding="utf-8")
