"""Each test situation (resources/situations/*.yaml, OpenFisca style) is its own pytest item.

A pytest plugin (``-p situation_items`` in pyproject.toml, so it sees files outside tests/):
collected as ``resources/situations/<file>.yaml::<situation name>``, and run with
the runner the curators' checker uses (desktop.rules.situations via desktop.rules.check), against
the rules read straight from resources/ (what the next build ships).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from desktop.rules.situations import Situation, load_situations, run_situation

ROOT = Path(__file__).resolve().parent.parent
SITUATIONS_DIR = ROOT / "resources" / "situations"


@functools.cache
def resources_sources():
    """(engine, measure files, questionnaire pages) read once per test session from resources/."""
    from desktop.rules.store import load_sources

    return load_sources(ROOT / "resources")


def resources_engine():
    return resources_sources()[0]


class SituationMismatch(AssertionError):
    pass


class SituationsFile(pytest.File):
    def collect(self):
        seen: set[str] = set()
        for i, situation in enumerate(load_situations(self.path)):
            name = situation.name if situation.name not in seen else f"{situation.name} [{i}]"  # ids stay unique
            seen.add(name)
            yield SituationItem.from_parent(self, name=name, situation=situation)


class SituationItem(pytest.Item):
    def __init__(self, *, situation: Situation, **kwargs):
        super().__init__(**kwargs)
        self.situation = situation

    def runtest(self) -> None:
        problems = run_situation(resources_engine(), self.situation)
        if problems:
            raise SituationMismatch("\n".join(problems))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, SituationMismatch):
            return f"as of {self.situation.as_of}: {excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{self.name}"


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".yaml" and file_path.parent == SITUATIONS_DIR:
        return SituationsFile.from_parent(parent, path=file_path)
    return None
