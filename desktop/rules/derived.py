"""Derived facts: computed from the answers, never asked.

The enterprise size class follows 《中小企业划型标准规定》 (工信部联企业〔2011〕300号), whose thresholds
are kept as reviewable data in ``resources/reference/sme_size_standard.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

TIERS = ("large", "medium", "small")


@dataclass(frozen=True)
class SizeStandard:
    categories: Mapping[str, Mapping[str, Any]]
    industry_category: Mapping[str, str]
    source: str

    @classmethod
    def load(cls, path: Path) -> "SizeStandard":
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        return cls(data["categories"], data["industry_category"], data["source"])

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "SizeStandard":
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
        """The size class, or None where the answers do not decide it.

        Each tier needs every one of its thresholds met ("及以上"); a company below the small tier is
        micro. An unanswered number leaves the class unknown unless the known numbers decide it.
        """
        category = self.category_of(profile)
        if category is None:
            return None
        thresholds = self.categories[category]
        for tier in TIERS:
            met = _all_met(profile, thresholds[tier])
            if met is None:
                return None
            if met:
                return tier
        return "micro"


def _all_met(profile: Mapping[str, Any], minimums: Mapping[str, float]) -> bool | None:
    unknown = False
    for fact, minimum in minimums.items():
        value = profile.get(fact)
        if value is None:
            unknown = True
        elif value < minimum:
            return False
    return None if unknown else True


def derive(profile: Mapping[str, Any], standard: SizeStandard) -> dict[str, Any]:
    """Return the profile with the derived facts added (unknown ones left out)."""
    out = dict(profile)
    size = standard.size(profile)
    if size is not None:
        out["enterprise_size"] = size
        out["is_sme"] = size != "large"
        out["is_small_micro"] = size in ("small", "micro")
    return out
