"""Company profiles on disk, and the recent-consultations list read from the records (Qt-free).

Profiles are JSON files (the canonical profile of ../shared/specs/profile.md, so
``policy-desk match FILE`` reads them) kept by default in ``user_data_dir()/profiles``. The app's
own notes ride along under keys starting with ``_`` (skipped questions, the evaluation date, when
it was saved), which the profile reader ignores. Every write is atomic: a temporary file in the
same folder is written, flushed and fsynced, then renamed over the target, so a crash or a full
disk never leaves a half-written profile. The consultation history is the append-only SQLite
store of desktop.session.records (an old history.json is migrated once and kept as .bak).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Mapping

from desktop.atomic import WriteError, write_text_atomic
from desktop.paths import user_data_dir
from desktop.rules.facts import ProfileError, Questionnaire, parse_profile_text, unsure_facts
from desktop.session.records import NO_NAME, Consultation, RecordsError, RecordStore, consultation_from_report, now_text

HISTORY_LIMIT = 50
MAX_PROFILE_BYTES = 1_000_000
APP_TAG = "policy-desk"


class StoreError(Exception):
    """A profile or the history could not be written or read; the message is for the user."""


@dataclass
class LoadedProfile:
    """A profile file as read back: validated facts plus the app's notes."""

    path: Path
    profile: dict[str, Any]
    skipped: list[str] = field(default_factory=list)
    as_of: dt.date | None = None


@dataclass
class HistoryEntry:
    """One consultation in the recent list."""

    when: str  # ISO date-time of the last save / export
    company: str
    path: str | None
    as_of: str | None
    counts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"when": self.when, "company": self.company, "path": self.path, "as_of": self.as_of,
                "counts": dict(self.counts)}


# --------------------------------------------------------------------------- atomic writing


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; raise StoreError with a clear message."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, text)
    except OSError as exc:  # WriteError included: its message already says what to do
        message = exc.strerror if isinstance(exc, WriteError) else f"无法保存文件 {path}：{exc.strerror or exc}。原文件未被改动。"
        raise StoreError(message) from None


# --------------------------------------------------------------------------- the store


def safe_file_stem(name: str | None) -> str:
    """A file name stem from a company name: keeps Chinese, drops characters no file system takes."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "", (name or "").strip()).strip(". ")
    return stem[:60] or "未命名企业"


class ProfileStore:
    """Profiles and history under one folder (``user_data_dir()`` unless told otherwise)."""

    def __init__(self, base: Path | None = None):
        self.base = Path(base) if base is not None else user_data_dir()
        self._records: RecordStore | None = None
        self.history_error: str | None = None

    @property
    def profiles_dir(self) -> Path:
        return self.base / "profiles"


    # ------------------------------------------------------------------ profiles

    def suggest_path(self, company: str | None, folder: Path | None = None) -> Path:
        """A free file name for ``company`` in ``folder`` (default: the profiles folder)."""
        folder = folder or self.profiles_dir
        stem = safe_file_stem(company)
        candidate = folder / f"{stem}.json"
        n = 2
        while candidate.exists():
            candidate = folder / f"{stem}（{n}）.json"
            n += 1
        return candidate

    @staticmethod
    def profile_json(profile: Mapping[str, Any], questionnaire: Questionnaire,
                     skipped: list[str] | None = None, as_of: dt.date | None = None) -> str:
        """The file text: facts in questionnaire order, then the app's notes."""
        order = {q.fact: i for i, q in enumerate(questionnaire.questions)}
        data: dict[str, Any] = {}
        for key in sorted(profile, key=lambda k: order.get(k, len(order))):
            if profile[key] is not None:
                data[key] = profile[key]
        if skipped:  # the profile spec's list of facts the company could not answer ("不确定")
            data["_unsure"] = [f for f in skipped if f in order]
        if as_of is not None:
            data["_as_of"] = as_of.isoformat()
        data["_saved"] = dt.datetime.now().replace(microsecond=0).isoformat()
        data["_app"] = APP_TAG
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def save_profile(self, path: Path, profile: Mapping[str, Any], questionnaire: Questionnaire,
                     skipped: list[str] | None = None, as_of: dt.date | None = None) -> Path:
        text = self.profile_json(profile, questionnaire, skipped, as_of)
        atomic_write_text(Path(path), text)
        return Path(path)

    @staticmethod
    def load_profile(path: Path, questionnaire: Questionnaire) -> LoadedProfile:
        """Read and validate a profile file; every problem is a ProfileError with a clear message."""
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_PROFILE_BYTES:
                raise ProfileError(f"文件过大（{size} 字节），不是企业档案。")
            raw = path.read_bytes()
        except OSError as exc:
            raise ProfileError(f"无法读取档案文件 {path}：{exc.strerror or exc}") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProfileError("档案文件不是 UTF-8 编码的 JSON 文本。") from None
        try:
            profile = parse_profile_text(text, questionnaire)  # raises ProfileError
            data = json.loads(text)  # already known to parse
        except ProfileError:
            raise
        except (ValueError, RecursionError) as exc:  # e.g. an integer of thousands of digits
            raise ProfileError(f"档案内容无法解析：{str(exc)[:80]}") from None
        skipped = [f for f in unsure_facts(data, questionnaire) if f not in profile]  # also reads the old _skipped
        as_of = None
        if isinstance(data.get("_as_of"), str):
            try:
                as_of = dt.date.fromisoformat(data["_as_of"])
            except ValueError:
                as_of = None
        return LoadedProfile(path, profile, skipped, as_of)

    # ------------------------------------------------------------------ history

    @property
    def records(self) -> RecordStore:
        """The consultation records (SQLite, desktop.session.records), shared with the statistics."""
        if self._records is None:
            self._records = RecordStore(self.base)
        return self._records

    def history(self) -> list[HistoryEntry]:
        """Recent consultations, newest first, one per profile file.

        A store that cannot be read right now reads as empty here (the window still starts) and
        is left untouched; a damaged one is rescued by the record store and reported in its notices.
        """
        try:
            recent = self.records.recent(HISTORY_LIMIT)
        except RecordsError as exc:
            self.history_error = str(exc)
            return []
        self.history_error = None
        return [HistoryEntry(when=c.recorded_at, company=c.company, path=c.profile_path, as_of=c.as_of,
                             counts={str(k): v for k, v in c.counts.items() if isinstance(v, int)})
                for c in recent]

    def record(self, company: str | None, path: Path | None, as_of: dt.date | None,
               counts: Mapping[str, int] | None = None, *, report: Any = None, unsure: list[str] | None = None,
               unlocks: list[Any] | None = None, adviser: str | None = None, origin: str = "window",
               questionnaire: Questionnaire | None = None) -> HistoryEntry:
        """Append a consultation to the records (the window calls this on save and on print).

        With ``report`` (a MatchReport) the full record is kept: applicable and maybe measures,
        不确定 answers, what-if suggestions shown, adviser; without it only the counts.
        """
        if report is not None:
            record, labels = consultation_from_report(report, company=company, profile_path=path, unsure=unsure or [],
                                                      unlocks=unlocks, adviser=adviser, origin=origin,
                                                      questionnaire=questionnaire)
        else:
            record = Consultation(recorded_at=now_text(), company=(company or "").strip() or NO_NAME,
                                  profile_path=str(Path(path).resolve()) if path else None,
                                  as_of=as_of.isoformat() if as_of else None, adviser=adviser, origin=origin,
                                  counts=dict(counts or {}))
            labels = {}
        try:
            self.records.add(record, labels)
        except RecordsError as exc:
            raise StoreError(str(exc)) from None
        return HistoryEntry(record.recorded_at, record.company, record.profile_path, record.as_of, dict(record.counts))
