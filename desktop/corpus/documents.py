"""Split a seed into its documents and read each document's metadata.

Two kinds of seed: a gazette issue (北京市人民政府公报: cover, Chinese and English tables of
contents, then the documents, each with a title block and usually a 文号 line or an addressee
line) and the 工商联 compilation (documents one after another under domain headings, most
without 文号). Boundaries are found from anchors in the text itself; the tests compare the result
with the reader's inventories.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from desktop.corpus.layout import DATE_LINE, MARKER, Line, clean_lines
from desktop.corpus.normalize import normalize_for_match

TOC_END = "Chinese version being official"
BACK_MATTER = ("政府公报查询方式",)
DOC_NUMBER = re.compile(r"^([\u4e00-\u9fa5]+[〔\[]\s*\d{4}\s*[〕\]]\s*\d+\s*号)$")
ADDRESSEE = re.compile(r"^各[^。]{2,80}[：:]$")
TITLE_SUFFIXES = ("措施", "决定", "方案", "条例", "意见", "细则", "通告", "通知", "办法", "(试行)", "（试行）")
ORGAN_SUFFIXES = ("局", "委", "会", "厅", "办", "院", "中心", "政府", "委员会", "办公室", "联合会", "管委会", "部", "海关")
DOMAIN_HEADING = re.compile(r"^\d\.\s?\S{2,20}$")
KNOWN_DOMAINS = ("优化营商环境",)
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
EFFECTIVE = re.compile(r"自\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*起(?:施行|实施|执行)")
EFFECTIVE_ON_ISSUE = re.compile(r"自(?:印发|发布)之日起(?:施行|实施|执行)")
EXPIRY = re.compile(r"有效期至\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
PLAN_PERIOD = re.compile(r"[(（]\s*(\d{4})\s*[—\-－–]+\s*(\d{4})\s*年\s*[)）]")
PLAN_YEAR = re.compile(r"[(（]\s*(\d{4})\s*年\s*[)）]")
ENGLISH_ENTRY_END = re.compile(r"\.{3,}\s*\(\d+\)\s*$|\t\(\d+\)\s*$")
LIST_DOCUMENT_TITLE = "四季度出台“十四五”规划汇总"


@dataclass
class Document:
    id: str
    title: str
    doc_number: str | None
    source_file: str
    first_line: int  # raw line numbers of the whole document (title block included)
    last_line: int
    body_first_line: int  # first line after the title block
    issuers: list[str] = field(default_factory=list)
    issue_date: str | None = None
    effective_date: str | None = None
    expiry_date: str | None = None
    plan_start: str | None = None
    plan_end: str | None = None
    validity_note: str | None = None
    english_title: str | None = None
    domain: str | None = None
    category: str | None = None  # gazette section, e.g. 【部门文件】
    extra_sources: list[dict] = field(default_factory=list)

    @property
    def sources(self) -> list[dict]:
        own = {"file": self.source_file, "start_line": self.first_line, "end_line": self.last_line}
        return [own, *self.extra_sources]


def make_doc_id(source_file: str, title: str) -> str:
    """A stable id: the seed's prefix and a short hash of the normalised title."""
    digest = hashlib.sha1(normalize_for_match(title).encode("utf-8")).hexdigest()[:8]
    return f"d{source_file[:3]}-{digest}"


def _date(text: str) -> str | None:
    m = DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _is_organ_line(text: str) -> bool:
    """An issuer line: organ names only (possibly letter-spaced), no verbs of a title."""
    squeezed = re.sub(r"\s+", "", text)
    if any(w in squeezed for w in ("关于", "印发", "通知", "意见", "。", "，", ",")):
        return False
    return squeezed.endswith(ORGAN_SUFFIXES) and len(squeezed) <= 40


def _organs(text: str) -> list[str]:
    parts = re.split(r"\s{1,}(?=[\u4e00-\u9fa5]{3,})", text.strip())
    # Letter-spaced names ("北 京 市 民 政 局") split into single characters: squeeze them back.
    if all(len(p) == 1 for p in text.split()):
        return [text.replace(" ", "")]
    return [p.replace(" ", "") for p in parts if p.strip()]


def _looks_like_title_line(text: str) -> bool:
    return (
        not text.endswith(("。", "；", ";", "：", ":", "，", ","))
        and not MARKER.match(text)
        and not DATE_LINE.match(text)
        and not DOC_NUMBER.match(text)
        and len(text) <= 60
        and "\t" not in text
        and not text.startswith(("(注", "（注", "附件", "附表"))
        and not text[-1:].isdigit()
        and not text.endswith("%")
    )


# --------------------------------------------------------------------------- gazettes


def _title_block_above(lines: list[Line], anchor: int, floor: int) -> tuple[int, list[str], str]:
    """Walk up from the line before ``anchor`` collecting the title block.

    Returns the index of the block's first line, the issuer lines and the joined title.
    """
    k = anchor - 1
    if k >= floor and DOC_NUMBER.match(lines[k].text):
        k -= 1
    block: list[int] = []
    while k >= floor and _looks_like_title_line(lines[k].text) and len(block) < 16:
        block.insert(0, k)
        k -= 1
    texts = [lines[i].text for i in block]
    # Issuer lines lead a multi-issuer title block; a single issuer line that the title continues
    # ("中共北京市委办公厅 北京市人民政府办公厅" + "关于印发…") is part of the printed title.
    issuers_idx = 0
    while issuers_idx < len(texts) and _is_organ_line(texts[issuers_idx]):
        issuers_idx += 1
    issuer_lines = texts[:issuers_idx]
    title_lines = texts[issuers_idx:]
    if len(issuer_lines) == 1 and title_lines and title_lines[0].startswith(("关于", "印发")):
        title_lines = issuer_lines + title_lines
    title = _join_title(title_lines)
    return (block[0] if block else anchor), issuer_lines, title


def _join_title(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if out and out[-1].isascii() and out[-1].isalpha() and part[:1].isascii() and part[:1].isalpha():
            out += " "
        out += part
    # Spaces inside a title are where the print wrapped ("…国际消费 中心城市…"): drop those
    # between two CJK characters, keep others ("(2021—2025 年)" is as printed).
    return re.sub(r"(?<=[\u4e00-\u9fa5《》“”])\s+(?=[\u4e00-\u9fa5《》“”])", "", out)


def _gazette_documents(name: str, raw: str) -> list[Document]:
    raw_lines = raw.split("\n")
    start = next((i + 1 for i, l in enumerate(raw_lines) if TOC_END in l), 0) + 1
    end = next((i for i, l in enumerate(raw_lines, 1) if l.strip() in BACK_MATTER), len(raw_lines))
    lines = clean_lines(raw, start, end - 1 if end < len(raw_lines) else None)
    anchors: list[int] = []
    for i, line in enumerate(lines):
        if DOC_NUMBER.match(line.text):
            anchors.append(i)
        elif ADDRESSEE.match(line.text) and not (anchors and i - anchors[-1] <= 2 and DOC_NUMBER.match(lines[anchors[-1]].text)):
            # An addressee line anchors a document only where no 文号 line just did, and only
            # where a title block stands right above it.
            if i > 0 and _looks_like_title_line(lines[i - 1].text) and not DATE_LINE.match(lines[i - 1].text):
                anchors.append(i)
    docs: list[Document] = []
    floor = 0
    starts: list[tuple[int, int, list[str], str, str | None]] = []
    for a in anchors:
        first, issuers, title = _title_block_above(lines, a, floor)
        number = lines[a].text if DOC_NUMBER.match(lines[a].text) else None
        if not title:
            continue
        starts.append((first, a, issuers, title, number))
        floor = a + 1
    categories = _gazette_categories(raw_lines)
    english = _english_titles(raw_lines)
    for n, (first, a, issuers, title, number) in enumerate(starts):
        last_idx = starts[n + 1][0] - 1 if n + 1 < len(starts) else len(lines) - 1
        doc = Document(
            id=make_doc_id(name, title),
            title=title,
            doc_number=re.sub(r"\s+", "", number) if number else None,
            source_file=name,
            first_line=lines[first].no,
            last_line=lines[last_idx].no,
            body_first_line=lines[a + 1].no if a + 1 < len(lines) else lines[a].no,
            issuers=[o for line in issuers for o in _organs(line)],
            english_title=english[n] if len(english) == len(starts) else None,
            category=categories[n] if len(categories) == len(starts) else None,
        )
        docs.append(doc)
    return docs


def _toc_lines(raw_lines: list[str]) -> tuple[list[str], list[str]]:
    """The Chinese and the English table-of-contents lines (stripped, non-empty)."""
    zh: list[str] = []
    en: list[str] = []
    mode = None
    for line in raw_lines:
        text = line.strip().lstrip("#").strip().replace("*", "")
        if TOC_END in text or text.startswith("(The Table of Contents"):
            break
        if text.replace(" ", "") == "目录":
            mode = "zh"
            continue
        if text == "CONTENTS":
            mode = "en"
            continue
        if text.startswith("GAZETTE OF"):
            mode = None
        if mode == "zh" and text:
            zh.append(text)
        elif mode == "en" and text:
            en.append(text)
    return zh, en


def _english_titles(raw_lines: list[str]) -> list[str]:
    """English TOC titles, in order (entries end with '..... (page)' or a tab and '(page)')."""
    _, en = _toc_lines(raw_lines)
    titles: list[str] = []
    current: list[str] = []
    for text in en:
        if text.startswith("【"):
            continue
        text = text.lstrip("- ").strip()
        current.append(text)
        joined = " ".join(current)
        if ENGLISH_ENTRY_END.search(joined) or re.search(r"\(\d+\)\s*$", joined):
            title = re.sub(r"\s*(\.{3,}|\t)?\s*\(\d+\)\s*$", "", joined)
            titles.append(re.sub(r"\s+", " ", title).strip())
            current = []
    return titles


def _gazette_categories(raw_lines: list[str]) -> list[str]:
    """The Chinese TOC section (【部门文件】…) of each entry, in order."""
    zh, _ = _toc_lines(raw_lines)
    out: list[str] = []
    section = None
    for text in zh:
        if text.startswith("【"):
            section = text
        elif re.search(r"\(\d+\)\s*$", text):
            out.append(section or "")
    return out


# --------------------------------------------------------------------------- the compilation


def _compilation_documents(name: str, raw: str) -> list[Document]:
    lines = clean_lines(raw)
    docs: list[Document] = []
    domain = None
    starts: list[tuple[int, int, str, str | None, str | None]] = []  # first, body index, title, number, domain
    i = 0
    while i < len(lines):
        text = lines[i].text
        prev = lines[i - 1].text if i else ""
        if DOMAIN_HEADING.match(text) and (text.endswith("领域") or text.endswith(KNOWN_DOMAINS) or "规划汇总" in text):
            domain = re.sub(r"^\d\.\s?", "", text)
            if "规划汇总" in text:
                starts.append((i, i + 1, LIST_DOCUMENT_TITLE, None, domain))
            i += 1
            continue
        title, used = _compilation_title_at(lines, i)
        numbered = next((k for k in range(i + 1, min(i + 5, len(lines))) if DOC_NUMBER.match(lines[k].text)), None)
        if numbered is not None and not DOMAIN_HEADING.match(text):
            # A 文号 line anchors a document as in a gazette: the title block is the lines above it.
            block_first, _issuers, block_title = _title_block_above(lines, numbered, i)
            if block_first == i and block_title:
                title, used = block_title, numbered - i
        if title and _after_boundary(prev):
            body = i + used
            number = None
            if body < len(lines) and DOC_NUMBER.match(lines[body].text):
                number = re.sub(r"\s+", "", lines[body].text)
                body += 1
            starts.append((i, body, title, number, domain))
            i = body
            continue
        i += 1
    for n, (first, body, title, number, dom) in enumerate(starts):
        nxt = starts[n + 1][0] - 1 if n + 1 < len(starts) else len(lines) - 1
        # Domain headings between two documents belong to neither.
        while nxt > first and DOMAIN_HEADING.match(lines[nxt].text) and lines[nxt].text.endswith(("领域", "汇总")):
            nxt -= 1
        docs.append(
            Document(
                id=make_doc_id(name, title),
                title=title,
                doc_number=number,
                source_file=name,
                first_line=lines[first].no,
                last_line=lines[nxt].no,
                body_first_line=lines[min(body, len(lines) - 1)].no,
                domain=dom,
            )
        )
    return docs


def _after_boundary(prev: str) -> bool:
    """A compilation title follows the end of the previous document (or a domain heading)."""
    return (
        prev == ""
        or prev.endswith(("。", ")", "）", "日", "(略)", "（略）"))
        or bool(DOMAIN_HEADING.match(prev))
        or bool(DATE_LINE.match(prev))
        or prev.startswith("附件")
    )


def _compilation_title_at(lines: list[Line], i: int) -> tuple[str | None, int]:
    """A title starting at line ``i``: one line, or two when the print broke it."""
    first = lines[i].text
    if not _looks_like_title_line(first) or len(first) > 48 or first.startswith(("(", "（", "《", "各")):
        return None, 0
    candidates = [(first, 1)]
    joined = first
    for extra in (1, 2):
        if i + extra >= len(lines) or not _looks_like_title_line(lines[i + extra].text) or len(lines[i + extra].text) > 30:
            break
        joined += lines[i + extra].text
        candidates.insert(0, (joined, extra + 1))
    for title, used in candidates:
        if title.endswith(TITLE_SUFFIXES) and ("北京" in title or title.startswith("关于")):
            return title, used
    return None, 0


# --------------------------------------------------------------------------- metadata


def read_metadata(doc: Document, body: list[Line]) -> None:
    """Dates, issuers and validity from the document's own lines."""
    texts = [l.text for l in body]
    joined = "".join(texts)
    # The issue date is the first stand-alone date line (after the signature of a covering
    # notice, or at the end of a document without one).
    for t in texts:
        if DATE_LINE.match(t.replace(" ", "")) or DATE_LINE.match(t):
            doc.issue_date = _date(t)
            break
    squeezed = re.sub(r"\s+", "", joined)
    m = EFFECTIVE.search(squeezed)
    if m:
        doc.effective_date = _date(m.group(1))
        doc.validity_note = squeezed[max(0, m.start() - 2) : m.end()]
    elif (m2 := EFFECTIVE_ON_ISSUE.search(squeezed)) is not None:
        doc.effective_date = doc.issue_date
        doc.validity_note = m2.group(0)
    m = EXPIRY.search(squeezed)
    if m:
        doc.expiry_date = _date(m.group(1))
    period = PLAN_PERIOD.search(doc.title)
    if period:
        doc.plan_start = f"{period.group(1)}-01-01"
        doc.plan_end = f"{period.group(2)}-12-31"
    elif (year := PLAN_YEAR.search(doc.title)) is not None:
        doc.plan_start = f"{year.group(1)}-01-01"
        doc.plan_end = f"{year.group(1)}-12-31"
    if not doc.issuers:
        # Single-issuer titles name their issuer before 关于 / 印发.
        m = re.match(r"^(.+?(?:局|委员会|委|政府办公厅|政府|办公厅|中心))(?:关于|印发)", doc.title)
        if m:
            doc.issuers = re.findall(r".+?(?:办公厅|委员会|局|委|政府|中心)(?=$|中|北京)", m.group(1).replace(" ", "")) or [m.group(1)]


def split_documents(name: str, raw: str) -> list[Document]:
    """Every document of one seed file, in order, with metadata."""
    is_gazette = TOC_END in raw
    docs = _gazette_documents(name, raw) if is_gazette else _compilation_documents(name, raw)
    for doc in docs:
        read_metadata(doc, clean_lines(raw, doc.body_first_line, doc.last_line))
    return docs
