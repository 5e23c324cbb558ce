"""What-if: changes within the company's reach that would open more support.

Each *actionable* fact (marked ``actionable`` in the questionnaire) is changed one at a time, and
the measures whose status would rise are reported, grouped by the change. Only changes a company
of this kind can make are tried:

- a recognition only where its size and industry allow it (``requires``; 制造业单项冠军 only for
  manufacturers) and at most ``reach`` rungs up its ladder;
- a threshold it nearly meets: a number raised by at most ``reach`` to a threshold that a measure
  names (a second 医保管理员, three more months of operation);
- no move of the registered address (``relocation``) unless the user asks for it (含迁址);
- facts that go together change together (``with``: a new 小巨人 is also a municipal one).

Facts that describe what a company is (industry, ownership, district) are never suggested, and an
unanswered fact is a question, not an opportunity. Changes that open money with a stated amount
come first; directions (programme-level) are shown as directions, after what the company can use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Mapping, Sequence

from desktop.rules.conditions import Test, evaluate as evaluate_condition
from desktop.rules.engine import STATUS_LABELS, Engine, MeasureResult
from desktop.rules.facts import Question

# How far a status rises: a direction becoming related counts less than anything usable.
RANK = {"applies": 3, "maybe": 2, "related": 1}
MONEY_KINDS = ("subsidy", "award", "tax_relief", "fee_reduction", "financing")
DIRECTION_LABEL = "相关政策方向"


def status_label(result: MeasureResult) -> str:
    """A direction is never labelled 适用: it is a related policy direction."""
    if result.measure.programme_level:
        return DIRECTION_LABEL
    return STATUS_LABELS.get(result.status, result.status)


def _is_money(result: MeasureResult) -> bool:
    m = result.measure
    return m.kind in MONEY_KINDS and bool(m.amounts) and not m.programme_level


@dataclass
class Unlock:
    fact: str
    value: Any
    label: str  # e.g. 获得“专精特新中小企业”认定
    measures: list[MeasureResult]  # money first, then what the company can use, directions last
    how_to: list[MeasureResult] = field(default_factory=list)
    changes: dict[str, Any] = field(default_factory=dict)  # every fact changed (coupled ones included)
    relocation: bool = False

    @property
    def money_stated(self) -> int:
        return sum(1 for r in self.measures if _is_money(r))

    @property
    def usable(self) -> list[MeasureResult]:
        return [r for r in self.measures if not r.measure.programme_level]

    @property
    def directions(self) -> list[MeasureResult]:
        return [r for r in self.measures if r.measure.programme_level]

    def to_json(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "value": self.value,
            "label": self.label,
            "changes": dict(self.changes),
            "relocation": self.relocation,
            "money_stated": self.money_stated,
            "measures": [
                {
                    "id": r.id,
                    "title": r.measure.title,
                    "kind": r.measure.kind,
                    "status": r.status,
                    "status_label": status_label(r),
                    "amounts": list(r.measure.amounts),
                    "programme_level": r.measure.programme_level,
                }
                for r in self.measures
            ],
            "how_to": [{"id": r.id, "title": r.measure.title, "kind": r.measure.kind} for r in self.how_to],
        }


def candidate_values(question: Question, current: Any, thresholds: Sequence[float] = ()) -> list[Any]:
    """The values a company could move this fact to from ``current`` (before ``requires``)."""
    spec = question.actionable
    if not spec or current is None:
        return []
    if question.type == "bool":
        return [True] if current is False else []
    if question.type == "choice":
        ladder = list(spec.get("ladder") or question.choices)
        if current not in ladder:
            return []
        higher = ladder[ladder.index(current) + 1 :]
        reach = spec.get("reach")
        return higher[: int(reach)] if isinstance(reach, (int, float)) else higher
    if question.type in ("int", "number") and isinstance(current, (int, float)):
        reach = float(spec.get("reach") or 0)
        return sorted({t for t in thresholds if current < t <= current + reach})
    return []


def _thresholds(engine: Engine, fact: str) -> list[float]:
    """The numbers measures compare ``fact`` with (gte n, gt n → n and n+1)."""
    out: set[float] = set()

    def walk(node) -> None:
        if isinstance(node, Test):
            if node.fact == fact and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                if node.op == "gte":
                    out.add(node.value)
                elif node.op == "gt":
                    out.add(node.value + 1)
            return
        for part in getattr(node, "parts", ()) or ((node.part,) if hasattr(node, "part") else ()):
            walk(part)

    for m in engine.measures:
        if m.condition is not None and fact in engine.facts_by_measure[m.id]:
            walk(m.condition)
    return sorted(out)


def within_reach(question: Question, value: Any, facts: Mapping[str, Any]) -> bool:
    """Whether the company can make this change (its ``requires`` holds for what is known)."""
    spec = question.actionable or {}
    if spec.get("relocation"):
        return True  # allowed or not by the caller
    cond = (spec.get("requires") or {}).get(_key(value))
    return cond is None or evaluate_condition(cond, facts, lambda t: "").value is True


def what_if(engine: Engine, profile: Mapping[str, Any], as_of: dt.date,
            baseline: list[MeasureResult] | None = None, include_relocation: bool = False) -> list[Unlock]:
    """Every change within reach that opens measures, best first (money with amounts, then usable items)."""
    baseline = baseline if baseline is not None else engine.evaluate(profile, as_of)
    before = {r.id: r.status for r in baseline}
    by_id = {r.id: r for r in baseline}
    facts = engine.facts_of(profile)
    unlocks: list[Unlock] = []
    for question in engine.questionnaire.questions:
        spec = question.actionable
        if not spec or (spec.get("relocation") and not include_relocation):
            continue
        thresholds = _thresholds(engine, question.fact) if question.type in ("int", "number") else []
        values = [v for v in candidate_values(question, profile.get(question.fact), thresholds)
                  if within_reach(question, v, facts)]
        for value in values:
            changes = {question.fact: value, **(spec.get("with") or {}).get(_key(value), {})}
            changed = {**profile, **changes}
            # Only measures that look at a changed fact can change.
            affected = [m for m in engine.measures if engine.facts_by_measure[m.id] & set(changes)]
            opened = [
                r for r in engine.evaluate(changed, as_of, affected)
                if RANK.get(r.status, 0) > RANK.get(before[r.id], 0)
            ]
            if not opened:
                continue
            opened.sort(key=lambda r: (not _is_money(r), r.measure.programme_level, -RANK.get(r.status, 0)))
            how_ids = (spec.get("how_to") or {}).get(_key(value), [])
            how = [by_id[i] for i in how_ids if i in by_id]
            unlocks.append(Unlock(question.fact, value, _label(question, value), opened, how, changes,
                                  bool(spec.get("relocation"))))
    unlocks.sort(key=lambda u: (-u.money_stated, -len(u.usable), -len(u.measures), u.fact))
    return unlocks


def _key(value: Any) -> str:
    """The key a value has in the questionnaire's ``labels`` / ``how_to`` / ``requires`` mappings."""
    if value is True:
        return "true"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _label(question: Question, value: Any) -> str:
    spec = question.actionable or {}
    labels = spec.get("labels") or {}
    if _key(value) in labels:
        return str(labels[_key(value)])
    if spec.get("label"):
        return str(spec["label"]).replace("{value}", _key(value))
    if question.type == "choice":
        return f"{question.text.rstrip('？?')}：{question.choices.get(value, value)}"
    if question.type in ("int", "number"):
        return f"{question.text.rstrip('？?')}：达到 {_key(value)}"
    return f"{question.text.rstrip('？?')}：是"
