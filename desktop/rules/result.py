"""The one result model every face renders: sections, groups, ranked items and counts.

The engine gives each measure a status; this module (Qt-free, computed once per evaluation by
desktop.service) decides where each result is shown and in which order, so the results tree, the
status bar, the finished page, the history, the print preview, the PDF, the text and the JSON all
show the same sections and the same counts.

Sections, in order: what the company must do, what it can apply for or use, what is still to
confirm, related policy directions, rules that hold for every company, expired or not yet in
force, not applicable. A measure "holds for every company" when its condition sets no company
apart (no condition, or only tests every company meets: an answered district, any VAT status,
at least one employee …); it then goes to the every-company section instead of the first three.

Within a section, items that rest on the company's own facts (industry, what it sells,
recognitions, size, location) come first; among them money with amounts, filings and licences and
duties with deadlines, then duties with stated fines, then the rest (see :func:`weight`); then the
items resting on more of the company's facts; ties keep the order of the measure files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from collections.abc import Iterable, Mapping

from desktop.rules.conditions import NOT_ASKED, All, Any_, Node, Not, Test, evaluate as evaluate_condition
from desktop.rules.engine import STATUS_LABELS, STATUSES, MeasureResult
from desktop.rules.facts import Questionnaire
from desktop.rules.measures import GROUP_LABEL, KIND_GROUPS, NOT_STATED, Measure

# (key, heading, one line saying what the section holds)
SECTIONS: list[tuple[str, str, str]] = [
    ("must_do", "必须办理和遵守", "按本企业情况适用的备案、许可、告知承诺、合规义务和处罚风险"),
    ("can_apply", "可以申请和使用", "按本企业情况适用的资金、税费、融资支持和政务服务"),
    ("to_confirm", "需要确认", "回答所列问题后即可确定是否适用"),
    ("related", "相关政策方向", "鼓励、支持、探索类，不是可直接申领的事项；如有意向请咨询责任单位"),
    ("every_company", "对所有企业适用的一般规定", "不以本企业的行业、经营活动、资质、规模或地点为条件"),
    ("inactive", "已失效或尚未生效", "评估日期不在有效期内；请核实是否有后续政策"),
    ("not_applicable", "不适用", "按已填写的信息不符合条件"),
]
SECTION_LABEL = {key: label for key, label, _ in SECTIONS}
SECTION_NOTE = {key: note for key, _, note in SECTIONS}
ACTIVE_SECTIONS = ("must_do", "can_apply", "to_confirm")  # what page 1 of the checklist is about
APPENDIX_SECTIONS = ("related", "every_company")  # the checklist prints them only on request

DUTY_GROUPS = ("procedure", "duty")
MONEY_GROUPS = ("money", "tax", "finance")
GROUP_ORDER = {key: i for i, (key, _, _) in enumerate(KIND_GROUPS)}

# Facts every ordinary employer answers the same way: a rule resting on them sets no company apart.
EVERY_EMPLOYER_FACTS = {"pays_housing_fund": True}
# The app serves private companies: a rule every 民营企业 meets is not about this company's situation.
AUDIENCE = {"ownership": "private"}


# --------------------------------------------------------------------------- every company or not


_APART: dict[tuple, bool] = {}  # tests are immutable: the answer depends on the test and the fact's choices


def sets_company_apart(test: Test, questionnaire: Questionnaire) -> bool:
    """False for a test that (nearly) every company meets; True when it selects some companies."""
    info = questionnaire.facts.get(test.fact)
    key = (test, info.type if info else None, tuple(info.choices) if info else ())
    if key not in _APART:
        _APART[key] = _sets_apart(test, questionnaire)
    return _APART[key]


def _sets_apart(test: Test, questionnaire: Questionnaire) -> bool:
    if test.op == "known":
        return test.value is not True
    if EVERY_EMPLOYER_FACTS.get(test.fact) is test.value and test.op == "eq":
        return False
    if test.fact == "employees" and test.op in ("gte", "gt") and isinstance(test.value, (int, float)):
        return not (test.value <= 1 if test.op == "gte" else test.value <= 0)
    info = questionnaire.facts.get(test.fact)
    if info is None or not info.choices:
        return True
    holders = [c for c in info.choices
               if evaluate_condition(test, {test.fact: [c] if info.type == "multi" else c}, str).value is True]
    if len(holders) == len(info.choices):
        return False
    audience = AUDIENCE.get(test.fact)
    return not (audience is not None and audience in holders)


def always_holds(node: Node, questionnaire: Questionnaire) -> bool:
    """True when the condition selects no company (every ordinary company meets it)."""
    if isinstance(node, Test):
        return not sets_company_apart(node, questionnaire)
    if isinstance(node, All):
        return all(always_holds(p, questionnaire) for p in node.parts)
    if isinstance(node, Any_):
        return any(always_holds(p, questionnaire) for p in node.parts)
    if isinstance(node, Not):
        return False
    return False


def for_every_company(measure: Measure, questionnaire: Questionnaire) -> bool:
    """A measure with no company-specific condition (it holds for every company)."""
    return measure.condition is None or always_holds(measure.condition, questionnaire)


def own_facts(measure: Measure, facts: Mapping[str, Any], questionnaire: Questionnaire) -> tuple[str, ...]:
    """The company-specific facts of this company that the measure's condition rests on (held)."""
    if measure.condition is None:
        return ()
    tests: dict[str, Test] = {}

    def describe(test: Test) -> str:
        key = f"{test.fact}#{len(tests)}"
        tests[key] = test
        return key

    outcome = evaluate_condition(measure.condition, facts, describe)
    found: dict[str, None] = {}
    for key in outcome.held:
        test = tests[key]
        if sets_company_apart(test, questionnaire) and facts.get(test.fact) is not NOT_ASKED:
            found.setdefault(test.fact, None)
    return tuple(found)


def weight(measure: Measure) -> int:
    """How much a client needs to see it first: 2 for money with stated amounts, a filing, licence or
    commitment to make, or a duty with a deadline; 1 for a duty with a stated fine or a penalty
    named in the duty; 0 otherwise (e.g. how supervision works)."""
    if measure.group in MONEY_GROUPS:
        return 2 if measure.amounts else 0
    if measure.group in DUTY_GROUPS:
        if measure.deadline or measure.group == "procedure":
            return 2
        if measure.kind == "penalty":
            return 1 if "元" in f"{measure.title}{measure.summary}" else 0
        return 1 if "罚" in f"{measure.title}{measure.summary}{measure.requirement or ''}" else 0
    return 0


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Item:
    result: MeasureResult
    section: str
    own_facts: tuple[str, ...]  # company-specific facts it rests on
    weight: int  # 2: money with amounts, a procedure, a duty with a deadline; 1: a duty with a fine
    order: int  # position of the measure in the measure files (the last tie-breaker)

    @property
    def id(self) -> str:
        return self.result.id

    @property
    def measure(self) -> Measure:
        return self.result.measure

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def question(self) -> str | None:
        """The one question that settles a result still open (the first missing fact's)."""
        return self.result.missing_questions[0] if self.result.missing_questions else None

    def rank_key(self) -> tuple:
        return (0 if self.own_facts else 1, -self.weight, -len(self.own_facts),
                GROUP_ORDER[self.measure.group], self.order)


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    items: list[Item]


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    note: str
    items: list[Item]  # ranked, best first

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def groups(self) -> list[Group]:
        """The kind groups of the section (desktop.rules.measures.KIND_GROUPS order), items ranked."""
        out = []
        for key, label, _kinds in KIND_GROUPS:
            members = [i for i in self.items if i.measure.group == key]
            if members:
                out.append(Group(key, label, members))
        return out


@dataclass
class ResultModel:
    """Sections, groups, items and counts of one evaluation."""

    sections: list[Section]
    counts: dict[str, int]
    section_of: dict[str, str] = field(default_factory=dict)  # measure id → section key

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def items(self) -> Iterable[Item]:
        for s in self.sections:
            yield from s.items

    def questions_to_confirm(self) -> list[tuple[str, list[Item]]]:
        """The open items grouped by the one question that settles each, the question deciding most first."""
        groups: dict[str, list[Item]] = {}
        for item in self.section("to_confirm").items:
            groups.setdefault(item.question or "（需补充企业信息）", []).append(item)
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[1][0].rank_key()))

    def counts_text(self, sep: str = " · ") -> str:
        return counts_text(self.counts, sep)

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {
                "key": s.key,
                "label": s.label,
                "count": s.count,
                "groups": [{"key": g.key, "label": g.label, "items": [i.id for i in g.items]} for g in s.groups],
                "items": [i.id for i in s.items],
            }
            for s in self.sections
        ]


def counts_of(results: Iterable[MeasureResult]) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for r in results:
        counts[r.status] += 1
    return counts


def counts_text(counts: Mapping[str, int], sep: str = " · ") -> str:
    """The one wording of the counts that every face shows."""
    return sep.join(f"{STATUS_LABELS[s]} {counts.get(s, 0)}" for s in STATUSES)


def section_key(result: MeasureResult, general: bool) -> str:
    status = result.status
    if status == "not_applicable":
        return "not_applicable"
    if status in ("expired", "not_yet_in_force"):
        return "inactive"
    if status == "related":
        return "related"
    if general:
        return "every_company"
    if status == "maybe":
        return "to_confirm"
    return "must_do" if result.measure.group in DUTY_GROUPS else "can_apply"


def build_model(results: list[MeasureResult], facts: Mapping[str, Any], questionnaire: Questionnaire) -> ResultModel:
    """Place and rank every result (computed once per evaluation)."""
    members: dict[str, list[Item]] = {key: [] for key, _, _ in SECTIONS}
    for order, r in enumerate(results):
        general = for_every_company(r.measure, questionnaire)
        key = section_key(r, general)
        own = () if general else own_facts(r.measure, facts, questionnaire)
        members[key].append(Item(r, key, own, weight(r.measure), order))
    sections = [Section(key, label, note, sorted(members[key], key=Item.rank_key)) for key, label, note in SECTIONS]
    return ResultModel(sections, counts_of(results), {i.id: s.key for s in sections for i in s.items})


__all__ = [
    "SECTIONS", "SECTION_LABEL", "ACTIVE_SECTIONS", "APPENDIX_SECTIONS", "Item", "Group", "Section",
    "ResultModel", "build_model", "counts_of", "counts_text", "for_every_company", "GROUP_LABEL",
]


def stated_fields(measure: Measure) -> list[tuple[str, str]]:
    """(label, text) of what a measure states beyond its summary, in the order every face lists
    them; an unstated department and procedure are said once, as not written in the document."""
    m = measure
    out = [(label, value) for label, value in (("支持内容", m.benefit), ("金额与标准", "；".join(m.amounts)),
                                               ("要求", m.requirement)) if value]
    who = "责任单位" if m.programme_level else "办理部门"
    if m.department == NOT_STATED and m.procedure == NOT_STATED:
        out.append((f"{who}和办理方式", "文件未写明"))
    else:
        out.append((who, m.department))
        if m.procedure != NOT_STATED:
            out.append(("办理方式", m.procedure))
    if m.deadline:
        out.append(("时限", m.deadline))
    return out
