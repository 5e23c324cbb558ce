"""Adaptive questioning: which unanswered questions are worth asking, best first, and when to stop.

A question matters when its fact is among the unknown facts that keep some measure at "maybe". Its
*value* is what those measures are worth to the company: money with a stated amount and duties
that carry a penalty or a deadline count far more than procedures and services; programme-level
directions count nothing (they are no entitlement, so they never drive a question).

The interview starts with the intake (industry, place, ownership, size), then goes by value; it
is done when what is left to ask only touches directions or minor items, or when the desk's
question budget is spent. What stays open is listed as "to be confirmed".

A question is asked only when its ``ask_if`` (and its page's) holds for the answers so far; while
a gate is itself unanswered, the gated question's value goes to the gate's facts, so the gate is
asked first (as in a Docassemble interview). Facts the company could not answer (``_unsure``)
are not proposed again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Collection, Mapping

from desktop.rules.conditions import evaluate as evaluate_condition
from desktop.rules.engine import Engine, MeasureResult
from desktop.rules.facts import DERIVED_FACTS, Question
from desktop.rules.measures import Measure

MONEY_KINDS = ("subsidy", "award", "tax_relief", "fee_reduction", "financing")

# The desk interview: these come first, in this order, whenever they can change a result.
INTAKE = ("industries", "main_industry", "district", "ownership", "employees", "annual_revenue_wan",
          "total_assets_wan", "vat_taxpayer", "pays_housing_fund")
# Questions a company's industry or earlier answers opened (prepaid cards for a restaurant, 医保 for
# a pharmacy) come before general ones of similar value.
OPENED_BOOST = 2.5
# A gate that holds for any company (industries answered, at least one employee) opens nothing.
_ANY_COMPANY = {"industries": [], "employees": 1, "is_sme": True, "is_small_micro": True}
# A question worth less than this (a few services, a procedure without deadline) is minor:
# the interview does not ask it, the checklist lists it as to be confirmed.
MIN_VALUE = 12.0
# A question the company's industry opened is worth asking for less: a pharmacy's 医保定点
# conditions (months at the address, a contracted pharmacist, two managers) are its consultation.
MIN_VALUE_OPENED = 8.0
MAX_QUESTIONS = 25  # the desk consultation's budget; answers and "不确定" both count


def measure_value(measure: Measure) -> float:
    """What settling this measure is worth to the company when it asks about it."""
    if measure.programme_level:
        return 0.0
    if measure.kind in MONEY_KINDS:
        return 10.0 if measure.amounts else 6.0
    if measure.kind == "penalty":
        return 6.0
    if measure.kind == "obligation":
        return 6.0 if (measure.deadline or measure.amounts) else 2.0
    if measure.kind in ("licence", "commitment"):
        return 6.0  # operating without the licence is itself a breach
    if measure.kind == "filing":
        return 4.0 if (measure.deadline or measure.amounts) else 2.0
    return 1.0  # service


@dataclass
class OpenQuestion:
    question: Question
    measure_ids: list[str] = field(default_factory=list)  # maybe-measures this answer bears on
    settles: list[str] = field(default_factory=list)  # measures for which it is the last open fact
    by_document: dict[str, list[float]] = field(default_factory=dict)  # measure values per source document

    @property
    def value(self) -> float:
        """What answering is worth: per document, its best measure counts fully and the rest a little,
        so a long list of penalty clauses in one regulation does not outweigh three subsidies."""
        value = sum(max(v) + 0.25 * (sum(v) - max(v)) for v in self.by_document.values())
        return value * OPENED_BOOST if self.opened else value

    opened: bool = False  # shown because of the company's industry or earlier answers

    @property
    def measure_count(self) -> int:
        return len(self.measure_ids)

    @property
    def intake(self) -> bool:
        return self.question.fact in INTAKE

    @property
    def worth_asking(self) -> bool:
        if self.intake:
            return self.value > 0
        return self.value >= (MIN_VALUE_OPENED if self.opened else MIN_VALUE)

    def to_json(self) -> dict[str, Any]:
        q = self.question
        return {
            "fact": q.fact,
            "question": q.text,
            "help": q.help,
            "type": q.type,
            "choices": dict(q.choices),
            "page": q.page,
            "value": round(self.value, 1),
            "worth_asking": self.worth_asking,
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


def unsure_of(profile: Mapping[str, Any]) -> list[str]:
    """The facts a profile marks as asked but not answerable (``_unsure``)."""
    raw = profile.get("_unsure")
    return [f for f in raw if isinstance(f, str)] if isinstance(raw, list) else []


def open_questions(
    engine: Engine,
    profile: Mapping[str, Any],
    as_of: dt.date,
    results: list[MeasureResult] | None = None,
    unsure: Collection[str] = (),
    *,
    potential: dict[str, float] | None = None,
) -> list[OpenQuestion]:
    """Unanswered questions that can still change some measure's status, best first.

    The intake questions come first (in INTAKE order), then the rest by value. Questions the
    company was unsure of are left out. ``potential``, when given, receives every fact that may
    still be asked (gated ones included) with its value: the interview's estimate of what is left.
    """
    unsure = set(unsure) | set(unsure_of(profile))
    facts = engine.facts_of({k: v for k, v in profile.items() if not k.startswith("_")})
    results = results if results is not None else engine.evaluate(profile, as_of)
    weight: dict[str, OpenQuestion] = {}
    q_by_fact = engine.questionnaire.by_fact

    def credit(fact: str, result: MeasureResult, value: float, last: bool, seen: set[str]) -> None:
        if fact in seen or fact in profile or fact in unsure or fact in DERIVED_FACTS or fact not in q_by_fact:
            return
        seen.add(fact)
        question = q_by_fact[fact]
        state = gate_state(question, facts)
        if state is False:
            return
        if potential is not None:
            potential[fact] = potential.get(fact, 0.0) + value
        if state is None:
            # Ask the gate first: its unanswered facts inherit this question's value.
            for cond in (question.page_ask_if, question.ask_if):
                if cond is not None:
                    for gate_fact in sorted(cond.facts()):
                        credit(gate_fact, result, value, False, seen)
            return
        oq = weight.get(fact)
        if oq is None:
            oq = weight[fact] = OpenQuestion(question, opened=_opened(question))
        if result.id not in oq.measure_ids:
            oq.measure_ids.append(result.id)
            oq.by_document.setdefault(result.measure.source.document, []).append(value * (1.5 if last else 1.0))
        if last and result.id not in oq.settles:
            oq.settles.append(result.id)

    for result in results:
        if result.status != "maybe":
            continue
        value = measure_value(result.measure)
        missing = [f for f in result.missing_facts if f not in profile and f not in unsure]
        for fact in missing:
            credit(fact, result, value, len(missing) == 1, set())
    intake_rank = {fact: i for i, fact in enumerate(INTAKE)}

    def rank(oq: OpenQuestion) -> tuple:
        intake = oq.intake and oq.value > 0
        tier = 0 if intake else 1 if (oq.opened and oq.worth_asking) else 2
        return (tier, intake_rank.get(oq.question.fact, 0) if intake else -oq.value,
                -len(oq.settles), oq.question.page_order, oq.question.order)

    return sorted(weight.values(), key=rank)


def _opened(question: Question) -> bool:
    """Whether a (shown) question is one that only some companies see."""
    for cond in (question.page_ask_if, question.ask_if):
        if cond is not None and evaluate_condition(cond, _ANY_COMPANY, lambda t: "").value is not True:
            return True
    return False


@dataclass
class Interview:
    """Where a desk interview stands: what to ask next, roughly how much is left, whether it is done."""

    asked: int  # questions answered or marked unsure so far
    next: list[OpenQuestion]  # worth asking, best first (empty when done)
    to_confirm: list[OpenQuestion]  # still open but not worth a question: listed for later
    remaining: int  # estimate of questions left, 0 when done
    budget: int = MAX_QUESTIONS

    @property
    def done(self) -> bool:
        return not self.next

    def to_json(self) -> dict[str, Any]:
        return {
            "done": self.done,
            "asked": self.asked,
            "remaining": self.remaining,
            "budget": self.budget,
            "next": [q.to_json() for q in self.next],
            "to_confirm": [q.to_json() for q in self.to_confirm],
        }


def interview(
    engine: Engine,
    profile: Mapping[str, Any],
    as_of: dt.date,
    results: list[MeasureResult] | None = None,
    unsure: Collection[str] = (),
    budget: int = MAX_QUESTIONS,
) -> Interview:
    """The state of a desk interview for these answers (``name`` and notes do not count as asked)."""
    unsure = set(unsure) | set(unsure_of(profile))
    asked = len([k for k in profile if k != "name" and not k.startswith("_")]) + len(unsure - set(profile))
    potential: dict[str, float] = {}
    ranked = open_questions(engine, profile, as_of, results, unsure, potential=potential)
    left = max(budget - asked, 0)
    worth = [oq for oq in ranked if oq.worth_asking][:left]
    rest = [oq for oq in ranked if oq not in worth]
    # The estimate counts gated questions that may still open, so it falls as answers close topics
    # instead of jumping when an answer opens one; it never exceeds what the budget allows.
    estimate = sum(1 for fact, value in potential.items() if value >= MIN_VALUE or fact in INTAKE)
    remaining = min(max(estimate, len(worth)), left) if worth else 0
    return Interview(asked, worth, rest, remaining, budget)
