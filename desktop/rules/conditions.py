"""Eligibility conditions: parsed from data files, evaluated in three-valued logic.

A condition in a measure or questionnaire file is a YAML mapping (see docs/measure-format.md §2).
It is parsed once into a small tree of nodes; nothing in a data file is ever executed. A test on an
unanswered fact is *unknown* (``None``), never false, so an incomplete profile leads to "maybe".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable, Mapping, Sequence

Truth = bool | None  # None: unknown


class _NotAsked:
    """The value of a fact whose question does not apply to this company (its ask_if is false).

    A test on it is false, not unknown: the company is not in the group the question is about,
    so a measure that needs an answer there cannot apply, and nothing is left to settle.
    """

    def __repr__(self) -> str:
        return "NOT_ASKED"

    def __bool__(self) -> bool:
        return False


NOT_ASKED = _NotAsked()

COMBINATORS = ("all", "any", "not")
SCALAR_OPS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "known", "within_days")
LIST_OPS = ("has", "has_any", "has_all", "has_none", "known")
NUMBER_OPS = ("gt", "gte", "lt", "lte")

OP_WORDS = {
    "eq": "为",
    "ne": "不为",
    "in": "属于",
    "not_in": "不属于",
    "gt": "大于",
    "gte": "不少于",
    "lt": "小于",
    "lte": "不超过",
    "has": "包含",
    "has_any": "包含其一",
    "has_all": "全部包含",
    "has_none": "不包含",
    "within_days": "距评估日的天数不超过",
}


class ConditionError(ValueError):
    """A condition in a data file is not of the documented form."""


@dataclass(frozen=True)
class FactInfo:
    """What the condition parser needs to know about a fact."""

    name: str
    type: str  # bool | int | number | choice | multi | string | date
    label: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Test:
    fact: str
    op: str
    value: Any

    def facts(self) -> set[str]:
        return {self.fact}


@dataclass(frozen=True)
class All:
    parts: tuple[Node, ...]

    def facts(self) -> set[str]:
        return set().union(*(p.facts() for p in self.parts)) if self.parts else set()


@dataclass(frozen=True)
class Any_:
    parts: tuple[Node, ...]

    def facts(self) -> set[str]:
        return set().union(*(p.facts() for p in self.parts)) if self.parts else set()


@dataclass(frozen=True)
class Not:
    part: Node

    def facts(self) -> set[str]:
        return self.part.facts()


Node = Test | All | Any_ | Not


# --------------------------------------------------------------------------- parsing


def parse_condition(raw: Any, facts: Mapping[str, FactInfo], where: str = "condition") -> Node:
    """Parse the YAML form of a condition, checking every fact name, operator and value."""
    if isinstance(raw, list):
        return All(tuple(parse_condition(p, facts, f"{where}[{i}]") for i, p in enumerate(raw)))
    if not isinstance(raw, Mapping) or not raw:
        raise ConditionError(f"{where}: a condition must be a non-empty mapping, got {raw!r}")
    parts: list[Node] = []
    for key, value in raw.items():
        here = f"{where}.{key}"
        if key == "all":
            parts.append(All(_parse_list(value, facts, here)))
        elif key == "any":
            parts.append(Any_(_parse_list(value, facts, here)))
        elif key == "not":
            parts.append(Not(parse_condition(value, facts, here)))
        else:
            parts.append(_parse_test(str(key), value, facts, here))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _parse_list(value: Any, facts: Mapping[str, FactInfo], where: str) -> tuple[Node, ...]:
    if not isinstance(value, list) or not value:
        raise ConditionError(f"{where}: expects a non-empty list of conditions")
    return tuple(parse_condition(p, facts, f"{where}[{i}]") for i, p in enumerate(value))


def _parse_test(name: str, spec: Any, facts: Mapping[str, FactInfo], where: str) -> Test:
    info = facts.get(name)
    if info is None:
        raise ConditionError(f"{where}: unknown fact {name!r} (define it in resources/questionnaire/)")
    if isinstance(spec, Mapping):
        if len(spec) != 1:
            raise ConditionError(f"{where}: one operator per test, got {sorted(spec)}")
        op, value = next(iter(spec.items()))
    else:
        op, value = ("has" if info.type == "multi" else "eq"), spec
    allowed = LIST_OPS if info.type == "multi" else SCALAR_OPS
    if op not in allowed:
        raise ConditionError(f"{where}: operator {op!r} does not apply to a {info.type} fact")
    if op in NUMBER_OPS and info.type not in ("int", "number", "date"):
        raise ConditionError(f"{where}: {op!r} needs a number fact, {name} is {info.type}")
    if op == "known":
        if not isinstance(value, bool):
            raise ConditionError(f"{where}: known takes true or false")
        return Test(name, op, value)
    if op == "within_days":
        # "within_days: 30" on a date fact: the event happened on or before the evaluation date and
        # at most 30 days before it (a one-off duty after an event, e.g. a check within 30 days of filing).
        if info.type != "date":
            raise ConditionError(f"{where}: within_days needs a date fact, {name} is {info.type}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConditionError(f"{where}: within_days takes a whole number of days")
        return Test(name, op, value)
    values = value if op in ("in", "not_in", "has_any", "has_all", "has_none") else [value]
    if not isinstance(values, list) or not values:
        raise ConditionError(f"{where}: {op!r} takes a non-empty list")
    for v in values:
        _check_value(info, v, where)
    return Test(name, op, tuple(values) if op in ("in", "not_in", "has_any", "has_all", "has_none") else value)


def _check_value(info: FactInfo, value: Any, where: str) -> None:
    kind = info.type
    if kind == "bool" and not isinstance(value, bool):
        raise ConditionError(f"{where}: {info.name} is yes/no, got {value!r}")
    if kind in ("int", "number") and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ConditionError(f"{where}: {info.name} is a number, got {value!r}")
    if kind in ("choice", "multi") and info.choices and value not in info.choices:
        raise ConditionError(f"{where}: {value!r} is not a choice of {info.name} ({', '.join(info.choices)})")


# --------------------------------------------------------------------------- evaluation


@dataclass
class Outcome:
    """The value of a condition with the leaves that decided it."""

    value: Truth
    held: list[str] = field(default_factory=list)  # descriptions of tests that held
    failed: list[str] = field(default_factory=list)  # descriptions of tests that failed
    missing: list[str] = field(default_factory=list)  # facts whose answer would settle it


def evaluate(
    node: Node, profile: Mapping[str, Any], describe: Callable[[Test], str], as_of: dt.date | None = None
) -> Outcome:
    """Evaluate ``node`` against ``profile`` (absent or None facts are unknown).

    ``as_of`` is the evaluation date; only ``within_days`` looks at it (unknown without it).
    """
    if isinstance(node, Test):
        value = _test(node, profile.get(node.fact), as_of)
        text = describe(node)
        if value is None:
            return Outcome(None, missing=[node.fact])
        return Outcome(value, held=[text] if value else [], failed=[] if value else [text])
    if isinstance(node, Not):
        inner = evaluate(node.part, profile, describe, as_of)
        if inner.value is None:
            return Outcome(None, missing=inner.missing)
        # The reasons of a negation are its part's reasons, read the other way round.
        flipped = [f"并非：{t}" for t in inner.held] if inner.value else [f"并非：{t}" for t in inner.failed]
        return Outcome(not inner.value, held=[] if inner.value else flipped, failed=flipped if inner.value else [])
    outcomes = [evaluate(p, profile, describe, as_of) for p in node.parts]
    if isinstance(node, All):
        if any(o.value is False for o in outcomes):
            return Outcome(False, failed=_gather(o.failed for o in outcomes if o.value is False))
        if any(o.value is None for o in outcomes):
            return Outcome(
                None,
                held=_gather(o.held for o in outcomes if o.value),
                missing=_gather(o.missing for o in outcomes if o.value is None),
            )
        return Outcome(True, held=_gather(o.held for o in outcomes))
    # Any_
    if any(o.value is True for o in outcomes):
        return Outcome(True, held=_gather(o.held for o in outcomes if o.value))
    if any(o.value is None for o in outcomes):
        return Outcome(None, missing=_gather(o.missing for o in outcomes if o.value is None))
    return Outcome(False, failed=_gather(o.failed for o in outcomes))


def _gather(lists) -> list[str]:
    seen: dict[str, None] = {}
    for items in lists:
        for item in items:
            seen.setdefault(item, None)
    return list(seen)


def _test(test: Test, actual: Any, as_of: dt.date | None = None) -> Truth:
    op, want = test.op, test.value
    if actual is NOT_ASKED:
        return False
    if op == "known":
        # Absence of an answer never decides anything: "known: true" holds once the fact is
        # answered and is unknown (not false) until then, so a missing fact cannot rule out.
        if actual is None:
            return None
        return want
    if actual is None:
        return None
    if op == "within_days":
        return _within_days(actual, want, as_of)
    if op in ("has", "has_any", "has_all", "has_none"):
        got = set(actual) if isinstance(actual, (list, tuple, set)) else {actual}
        wanted = {want} if op == "has" else set(want)
        if op in ("has", "has_all"):
            return wanted <= got
        if op == "has_any":
            return bool(wanted & got)
        return not (wanted & got)
    if op == "eq":
        return actual == want
    if op == "ne":
        return actual != want
    if op == "in":
        return actual in want
    if op == "not_in":
        return actual not in want
    try:
        if op == "gt":
            return actual > want
        if op == "gte":
            return actual >= want
        if op == "lt":
            return actual < want
        if op == "lte":
            return actual <= want
    except TypeError:
        return None
    raise ConditionError(f"unknown operator {op!r}")


def _within_days(actual: Any, days: int, as_of: dt.date | None) -> Truth:
    """True when the date ``actual`` lies in [as_of - days, as_of]; unknown without a date."""
    if as_of is None:
        return None
    try:
        when = actual if isinstance(actual, dt.date) else dt.date.fromisoformat(str(actual))
    except ValueError:
        return None
    return 0 <= (as_of - when).days <= days


def iter_tests(node: Node | None) -> Sequence[Test]:
    """Every test in a condition, depth first."""
    if node is None:
        return []
    if isinstance(node, Test):
        return [node]
    if isinstance(node, Not):
        return list(iter_tests(node.part))
    out: list[Test] = []
    for part in node.parts:
        out.extend(iter_tests(part))
    return out
