"""What-if: which recognitions and choices a company can act on would open more support.

Each *actionable* fact (marked ``actionable`` in the questionnaire: recognitions such as 专精特新
tiers or 高新技术企业, the listing stage, registering in a zone, starting R&D) is changed one at
a time, and the measures whose status would rise to applies or maybe are reported, grouped by the
change. Facts that describe what a company is (industry, ownership, district) are never suggested.
Only answered facts are varied: an unanswered one is a question, not an opportunity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from desktop.rules.engine import STATUS_LABELS, Engine, MeasureResult
from desktop.rules.facts import Question

RANK = {"applies": 2, "maybe": 1}
MONEY_KINDS = ("subsidy", "award", "tax_relief", "fee_reduction", "financing")


@dataclass
class Unlock:
    fact: str
    value: Any
    label: str  # e.g. 获得“专精特新中小企业”认定
    measures: list[MeasureResult]
    how_to: list[MeasureResult] = field(default_factory=list)

    @property
    def money_stated(self) -> int:
        return sum(1 for r in self.measures if r.measure.kind in MONEY_KINDS and r.measure.amounts)

    def to_json(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "value": self.value,
            "label": self.label,
            "measures": [
                {
                    "id": r.id,
                    "title": r.measure.title,
                    "kind": r.measure.kind,
                    "status": r.status,
                    "status_label": STATUS_LABELS[r.status],
                    "amounts": list(r.measure.amounts),
                    "programme_level": r.measure.programme_level,
                }
                for r in self.measures
            ],
            "how_to": [{"id": r.id, "title": r.measure.title, "kind": r.measure.kind} for r in self.how_to],
        }


def candidate_values(question: Question, current: Any) -> list[Any]:
    """The values a company could move this fact to from ``current``."""
    spec = question.actionable
    if not spec or current is None:
        return []
    if question.type == "bool":
        return [True] if current is False else []
    if question.type == "choice":
        ladder = list(spec.get("ladder") or question.choices)
        if current not in ladder:
            return []
        return ladder[ladder.index(current) + 1 :]
    return []


def what_if(engine: Engine, profile: Mapping[str, Any], as_of: dt.date,
            baseline: list[MeasureResult] | None = None) -> list[Unlock]:
    """Every one-fact change that opens measures, best first (most measures, then money stated)."""
    baseline = baseline if baseline is not None else engine.evaluate(profile, as_of)
    before = {r.id: r.status for r in baseline}
    by_id = {r.id: r for r in baseline}
    unlocks: list[Unlock] = []
    for question in engine.questionnaire.questions:
        values = candidate_values(question, profile.get(question.fact))
        # Only measures that look at this fact can change when it does.
        if not values:
            continue
        affected = [m for m in engine.measures if question.fact in engine.facts_by_measure[m.id]]
        for value in values:
            changed = dict(profile)
            changed[question.fact] = value
            opened = [
                r for r in engine.evaluate(changed, as_of, affected)
                if RANK.get(r.status, 0) > RANK.get(before[r.id], 0)
            ]
            if not opened:
                continue
            how_ids = ((question.actionable or {}).get("how_to") or {}).get(_key(value), [])
            how = [by_id[i] for i in how_ids if i in by_id]
            unlocks.append(Unlock(question.fact, value, _label(question, value), opened, how))
    unlocks.sort(key=lambda u: (-len(u.measures), -u.money_stated, u.fact))
    return unlocks


def _key(value: Any) -> str:
    """The key a value has in the questionnaire's ``labels`` / ``how_to`` mappings."""
    return "true" if value is True else str(value)


def _label(question: Question, value: Any) -> str:
    labels = (question.actionable or {}).get("labels") or {}
    if _key(value) in labels:
        return str(labels[_key(value)])
    if question.type == "choice":
        return f"{question.text.rstrip('？?')}：{question.choices.get(value, value)}"
    return f"{question.text.rstrip('？?')}：是"
