"""Company facts: their definitions (the questionnaire pages) and validation of a profile.

Every fact a measure can test is defined once, with its question, in ``resources/questionnaire/``.
The canonical facts of the profile spec live in ``core.yaml``; topic pages add the rest.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Mapping

import yaml

from desktop.rules.conditions import ConditionError, FactInfo, Node, parse_condition

FACT_TYPES = ("bool", "int", "number", "choice", "multi", "string", "date")
MAX_PROFILE_BYTES = 1_000_000  # a profile is a few kB; anything larger is not a profile
MAX_STRING = 500
MAX_NUMBER = 10**15  # far beyond any head count or revenue; keeps every number a finite float

# Derived facts: computed from the answers (desktop.rules.derived), never asked.
DERIVED_FACTS: dict[str, FactInfo] = {
    "enterprise_size": FactInfo(
        "enterprise_size",
        "choice",
        "企业规模（按《中小企业划型标准规定》推算）",
        {"large": "大型企业", "medium": "中型企业", "small": "小型企业", "micro": "微型企业"},
    ),
    "is_sme": FactInfo("is_sme", "bool", "属于中小企业（中型、小型、微型）"),
    "is_small_micro": FactInfo("is_small_micro", "bool", "属于小微企业"),
}


# Facts asked twice under two names, reconciled (docs/interview.md, "Reconciled duplicates"): a saved
# profile may still carry the old key; it is read as the kept fact. Each entry maps an old value to
# the kept fact's value; an old value with no counterpart (None) is dropped, so the kept question is
# asked again rather than guessed.
ALIASES: dict[str, tuple[str, Mapping[Any, Any]]] = {
    # 15_medical_insurance asked a yes/no, 71_clinics_internet_hospitals asks the route: "yes" does not
    # say which route, "no" is the route "不涉及互联网医院".
    "medical_has_internet_hospital": ("medical_internet_hospital_route", {False: "none", True: None}),
}


def apply_aliases(data: Mapping[str, Any]) -> dict[str, Any]:
    """The profile with old fact names read as the kept ones (an answer under the kept name wins)."""
    out = dict(data)
    for old, (new, values) in ALIASES.items():
        if old not in out:
            continue
        value = out.pop(old)
        mapped = values.get(value) if isinstance(value, (bool, str)) else None
        if mapped is not None and out.get(new) is None:
            out[new] = mapped
    return out


def unsure_facts(data: Any, questionnaire: Questionnaire) -> list[str]:
    """The ``_unsure`` list of a raw profile (or the older ``_skipped``): known, unanswered facts only."""
    if not isinstance(data, dict):
        return []
    raw = data.get("_unsure", data.get("_skipped"))
    if not isinstance(raw, list):
        return []
    aliased = [ALIASES[f][0] if f in ALIASES else f for f in raw if isinstance(f, str)]
    return [f for f in dict.fromkeys(aliased) if f in questionnaire.by_fact and data.get(f) is None]


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the field and says what is wrong."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Question:
    """One fact with the question that asks for it."""

    fact: str
    text: str
    type: str
    page: str
    page_order: int
    order: int  # position in the whole questionnaire
    help: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)
    ask_if: Node | None = None
    page_ask_if: Node | None = None
    minimum: float | None = None
    maximum: float | None = None
    actionable: Mapping[str, Any] | None = None  # what-if: a fact the company can act on (see whatif.py)

    @property
    def info(self) -> FactInfo:
        return FactInfo(self.fact, self.type, self.text, self.choices)


@dataclass
class Questionnaire:
    """All questions, in questionnaire order, and every fact (asked or derived) by name."""

    questions: list[Question]

    def __post_init__(self) -> None:
        self.by_fact = {q.fact: q for q in self.questions}
        self.facts: dict[str, FactInfo] = {q.fact: q.info for q in self.questions}
        self.facts.update(DERIVED_FACTS)

    def label(self, fact: str) -> str:
        if fact in self.by_fact:
            return self.by_fact[fact].text
        if fact in DERIVED_FACTS:
            return DERIVED_FACTS[fact].label
        return fact

    def choice_label(self, fact: str, value: Any) -> str:
        info = self.facts.get(fact)
        if info and info.choices and isinstance(value, str):
            return info.choices.get(value, value)
        if isinstance(value, bool):
            return "是" if value else "否"
        return str(value)


def load_questionnaire_pages(folder: Path) -> list[dict]:
    """Read the raw page mappings of ``folder``, sorted by their ``order``."""
    pages = []
    for path in sorted(folder.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
            raise ConditionError(f"{path.name}: a questionnaire page needs 'page' and a 'questions' list")
        data["_file"] = path.name
        pages.append(data)
    pages.sort(key=lambda p: (p.get("order", 999), p["_file"]))
    return pages


def build_questionnaire(pages: list[dict]) -> Questionnaire:
    """Turn raw pages into a Questionnaire, checking names, types and conditions."""
    raw_questions: list[tuple[dict, dict]] = []
    seen: dict[str, str] = {}
    for page in pages:
        for q in page["questions"]:
            where = f"{page.get('_file', page.get('page'))}: {q.get('fact')}"
            name = q.get("fact")
            if not isinstance(name, str) or not name.isidentifier():
                raise ConditionError(f"{where}: 'fact' must be a lowercase identifier")
            if name in seen or name in DERIVED_FACTS:
                raise ConditionError(f"{where}: fact {name!r} is already defined in {seen.get(name, 'derived facts')}")
            if q.get("type") not in FACT_TYPES:
                raise ConditionError(f"{where}: type must be one of {', '.join(FACT_TYPES)}")
            if q["type"] in ("choice", "multi") and not isinstance(q.get("choices"), dict):
                raise ConditionError(f"{where}: a {q['type']} question needs 'choices' (value: label)")
            if not q.get("text"):
                raise ConditionError(f"{where}: the question needs a Chinese 'text'")
            seen[name] = page.get("_file", "")
            raw_questions.append((page, q))
    infos = {q["fact"]: FactInfo(q["fact"], q["type"], q["text"], {str(k): str(v) for k, v in (q.get("choices") or {}).items()}) for _, q in raw_questions}
    infos.update(DERIVED_FACTS)
    questions = []
    page_conditions: dict[int, Node | None] = {}
    for order, (page, q) in enumerate(raw_questions):
        if id(page) not in page_conditions:
            page_conditions[id(page)] = (
                parse_condition(page["ask_if"], infos, f"{page['_file']}: ask_if") if page.get("ask_if") else None
            )
        questions.append(
            Question(
                fact=q["fact"],
                text=str(q["text"]),
                type=q["type"],
                page=str(page.get("page", "")),
                page_order=int(page.get("order", 999)),
                order=order,
                help=str(q.get("help", "") or ""),
                choices=infos[q["fact"]].choices,
                ask_if=parse_condition(q["ask_if"], infos, f"{q['fact']}: ask_if") if q.get("ask_if") else None,
                page_ask_if=page_conditions[id(page)],
                minimum=q.get("min"),
                maximum=q.get("max"),
                actionable=_actionable(q, infos, where=f"{page.get('_file')}: {q['fact']}"),
            )
        )
    return Questionnaire(questions)


def _actionable(q: Mapping[str, Any], infos: Mapping[str, FactInfo], where: str) -> Mapping[str, Any] | None:
    """The what-if spec of a question (docs/interview.md, "What-if within reach"): which changes are within reach.

    ladder/reach: a choice moves up its ladder by at most ``reach`` rungs; a number by at most
    ``reach`` (to a threshold some measure names). requires: per value, a condition the company must
    meet for that change to be within reach. with: per value, facts that change together with it.
    relocation: the change means moving the registered address (suggested only when asked for).
    """
    spec = q.get("actionable")
    if spec in (None, False):
        return None
    if spec is True:
        spec = {}
    if not isinstance(spec, Mapping) or q["type"] not in ("bool", "choice", "int", "number"):
        raise ConditionError(f"{where}: 'actionable' is true or a mapping, on a bool, choice or number question")
    if q["type"] in ("int", "number") and not isinstance(spec.get("reach"), (int, float)):
        raise ConditionError(f"{where}: a number question's actionable needs 'reach' (how far the company can raise it)")
    ladder = spec.get("ladder")
    if ladder is not None and (not isinstance(ladder, list) or any(v not in (q.get("choices") or {}) for v in ladder)):
        raise ConditionError(f"{where}: actionable.ladder lists choices of the question, lowest first")
    out = dict(spec)
    requires = spec.get("requires") or {}
    if not isinstance(requires, Mapping):
        raise ConditionError(f"{where}: actionable.requires maps a value to a condition")
    out["requires"] = {str(k): parse_condition(v, infos, f"{where}: actionable.requires.{k}") for k, v in requires.items()}
    coupled = spec.get("with") or {}
    if not isinstance(coupled, Mapping) or not all(isinstance(v, Mapping) for v in coupled.values()):
        raise ConditionError(f"{where}: actionable.with maps a value to the facts that change with it")
    for value, facts in coupled.items():
        for fact, fact_value in facts.items():
            info = infos.get(fact)
            if info is None or (info.choices and fact_value not in info.choices):
                raise ConditionError(f"{where}: actionable.with.{value}: {fact}={fact_value!r} is not a fact and choice")
    out["with"] = {str(k): dict(v) for k, v in coupled.items()}
    return out


def load_questionnaire(folder: Path) -> Questionnaire:
    return build_questionnaire(load_questionnaire_pages(folder))


# --------------------------------------------------------------------------- profiles


def read_profile_file(path: Path, questionnaire: Questionnaire, notes: dict | None = None) -> dict[str, Any]:
    """Read and validate a profile JSON file; every problem is a ProfileError with a clear message.

    ``notes``, when given, receives the file's ``_unsure`` list (facts the company could not answer).
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ProfileError(f"无法读取档案文件 {path}：{exc.strerror or exc}") from None
    if size > MAX_PROFILE_BYTES:
        raise ProfileError(f"档案文件过大（{size} 字节，上限 {MAX_PROFILE_BYTES} 字节），不是有效的企业档案。")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProfileError("档案文件不是 UTF-8 编码的 JSON 文本。") from None
    except OSError as exc:
        raise ProfileError(f"无法读取档案文件 {path}：{exc.strerror or exc}") from None
    profile = parse_profile_text(text, questionnaire)
    if notes is not None:
        notes["_unsure"] = [f for f in unsure_facts(json.loads(text), questionnaire) if f not in profile]
    return profile


def parse_profile_text(text: str, questionnaire: Questionnaire) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProfileError(f"档案不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）。") from None
    except RecursionError:
        raise ProfileError("档案的 JSON 嵌套过深，不是有效的企业档案。") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise ProfileError(f"档案中的数值无法读取：{str(exc)[:80]}。") from None
    return validate_profile(data, questionnaire)


def validate_profile(data: Any, questionnaire: Questionnaire) -> dict[str, Any]:
    """Check a profile mapping against the fact definitions and return a clean copy.

    Unknown keys are an error (a typo would otherwise silently read as "unknown"), except keys
    starting with an underscore, which are kept for the app's own notes.
    """
    if not isinstance(data, dict):
        raise ProfileError("企业档案必须是一个 JSON 对象（{…}）。")
    data = apply_aliases(data)
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise ProfileError(f"字段名 {key!r} 无效。", field=str(key))
        if key.startswith("_"):
            continue
        question = questionnaire.by_fact.get(key)
        if question is None:
            if key in DERIVED_FACTS:
                raise ProfileError(f"字段 {key} 由系统推算，不能在档案中填写。", field=key)
            shown = key if len(key) <= 40 else key[:40] + "…"
            raise ProfileError(f"未知字段 {shown!r}：不是问卷定义的企业信息项。", field=key[:200])
        if value is None:
            continue
        clean[key] = _coerce(question, value)
    return clean


def _coerce(q: Question, value: Any) -> Any:
    label = f"{q.fact}（{q.text}）"

    def fail(expected: str) -> ProfileError:
        shown = repr(value)
        if len(shown) > 60:
            shown = shown[:57] + "…"
        return ProfileError(f"字段 {label} 应为{expected}，实际为 {shown}。", field=q.fact)

    kind = q.type
    if kind == "bool":
        if not isinstance(value, bool):
            raise fail("是/否（true 或 false）")
        return value
    if kind in ("int", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise fail("数字")
        if isinstance(value, float) and not math.isfinite(value):
            raise fail("有限的数字")
        if abs(value) > MAX_NUMBER:
            raise fail("合理范围内的数字（绝对值不超过 10 的 15 次方）")
        if kind == "int" and (isinstance(value, float) and not value.is_integer()):
            raise fail("整数")
        if q.minimum is not None and value < q.minimum:
            raise fail(f"不小于 {q.minimum} 的数字")
        if q.maximum is not None and value > q.maximum:
            raise fail(f"不大于 {q.maximum} 的数字")
        return int(value) if kind == "int" else value
    if kind == "choice":
        if not isinstance(value, str) or value not in q.choices:
            raise fail("以下选项之一：" + "、".join(q.choices))
        return value
    if kind == "multi":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail("选项列表")
        bad = [v for v in value if v not in q.choices]
        if bad:
            raise ProfileError(f"字段 {label} 含未知选项 {bad[0]!r}；可选：" + "、".join(q.choices), field=q.fact)
        return list(dict.fromkeys(value))
    if kind == "date":
        if not isinstance(value, str):
            raise fail("YYYY-MM-DD 格式的日期")
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise fail("YYYY-MM-DD 格式的日期") from None
    # string
    if not isinstance(value, str):
        raise fail("文字")
    if len(value) > MAX_STRING:
        raise fail(f"不超过 {MAX_STRING} 字的文字")
    if any("\ud800" <= ch <= "\udfff" for ch in value):  # a lone surrogate cannot be saved or printed
        raise fail("有效的文字（其中有损坏的字符，可能来自复制粘贴，请删除后重新输入）")
    return value
