"""Measures: the curated, cited, dated policy items of ``resources/measures/*.yaml``.

The YAML files are read and checked here (docs/measure-format.md is their contract); the build
stores the checked measures in policies.db, from which the app reads them back with
:func:`measure_from_record`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Mapping

import yaml

from desktop.rules.conditions import ConditionError, FactInfo, Node, parse_condition

KINDS: dict[str, str] = {
    "subsidy": "资金补贴",
    "award": "奖励",
    "tax_relief": "税收优惠",
    "fee_reduction": "降费减免",
    "financing": "融资支持",
    "filing": "备案",
    "licence": "行政许可",
    "commitment": "告知承诺制办理",
    "obligation": "合规义务",
    "penalty": "处罚风险",
    "service": "政务服务与便利",
}

# The groups the app and the checklist show, in this order.
KIND_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("money", "资金补贴与奖励", ("subsidy", "award")),
    ("tax", "税费减免", ("tax_relief", "fee_reduction")),
    ("finance", "融资支持", ("financing",)),
    ("procedure", "备案与许可", ("filing", "licence", "commitment")),
    ("duty", "合规义务", ("obligation", "penalty")),
    ("service", "政务服务与便利", ("service",)),
]
GROUP_OF_KIND = {kind: key for key, _, kinds in KIND_GROUPS for kind in kinds}
GROUP_LABEL = {key: label for key, label, _ in KIND_GROUPS}

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NOT_STATED = "未规定"
REQUIRED = ("id", "kind", "title", "summary", "source")
# What a file may state once for all its measures (document.defaults); an absent field means
# "not stated" (procedure, department) or "none" (benefit, requirement, deadline, amounts).
DEFAULTABLE = ("department", "procedure")


class MeasureError(ValueError):
    """A measure file breaks the documented format."""


@dataclass(frozen=True)
class DocumentRef:
    title: str
    doc_number: str | None
    source_file: str
    lines: tuple[int, int] | None
    issuers: tuple[str, ...]
    issued: str | None
    valid_from: str | None
    valid_to: str | None
    validity_note: str
    # Fields every measure of the file shares unless it says otherwise (document.defaults).
    defaults: Mapping[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Source:
    document: str
    doc_number: str | None
    clause: str
    quote: str
    source_file: str
    line: int | None


@dataclass(frozen=True)
class Measure:
    id: str
    kind: str
    title: str
    summary: str
    programme_level: bool
    benefit: str | None
    requirement: str | None
    amounts: tuple[str, ...]
    when: Any  # the raw YAML condition, kept for display and storage
    procedure: str
    department: str
    deadline: str | None
    valid_from: str | None  # effective window: the measure's own dates, else its document's
    valid_to: str | None
    validity_note: str
    source: Source
    file: str
    condition: Node | None = field(default=None, compare=False, repr=False)

    @property
    def group(self) -> str:
        return GROUP_OF_KIND[self.kind]

    def to_record(self) -> dict[str, Any]:
        """A JSON-able dict for the database (the parsed condition is rebuilt on load)."""
        data = asdict(self)
        data.pop("condition")
        data["amounts"] = list(self.amounts)
        return data


def _date(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise MeasureError(f"{where}: dates are YYYY-MM-DD or null, got {value!r}")


def _text(value: Any, where: str) -> str:
    """Required text (numbers read as text); anything else is the file's error."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or str(value).strip() == "":
        raise MeasureError(f"{where}: expected text, got {value!r}")
    return str(value).strip()


def _optional_text(value: Any, where: str) -> str | None:
    return None if value is None else _text(value, where)


def parse_document(raw: Any, where: str) -> DocumentRef:
    if not isinstance(raw, Mapping):
        raise MeasureError(f"{where}: 'document' must be a mapping")
    lines = raw.get("lines")
    if lines is not None and not (isinstance(lines, list) and len(lines) == 2 and all(isinstance(n, int) for n in lines)):
        raise MeasureError(f"{where}: document.lines is [first, last]")
    issuers = raw.get("issuers") or []
    if not isinstance(issuers, list):
        raise MeasureError(f"{where}: document.issuers is a list")
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, Mapping) or not set(defaults) <= set(DEFAULTABLE):
        raise MeasureError(f"{where}: document.defaults may only set {', '.join(DEFAULTABLE)}")
    return DocumentRef(
        title=_text(raw.get("title"), f"{where}: document.title"),
        doc_number=_optional_text(raw.get("doc_number"), f"{where}: document.doc_number"),
        source_file=_text(raw.get("source_file"), f"{where}: document.source_file"),
        lines=tuple(lines) if lines else None,
        issuers=tuple(str(i) for i in issuers),
        issued=_date(raw.get("issued"), f"{where}: document.issued"),
        valid_from=_date(raw.get("valid_from"), f"{where}: document.valid_from"),
        valid_to=_date(raw.get("valid_to"), f"{where}: document.valid_to"),
        validity_note=_text(raw.get("validity_note") or NOT_STATED, f"{where}: document.validity_note"),
        defaults=dict(defaults),
    )


def parse_measure(raw: Any, doc: DocumentRef, facts: Mapping[str, FactInfo], file: str) -> Measure:
    if not isinstance(raw, Mapping):
        raise MeasureError(f"{file}: every measure is a mapping")
    raw = {**doc.defaults, **raw}  # a field the measure states wins over the file's default
    mid = raw.get("id")
    where = f"{file}: {mid}"
    for key in REQUIRED:
        if key not in raw:
            raise MeasureError(f"{where}: missing '{key}'")
    if not isinstance(mid, str) or not ID_PATTERN.match(mid):
        raise MeasureError(f"{where}: id must be lowercase ASCII words joined by dashes")
    if raw["kind"] not in KINDS:
        raise MeasureError(f"{where}: kind {raw['kind']!r} is not one of {', '.join(KINDS)}")
    src = raw["source"]
    if not isinstance(src, Mapping) or "quote" not in src or "clause" not in src:
        raise MeasureError(f"{where}: source needs clause and quote")
    quote = _text(src["quote"], f"{where}: source.quote")
    if not 10 <= len(quote) <= 80:
        raise MeasureError(f"{where}: quote must be 10–80 characters, has {len(quote)}")
    line = src.get("line")
    if line is not None and not isinstance(line, int):
        raise MeasureError(f"{where}: source.line is a line number")
    amounts = raw.get("amounts") or []
    if not isinstance(amounts, list):
        raise MeasureError(f"{where}: amounts is a list")
    programme = raw.get("programme_level", False)
    if not isinstance(programme, bool):
        raise MeasureError(f"{where}: programme_level is true or false")
    when = raw.get("when")
    try:
        condition = parse_condition(when, facts, f"{where}: when") if when not in (None, {}, []) else None
    except ConditionError as exc:
        raise MeasureError(str(exc)) from None
    own_from = _date(raw.get("valid_from"), f"{where}: valid_from")
    own_to = _date(raw.get("valid_to"), f"{where}: valid_to")
    own_note = raw.get("validity_note")
    if (own_from or own_to) and not own_note:
        raise MeasureError(f"{where}: a measure with its own dates needs the validity_note that states them")
    valid_from = own_from or doc.valid_from
    valid_to = own_to or doc.valid_to
    if valid_from and valid_to and valid_from > valid_to:
        raise MeasureError(f"{where}: valid_from {valid_from} is after valid_to {valid_to}")
    note = str(own_note) if own_note else doc.validity_note
    return Measure(
        id=mid,
        kind=raw["kind"],
        title=_text(raw["title"], f"{where}: title"),
        summary=_text(raw["summary"], f"{where}: summary"),
        programme_level=programme,
        benefit=_optional_text(raw.get("benefit"), f"{where}: benefit"),
        requirement=_optional_text(raw.get("requirement"), f"{where}: requirement"),
        amounts=tuple(str(a) for a in amounts),
        when=when,
        procedure=_text(raw.get("procedure") or NOT_STATED, f"{where}: procedure"),
        department=_text(raw.get("department") or NOT_STATED, f"{where}: department"),
        deadline=_optional_text(raw.get("deadline"), f"{where}: deadline"),
        valid_from=valid_from,
        valid_to=valid_to,
        validity_note=note,
        source=Source(
            document=doc.title,
            doc_number=doc.doc_number,
            clause=_text(src["clause"], f"{where}: source.clause"),
            quote=quote,
            source_file=doc.source_file,
            line=line,
        ),
        file=file,
        condition=condition,
    )


@dataclass
class MeasureFile:
    path: Path
    document: DocumentRef
    measures: list[Measure]


def load_measure_file(path: Path, facts: Mapping[str, FactInfo]) -> MeasureFile:
    with path.open(encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise MeasureError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, Mapping) or "document" not in data or not isinstance(data.get("measures"), list):
        raise MeasureError(f"{path.name}: needs 'document' and a 'measures' list")
    doc = parse_document(data["document"], path.name)
    measures = [parse_measure(raw, doc, facts, path.name) for raw in data["measures"]]
    return MeasureFile(path, doc, measures)


def load_measure_files(folder: Path, facts: Mapping[str, FactInfo]) -> list[MeasureFile]:
    files = [load_measure_file(p, facts) for p in sorted(folder.glob("*.yaml"))]
    seen: dict[str, str] = {}
    for mf in files:
        for m in mf.measures:
            if m.id in seen:
                raise MeasureError(f"{mf.path.name}: id {m.id!r} is also used in {seen[m.id]}")
            seen[m.id] = mf.path.name
    return files


def measure_from_record(record: Mapping[str, Any], facts: Mapping[str, FactInfo]) -> Measure:
    """Rebuild a Measure stored by the build (see :meth:`Measure.to_record`)."""
    data = dict(record)
    data["amounts"] = tuple(data.get("amounts") or ())
    data["source"] = Source(**data["source"])
    when = data.get("when")
    data["condition"] = parse_condition(when, facts, data["id"]) if when not in (None, {}, []) else None
    return Measure(**data)
