"""Adaptive questioning: which unanswered questions can still change a result, best first.

A question matters when its fact is among the unknown facts that keep some measure at "maybe".
It is asked only when its ``ask_if`` (and its page's) holds for the answers so far; while a gate
is itself unanswered, the gated question's weight goes to the gate's facts, so the gate is asked
first (as in a Docassemble interview). Questions that can change nothing are not asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from desktop.rules.conditions import evaluate as evaluate_condition
from desktop.rules.engine import Engine, MeasureResult
from desktop.rules.facts import DERIVED_FACTS, Question


@dataclass
class OpenQuestion:
    question: Question
    measure_ids: list[str] = field(default_factory=list)  # maybe-measures this answer bears on
    settles: list[str] = field(default_factory=list)  # measures for which it is the last open fact

    @property
    def measure_count(self) -> int:
        return len(self.measure_ids)

    def to_json(self) -> dict[str, Any]:
        q = self.question
        return {
            "fact": q.fact,
            "question": q.text,
            "help": q.help,
            "type": q.type,
            "choices": dict(q.choices),
            "page": q.page,
            "measures": self.measure_ids,
            "settles": self.settles,
        }


def gate_state(question: Question, facts: Mapping[str, Any]) -> bool | None:
    """Whether a question is shown: True, False, or None while its gate is unanswered."""
    state: bool | None = True
    for cond in (question.page_ask_if, question.ask_if):
        if cond is None:
            continue
        value = evaluate_condition(cond, facts, lambda t: "").value
        if value is False:
            return False
        if value is None:
            state = None
    return state


def open_questions(
    engine: Engine, profile: Mapping[str, Any], as_of: dt.date, results: list[MeasureResult] | None = None
) -> list[OpenQuestion]:
    """Unanswered questions that can still change some measure's status, best first."""
    facts = engine.facts_of(profile)
    results = results if results is not None else engine.evaluate(profile, as_of)
    weight: dict[str, OpenQuestion] = {}
    q_by_fact = engine.questionnaire.by_fact

    def credit(fact: str, result: MeasureResult, last: bool, seen: set[str]) -> None:
        if fact in seen or fact in profile or fact in DERIVED_FACTS or fact not in q_by_fact:
            return
        seen.add(fact)
        question = q_by_fact[fact]
        state = gate_state(question, facts)
        if state is False:
            return
        if state is None:
            # Ask the gate first: its unanswered facts inherit this question's weight.
            for cond in (question.page_ask_if, question.ask_if):
                if cond is not None:
                    for gate_fact in cond.facts():
                        credit(gate_fact, result, False, seen)
            return
        oq = weight.setdefault(fact, OpenQuestion(question))
        if result.id not in oq.measure_ids:
            oq.measure_ids.append(result.id)
        if last and result.id not in oq.settles:
            oq.settles.append(result.id)

    for result in results:
        if result.status != "maybe" and not (result.missing_facts and result.status in ("expired", "not_yet_in_force")):
            continue
        missing = [f for f in result.missing_facts if f not in profile]
        for fact in missing:
            credit(fact, result, len(missing) == 1, set())
    ranked = sorted(
        weight.values(),
        key=lambda oq: (-oq.measure_count, -len(oq.settles), oq.question.page_order, oq.question.order),
    )
    return ranked
