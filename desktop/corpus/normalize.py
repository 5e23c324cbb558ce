"""Text normalisation shared by quoting, matching and search.

The seeds are PDF-to-text conversions: the same words arrive with full- or half-width punctuation
and with line breaks and spaces anywhere. Matching therefore compares NFKC forms with all white
space removed, while the original text is kept for display and quotation.
"""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def normalize_for_match(text: str) -> str:
    """Return ``text`` in NFKC form with every white-space character removed."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
