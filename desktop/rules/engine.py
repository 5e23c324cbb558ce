"""The rules engine: evaluate a company profile against every measure on a date.

Each measure's condition gives applies / maybe / not_applicable in three-valued logic; then the
measure's validity window turns an applying (or possibly applying) measure into expired or
not_yet_in_force on the evaluation date. A programme-level measure (鼓励、支持、探索: no entitlement)
whose condition holds or is unsettled is ``related``, never applies or maybe. Every status carries
its reasons in plain Chinese.

Answers to questions that are not shown for the other answers (a question whose ask_if is false)
are ignored here, so every face that evaluates a profile (window, command line) gives the same
statuses for the same file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Iterable, Mapping, Sequence

from desktop.rules.conditions import NOT_ASKED, OP_WORDS, Test, evaluate as evaluate_condition
from desktop.rules.derived import SizeStandard, derive
from desktop.rules.facts import Question, Questionnaire
from desktop.rules.measures import GROUP_LABEL, KINDS, Measure
from desktop.validity import EXPIRED, IN_FORCE, NOT_YET, window_status

STATUSES = ("applies", "maybe", "related", "expired", "not_yet_in_force", "not_applicable")
STATUS_LABELS = {
    "applies": "适用",
    "maybe": "可能适用",
    "related": "相关政策方向",
    "expired": "已失效",
    "not_yet_in_force": "尚未生效",
    "not_applicable": "不适用",
}


@dataclass
class MeasureResult:
    measure: Measure
    status: str
    reasons: list[str]
    missing_facts: list[str] = field(default_factory=list)
    missing_questions: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.measure.id

    def to_json(self) -> dict[str, Any]:
        m = self.measure
        out: dict[str, Any] = {
            "id": m.id,
            "title": m.title,
            "kind": m.kind,
            "kind_label": KINDS[m.kind],
            "group": GROUP_LABEL[m.group],
            "status": self.status,
            "status_label": STATUS_LABELS[self.status],
            "programme_level": m.programme_level,
            "summary": m.summary,
            "benefit": m.benefit,
            "requirement": m.requirement,
            "amounts": list(m.amounts),
            "procedure": m.procedure,
            "department": m.department,
            "deadline": m.deadline,
            "valid_from": m.valid_from,
            "valid_to": m.valid_to,
            "validity_note": m.validity_note,
            "reasons": list(self.reasons),
            "missing_facts": list(self.missing_facts),
            "missing_questions": list(self.missing_questions),
            "source": {
                "document": m.source.document,
                "doc_title": m.source.document,  # the same name as in search hits
                "doc_number": m.source.doc_number,
                "clause": m.source.clause,
                "quote": m.source.quote,
            },
        }
        return out


def question_hidden(question: Question, facts: Mapping[str, Any]) -> bool:
    """True when the question's page or own ask_if is false for these facts (it is not shown)."""
    return any(cond is not None and evaluate_condition(cond, facts, str).value is False
               for cond in (question.page_ask_if, question.ask_if))


class Engine:
    """Evaluates profiles against a fixed set of measures and fact definitions."""

    def __init__(self, measures: Sequence[Measure], questionnaire: Questionnaire, size_standard: SizeStandard):
        self.measures = list(measures)
        self.questionnaire = questionnaire
        self.size_standard = size_standard
        self.by_id = {m.id: m for m in self.measures}
        # Which facts each measure looks at (what-if and question ranking ask this often).
        self.facts_by_measure = {m.id: (m.condition.facts() if m.condition else frozenset()) for m in self.measures}

    # ------------------------------------------------------------------ public API

    def effective_profile(self, profile: Mapping[str, Any]) -> dict[str, Any]:
        """The answers that count: those whose question is shown under the other answers.

        An answer to a question hidden by another answer (回天地区 after the district became 海淀区)
        is dropped; gates can depend on hidden answers, so this repeats until nothing changes.
        """
        kept = {k: v for k, v in profile.items() if v is not None}
        by_fact = self.questionnaire.by_fact
        for _ in range(len(kept) + 1):
            facts = self._facts(kept)
            hidden = [k for k in kept if k in by_fact and question_hidden(by_fact[k], facts)]
            if not hidden:
                break
            for k in hidden:
                kept.pop(k)
        return kept

    def facts_of(self, profile: Mapping[str, Any]) -> dict[str, Any]:
        """The counted answers with derived facts added, and NOT_ASKED for questions not shown."""
        return self._facts(self.effective_profile(profile))

    def _facts(self, profile: Mapping[str, Any]) -> dict[str, Any]:
        """The profile with derived facts added, and NOT_ASKED for questions that do not apply.

        A question whose ask_if (or page's) is false for these answers is never asked, so its
        fact is marked NOT_ASKED: tests on it are false rather than unknown. Gates can depend on
        other gated facts, so this runs until nothing changes.
        """
        facts = derive(profile, self.size_standard)
        changed = True
        while changed:
            changed = False
            for q in self.questionnaire.questions:
                if q.fact in facts or (q.ask_if is None and q.page_ask_if is None):
                    continue
                if question_hidden(q, facts):
                    facts[q.fact] = NOT_ASKED
                    changed = True
        return facts

    def evaluate(
        self, profile: Mapping[str, Any], as_of: dt.date, measures: Iterable[Measure] | None = None
    ) -> list[MeasureResult]:
        facts = self.facts_of(profile)
        return [self.evaluate_one(m, facts, as_of) for m in (self.measures if measures is None else measures)]

    def evaluate_one(self, measure: Measure, facts: Mapping[str, Any], as_of: dt.date) -> MeasureResult:
        reasons: list[str] = []
        missing: list[str] = []
        if measure.condition is None:
            status = "applies"
            reasons.append("文件未规定附加条件，面向所有符合文件适用范围的企业。")
        else:
            outcome = evaluate_condition(measure.condition, facts, lambda t: self.describe(t, facts), as_of)
            if outcome.value is True:
                status = "applies"
                reasons.extend(f"符合：{t}" for t in outcome.held)
            elif outcome.value is False:
                status = "not_applicable"
                reasons.extend(f"不符合：{t}" for t in outcome.failed)
            else:
                status = "maybe"
                reasons.extend(f"符合：{t}" for t in outcome.held)
                missing = self._askable(outcome.missing, facts)
                reasons.append("尚需确认：" + "；".join(self.questionnaire.label(f) for f in missing))
        if status in ("applies", "maybe"):
            status = self._date_status(measure, as_of, status, reasons)
        if measure.programme_level and status in ("applies", "maybe"):
            # A direction is never "you qualify": it is related, whatever its condition says.
            reasons.append(f"这是政策方向（鼓励、支持类），不是可直接申领的事项；可咨询：{measure.department}。")
            status = "related"
        open_facts = status in ("maybe", "related")
        return MeasureResult(
            measure=measure,
            status=status,
            reasons=reasons,
            missing_facts=missing if open_facts else [],
            missing_questions=[self.questionnaire.label(f) for f in missing] if open_facts else [],
        )

    # ------------------------------------------------------------------ helpers

    def _askable(self, missing: Iterable[str], facts: Mapping[str, Any]) -> list[str]:
        """Turn missing facts into questions: a derived fact is settled by the answers it comes from."""
        out: dict[str, None] = {}
        for fact in missing:
            if fact in ("enterprise_size", "is_sme", "is_small_micro"):
                category = self.size_standard.category_of(facts)
                if category is None:
                    if self.size_standard.needs_main_industry(facts) and "main_industry" in self.questionnaire.by_fact:
                        out.setdefault("main_industry", None)
                    else:
                        out.setdefault("industries", None)
                    bases = ("employees", "annual_revenue_wan")
                else:
                    bases = tuple(self.size_standard.categories[category]["small"])
                for base in bases:
                    if facts.get(base) is None:
                        out.setdefault(base, None)
            else:
                out.setdefault(fact, None)
        return list(out)

    @staticmethod
    def _date_status(measure: Measure, as_of: dt.date, status: str, reasons: list[str]) -> str:
        day = as_of.isoformat()
        window = window_status(measure.valid_from, measure.valid_to, day)
        if window == NOT_YET:
            reasons.append(f"评估日 {day} 早于施行日期 {measure.valid_from}（{measure.validity_note}）。")
            return "not_yet_in_force"
        if window == EXPIRED:
            reasons.append(f"评估日 {day} 晚于有效期截止日 {measure.valid_to}（{measure.validity_note}），请核实是否有后续政策。")
            return "expired"
        if window == IN_FORCE:
            reasons.append(f"评估日 {day} 在有效期内（{measure.valid_from or '未规定'} 至 {measure.valid_to or '未规定'}）。")
        else:
            reasons.append(f"文件未规定有效期限（{measure.validity_note}）。")
        return status

    def describe(self, test: Test, facts: Mapping[str, Any]) -> str:
        q = self.questionnaire
        label = q.label(test.fact)
        if isinstance(test.value, tuple):
            wanted = "、".join(q.choice_label(test.fact, v) for v in test.value)
        else:
            wanted = q.choice_label(test.fact, test.value)
        actual = facts.get(test.fact)
        if actual is NOT_ASKED:
            return f"{label}（该问题不适用于本企业）"
        if isinstance(actual, list):
            shown = "、".join(q.choice_label(test.fact, v) for v in actual) or "无"
        elif actual is None:
            shown = "未回答"
        else:
            shown = q.choice_label(test.fact, actual)
        if test.op == "known":
            return f"{label.rstrip('？?')}：{shown}"
        info = q.facts.get(test.fact)
        if info is not None and info.type == "bool" and test.op == "eq":
            return f"{label}：{shown}"
        return f"{label}{OP_WORDS.get(test.op, test.op)}「{wanted}」（回答：{shown}）"
