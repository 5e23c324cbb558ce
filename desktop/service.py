"""The one facade the GUI and the command line share: open the data, match, search.

Nothing here imports Qt, so the command line, the tests and the GUI go through the same calls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from collections.abc import Mapping

from desktop.library.db import DocumentRow, Library, LibraryError, SectionRow, locate_all
from desktop.datapack_trust import active_db_path
from desktop.rules.engine import STATUS_LABELS, STATUSES, Engine, MeasureResult
from desktop.rules.facts import ProfileError, Question, Questionnaire, read_profile_file
from desktop.rules.measures import KIND_GROUPS, Measure
from desktop.rules.questions import gate_state, interview, open_questions
from desktop.rules.result import ResultModel, build_model, counts_text
from desktop.rules.store import load_engine_from_db
from desktop.rules.whatif import DIRECTION_LABEL, Unlock, status_label, what_if

__all__ = [
    "PolicyData", "MatchReport", "open_data", "active_db_path",
    # What the faces (gui, cli) use from the layers below, so they import nothing behind this
    # facade (tests/test_import_contract.py holds them to it).
    "LibraryError", "Library", "DocumentRow", "SectionRow", "locate_all",
    "STATUS_LABELS", "STATUSES", "MeasureResult", "KIND_GROUPS", "Measure",
    "ProfileError", "Question", "Questionnaire", "read_profile_file",
    "gate_state", "interview", "open_questions", "DIRECTION_LABEL", "Unlock", "status_label", "what_if",
    "ResultModel", "build_model", "counts_text", "write_measures_doc",
]


@dataclass
class MatchReport:
    """The evaluation of one profile on one date."""

    as_of: dt.date
    profile: dict[str, Any]
    results: list[MeasureResult]
    meta: dict[str, str]
    derived: dict[str, Any]  # facts computed from the answers (size class …)
    model: ResultModel  # sections, ranking and counts: what every face shows

    def counts(self) -> dict[str, int]:
        return dict(self.model.counts)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "company": self.profile.get("name"),
            "data_version": self.meta.get("data_version"),
            "build_date": self.meta.get("build_date"),
            "derived_facts": self.derived,
            "counts": self.counts(),
            "sections": self.model.to_json(),
            "results": [dict(r.to_json(), section=self.model.section_of[r.id]) for r in self.results],
        }


class PolicyData:
    """The opened policy database: library, rules engine and (lazily) the search index."""

    def __init__(self, db_path: Path | None = None):
        self.db_path = (db_path or active_db_path()).resolve()
        self.library = Library(self.db_path)  # raises LibraryError with a clear message
        try:
            self.engine: Engine = load_engine_from_db(self.library.conn)
        except Exception as exc:  # a database from an incompatible or damaged build
            self.library.close()
            raise LibraryError(f"政策数据库中的政策规则无法读取：{exc}。请重新安装或导入数据包。") from None
        self.meta = self.library.meta()
        self._searcher = None

    @property
    def questionnaire(self):
        return self.engine.questionnaire

    def match(self, profile: Mapping[str, Any], as_of: dt.date) -> MatchReport:
        facts = self.engine.facts_of(profile)
        derived = {k: v for k, v in facts.items()
                   if k not in profile and k in ("enterprise_size", "is_sme", "is_small_micro")}
        results = self.engine.evaluate(profile, as_of)
        model = build_model(results, facts, self.engine.questionnaire)
        return MatchReport(as_of, dict(profile), results, self.meta, derived, model)

    def searcher(self, on_progress=None):
        if self._searcher is None:
            from desktop.library.search import Searcher

            self._searcher = Searcher(self.db_path, on_progress)
        return self._searcher

    def search(self, query: str, limit: int = 10, filters: dict | None = None, html: bool = False) -> dict:
        return self.searcher().search(query, limit, filters, html)

    def close(self) -> None:
        self.library.close()


def open_data(db_path: Path | None = None) -> PolicyData:
    return PolicyData(db_path)


def write_measures_doc(db_path: Path | None = None, root: Path | None = None) -> Path:
    """Regenerate docs/measures.md (a build step: its module is loaded only when asked)."""
    from desktop.rules.measures_doc import write_measures_doc as write

    return write(db_path, root)
