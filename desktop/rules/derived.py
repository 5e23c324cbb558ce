"""Derived facts: computed from the answers, never asked.

The enterprise size class follows 《中小企业划型标准规定》 (工信部联企业〔2011〕300号), whose thresholds
are kept as reviewable data in ``resources/reference/sme_size_standard.yaml``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Mapping

import yaml

TIERS = ("large", "medium", "small")


@dataclass(frozen=True)
class SizeStandard:
    categories: Mapping[str, Mapping[str, Any]]
    industry_category: Mapping[str, str]
    source: str

    @classmethod
    def load(cls, path: Path) -> SizeStandard:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        return cls(data["categories"], data["industry_category"], data["source"])

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SizeStandard:
        return cls(data["categories"], data["industry_category"], data["source"])

    def to_dict(self) -> dict:
        return {"categories": dict(self.categories), "industry_category": dict(self.industry_category), "source": self.source}

    def category_of(self, profile: Mapping[str, Any]) -> str | None:
        """The standard's category: the main industry's, or the one all listed industries share.

        A company in industries of different categories (a restaurant that also retails) is
        classified by its main industry; until that is answered its size stays unknown.
        """
        main = profile.get("main_industry")
        if isinstance(main, str):
            return self.industry_category.get(main)
        industries = profile.get("industries")
        if not isinstance(industries, list) or not industries:
            return None
        categories = {self.industry_category.get(i) for i in industries}
        return categories.pop() if len(categories) == 1 else None

    def needs_main_industry(self, profile: Mapping[str, Any]) -> bool:
        industries = profile.get("industries")
        if profile.get("main_industry") or not isinstance(industries, list):
            return False
        return len({self.industry_category.get(i) for i in industries}) > 1

    def size(self, profile: Mapping[str, Any]) -> str | None:
        """The size class, or None where the answers do not decide it."""
        classes = self.possible_sizes(profile)
        return next(iter(classes)) if classes and len(classes) == 1 else None

    def possible_sizes(self, profile: Mapping[str, Any]) -> set[str] | None:
        """Every class the company can be in, whatever its unanswered figures; None without a category.

        Each tier needs every one of its thresholds met ("及以上"); below the small tier a company is
        micro. The class only rises with each figure, so trying every unanswered figure at its two
        extremes (0 and beyond any threshold) covers every possible class: a 12-person
        labour-dispatch firm is small or micro whatever its total assets.
        """
        category = self.category_of(profile)
        if category is None:
            return None
        thresholds = self.categories[category]
        metrics = sorted({fact for tier in TIERS for fact in thresholds[tier]})
        unknown = [f for f in metrics if not isinstance(profile.get(f), (int, float))]
        classes: set[str] = set()
        for extremes in itertools.product((0, math.inf), repeat=len(unknown)):
            figures = {f: profile.get(f) for f in metrics}
            figures.update(zip(unknown, extremes))
            classes.add(_class_of(figures, thresholds))
        return classes


def _class_of(figures: Mapping[str, Any], thresholds: Mapping[str, Mapping[str, float]]) -> str:
    for tier in TIERS:
        if all(figures[fact] >= minimum for fact, minimum in thresholds[tier].items()):
            return tier
    return "micro"


def derive(profile: Mapping[str, Any], standard: SizeStandard) -> dict[str, Any]:
    """Return the profile with the derived facts added (unknown ones left out)."""
    out = dict(profile)
    _mirror_childcare(out)
    classes = standard.possible_sizes(profile)
    if not classes:
        return out
    if len(classes) == 1:
        out["enterprise_size"] = next(iter(classes))
    # Whether it is an SME (or small/micro) can be settled before the exact class is.
    for fact, members in (("is_sme", {"medium", "small", "micro"}), ("is_small_micro", {"small", "micro"})):
        if classes <= members:
            out[fact] = True
        elif not classes & members:
            out[fact] = False
    return out


def _mirror_childcare(facts: dict[str, Any]) -> None:
    """托育 is asked twice (bizenv_trades: childcare and childcare_provider); one answer settles both."""
    trades = facts.get("bizenv_trades")
    if isinstance(trades, list) and "childcare" in trades and facts.get("childcare_provider") is None:
        facts["childcare_provider"] = True
    if facts.get("childcare_provider") is True and isinstance(trades, list) and "childcare" not in trades:
        facts["bizenv_trades"] = [t for t in trades if t != "none"] + ["childcare"]
