"""Test situations (OpenFisca style): a profile, a date and the statuses expected.

Used by the test suite and by ``python -m desktop.rules.check``; the format is in
docs/measure-format.md §4.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Iterable

import yaml

from desktop.rules.engine import STATUSES, Engine
from desktop.rules.facts import ProfileError, validate_profile


@dataclass
class Situation:
    file: str
    name: str
    as_of: dt.date
    profile: dict[str, Any]
    expect: dict[str, str]


def load_situations(path: Path) -> list[Situation]:
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or []
    if not isinstance(data, list):
        raise ValueError(f"{path.name}: a situations file is a list of situations")
    out = []
    for i, raw in enumerate(data):
        where = f"{path.name}[{i}]"
        if not isinstance(raw, dict) or not {"name", "as_of", "profile", "expect"} <= set(raw):
            raise ValueError(f"{where}: a situation needs name, as_of, profile and expect")
        as_of = raw["as_of"]
        if isinstance(as_of, str):
            as_of = dt.date.fromisoformat(as_of)
        expect = raw["expect"] or {}
        for mid, status in expect.items():
            if status not in STATUSES:
                raise ValueError(f"{where}: status {status!r} of {mid} is not one of {', '.join(STATUSES)}")
        out.append(Situation(path.name, str(raw["name"]), as_of, dict(raw["profile"] or {}), dict(expect)))
    return out


def expected_status(measure, written: str) -> str:
    """The status a situation expects. Files written before the ``related`` status existed say
    applies/maybe for a programme-level measure: that now reads as related (a direction is never
    "you qualify"); new situations write ``related``."""
    if measure.programme_level and written in ("applies", "maybe"):
        return "related"
    return written


def run_situation(engine: Engine, situation: Situation) -> list[str]:
    """Return one line per mismatch (empty when the situation holds)."""
    where = f"{situation.file}: {situation.name}"
    try:
        profile = validate_profile(situation.profile, engine.questionnaire)
    except ProfileError as exc:
        return [f"{where}: profile invalid: {exc}"]
    unknown = [mid for mid in situation.expect if mid not in engine.by_id]
    problems = [f"{where}: no measure with id {mid!r}" for mid in unknown]
    wanted = [engine.by_id[mid] for mid in situation.expect if mid in engine.by_id]
    for result in engine.evaluate(profile, situation.as_of, wanted):
        expected = expected_status(result.measure, situation.expect[result.id])
        if result.status != expected:
            problems.append(
                f"{where}: {result.id} expected {expected}, got {result.status} ({'；'.join(result.reasons)})"
            )
    return problems


def situation_files(folder: Path) -> list[Path]:
    """The situations files of a folder, one per measure file (same stem)."""
    return sorted(folder.glob("*.yaml"))


def coverage_gaps(measure_ids: Iterable[str], situations: Iterable[Situation]) -> list[str]:
    """Measures not expected to apply in some situation and not to apply in another."""
    applies: set[str] = set()
    other: set[str] = set()
    for situation in situations:
        for mid, status in situation.expect.items():
            (applies if status in ("applies", "related") else other).add(mid)
    problems = []
    for mid in measure_ids:
        if mid not in applies:
            problems.append(f"{mid}: no situation expects it to apply")
        if mid not in other:
            problems.append(f"{mid}: no situation expects it not to apply")
    return problems
