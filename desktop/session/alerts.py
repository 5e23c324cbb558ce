"""Client alerts (Qt-free): measures about to close for saved clients, and what a new data version changed.

A *saved client* is a profile file in the profiles folder, or one the records show was saved
elsewhere and still exists. Two kinds of alert:

- **expiring**: an applicable or maybe measure whose validity window (``valid_to``) closes
  within N days of the alert date;
- **data changes**: after a data pack is installed, the clients whose results differ between the
  old and the new database (measures gained, lost, expired), each with the clause it rests on.
  The import path calls :class:`ImportWatch`; the comparison is kept in the records store, so the
  window shows it after the restart that follows an import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import os
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Iterable

from desktop.paths import sqlite_readonly_uri, user_cache_dir, user_data_dir
from desktop.rules.facts import ProfileError

log = logging.getLogger("policy_desk.alerts")

DEFAULT_WITHIN_DAYS = 90
ACTIVE = ("applies", "maybe")
STATUS_WORDS = {"applies": "适用", "maybe": "可能适用", "expired": "已失效", "not_yet_in_force": "尚未生效",
                "not_applicable": "不适用", "related": "政策方向", None: "（该版本中没有这条政策）"}


@dataclass
class SavedClient:
    path: Path
    company: str
    profile: dict[str, Any]


@dataclass
class MeasureNote:
    """One measure in an alert, with the clause it rests on."""

    id: str
    title: str
    status: str | None
    valid_to: str | None
    document: str
    doc_number: str | None
    clause: str
    quote: str
    before: str | None = None  # the status under the old data (data changes only)
    days_left: int | None = None  # expiring only


@dataclass
class ClientAlert:
    company: str
    path: str
    expiring: list[MeasureNote] = field(default_factory=list)
    gained: list[MeasureNote] = field(default_factory=list)
    lost: list[MeasureNote] = field(default_factory=list)
    expired: list[MeasureNote] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _note(result, **extra) -> MeasureNote:
    m = result.measure
    return MeasureNote(id=m.id, title=m.title, status=result.status, valid_to=m.valid_to, document=m.source.document,
                       doc_number=m.source.doc_number, clause=m.source.clause, quote=m.source.quote, **extra)


# --------------------------------------------------------------------------- saved clients


def client_paths(profiles_dir: Path, recorded: Iterable[str | None] = ()) -> list[Path]:
    """Profile files in the profiles folder, plus recorded profile files elsewhere that still exist."""
    seen: dict[Path, None] = {}
    try:
        for p in sorted(Path(profiles_dir).glob("*.json")):
            seen.setdefault(p.resolve(), None)
    except OSError:
        pass
    for text in recorded:
        if text:
            p = Path(text)
            if p.suffix.lower() == ".json" and p.is_file():
                seen.setdefault(p.resolve(), None)
    return list(seen)


def load_clients(paths: Iterable[Path], questionnaire) -> tuple[list[SavedClient], list[str]]:
    """The readable profiles (each checked against this data's questionnaire) and what was skipped."""
    from desktop.rules.facts import read_profile_file

    clients, problems = [], []
    for path in paths:
        try:
            profile = read_profile_file(Path(path), questionnaire)
        except ProfileError as exc:
            problems.append(f"{Path(path).name}：{exc}")
            continue
        clients.append(SavedClient(Path(path), str(profile.get("name") or "").strip() or Path(path).stem, profile))
    return clients, problems


def saved_client_paths(store) -> list[Path]:
    """Every saved client of a :class:`desktop.session.profiles_store.ProfileStore`."""
    from desktop.session.records import RecordsError

    try:
        recorded = store.records.profile_paths()
    except RecordsError:
        recorded = []
    return client_paths(store.profiles_dir, recorded)


# --------------------------------------------------------------------------- expiring


def expiring(data, paths: Iterable[Path], as_of: dt.date, within: int = DEFAULT_WITHIN_DAYS) -> tuple[list[ClientAlert], list[str]]:
    """Clients with applicable / maybe measures whose window closes within ``within`` days of ``as_of``."""
    if within < 0:
        raise ValueError("within must be >= 0")
    last = (as_of + dt.timedelta(days=within)).isoformat()
    clients, problems = load_clients(paths, data.questionnaire)
    out = []
    for client in clients:
        notes = []
        for r in data.engine.evaluate(client.profile, as_of):
            end = r.measure.valid_to
            if r.status in ACTIVE and not r.measure.programme_level and end and as_of.isoformat() <= end <= last:
                days = (dt.date.fromisoformat(end[:10]) - as_of).days
                notes.append(_note(r, days_left=days))
        if notes:
            notes.sort(key=lambda n: (n.valid_to or "", n.id))
            out.append(ClientAlert(client.company, str(client.path), expiring=notes))
    out.sort(key=lambda a: (a.expiring[0].valid_to or "", a.company))
    return out, problems


# --------------------------------------------------------------------------- data changes


def compare_databases(old_db: Path, new_db: Path, paths: Iterable[Path], as_of: dt.date) -> dict[str, Any]:
    """Which saved clients' results differ between two policy databases on ``as_of``.

    gained: applies/maybe now, not before (new or newly met measures); lost: applies/maybe before,
    now neither and not expired (removed, or conditions changed); expired: applies/maybe before,
    expired now. Each with the clause (the new text, or the old one for a removed measure).
    """
    from desktop.service import open_data

    paths = list(paths)
    old, new = open_data(Path(old_db)), open_data(Path(new_db))
    try:
        before_clients, problems_old = load_clients(paths, old.questionnaire)
        after_clients, problems = load_clients(paths, new.questionnaire)
        before = {c.path: c for c in before_clients}
        changed, unchanged = [], 0
        for client in after_clients:
            if client.path not in before:
                continue
            was = {r.id: r for r in old.engine.evaluate(before[client.path].profile, as_of)}
            now = {r.id: r for r in new.engine.evaluate(client.profile, as_of)}
            alert = ClientAlert(client.company, str(client.path))
            for mid, r in now.items():
                prev = was.get(mid)
                prev_status = prev.status if prev else None
                if r.status in ACTIVE and prev_status not in ACTIVE and not r.measure.programme_level:
                    alert.gained.append(_note(r, before=prev_status))
                elif prev_status in ACTIVE and r.status == "expired" and not r.measure.programme_level:
                    alert.expired.append(_note(r, before=prev_status))
                elif prev is not None and prev.status in ACTIVE and r.status not in ACTIVE and not prev.measure.programme_level:
                    alert.lost.append(_note(r, before=prev_status))
            for mid, prev in was.items():
                if mid not in now and prev.status in ACTIVE and not prev.measure.programme_level:
                    note = _note(prev, before=prev.status)
                    note.status = None
                    alert.lost.append(note)
            if alert.gained or alert.lost or alert.expired:
                changed.append(alert)
            else:
                unchanged += 1
        return {
            "as_of": as_of.isoformat(),
            "from_version": old.meta.get("data_version"),
            "to_version": new.meta.get("data_version"),
            "clients": [a.to_json() for a in changed],
            "unchanged": unchanged,
            "problems": sorted(set(problems_old) | set(problems)),
        }
    finally:
        old.close()
        new.close()


def snapshot_database(db: Path) -> Path:
    """A private copy of the database in use (the import replaces the file it may live in)."""
    folder = user_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="before-import-", suffix=".db", dir=folder)
    os.close(fd)
    src = sqlite3.connect(sqlite_readonly_uri(Path(db)), uri=True)
    dst = sqlite3.connect(name)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return Path(name)


class ImportWatch:
    """Wraps a data-pack import: snapshot the data in use, then compare the saved clients after it.

    Usage (a few lines in the import path)::

        with ImportWatch(current_db) as watch:
            result = import_pack(...)
            note = watch.finish(result.db_path)   # "" when nothing changed or on any problem

    The comparison never makes an import fail: its problems are logged and it says nothing.
    """

    def __init__(self, current_db: Path, data_folder: Path | None = None, as_of: dt.date | None = None):
        self.folder = Path(data_folder) if data_folder else user_data_dir()
        self.as_of = as_of or dt.date.today()
        self.report: dict[str, Any] | None = None
        try:
            self.snapshot: Path | None = snapshot_database(Path(current_db))
        except (OSError, sqlite3.Error) as exc:
            log.warning("no snapshot before import: %s", exc)
            self.snapshot = None

    def __enter__(self) -> ImportWatch:
        return self

    def __exit__(self, *_exc) -> None:
        self.discard()

    def finish(self, new_db: Path) -> str:
        if self.snapshot is None:
            return ""
        from desktop.session.profiles_store import ProfileStore

        try:
            store = ProfileStore(self.folder)
            self.report = compare_databases(self.snapshot, Path(new_db), saved_client_paths(store), self.as_of)
            store.records.add_data_change(self.report["from_version"], self.report["to_version"], self.report)
        except Exception as exc:  # the import itself succeeded; the comparison is a courtesy
            log.warning("client comparison after import failed: %s", exc)
            return ""
        n = len(self.report["clients"])
        if not n:
            return "已保存的客户中没有结果发生变化的。"
        return f"有 {n} 位已保存客户的匹配结果发生变化，详见“咨询台 → 客户提醒”。"

    def discard(self) -> None:
        if self.snapshot is not None:
            try:
                self.snapshot.unlink()
            except OSError:
                pass
            self.snapshot = None


# --------------------------------------------------------------------------- faces


KIND_WORDS = (("expiring", "即将到期"), ("gained", "新增适用"), ("lost", "不再适用"), ("expired", "已失效"))


def alert_rows(alerts: Iterable[ClientAlert | dict]) -> list[list[Any]]:
    """One row per client and measure: what the CSV export and the window's table show."""
    rows = []
    for a in alerts:
        a = a.to_json() if isinstance(a, ClientAlert) else a
        for kind, word in KIND_WORDS:
            for n in a.get(kind) or []:
                rows.append([word, a["company"], n["id"], n["title"], STATUS_WORDS.get(n.get("before"), n.get("before") or ""),
                             STATUS_WORDS.get(n["status"], n["status"]), n.get("valid_to") or "",
                             "" if n.get("days_left") is None else n["days_left"], n["document"], n.get("doc_number") or "",
                             n["clause"], n["quote"], a["path"]])
    return rows


CSV_HEADER = ["提醒", "企业", "政策编号", "政策", "原状态", "现状态", "有效期至", "剩余天数", "文件", "文号", "条款", "原文", "档案文件"]


def to_csv(expiring_alerts: Iterable[ClientAlert], changes: dict[str, Any] | None, as_of: dt.date, within: int) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["惠企政策通 客户提醒", f"截至 {as_of.isoformat()}，{within} 天内到期"])
    if changes:
        w.writerow(["数据更新", f"{changes.get('from_version') or '?'} → {changes.get('to_version') or '?'}",
                    f"比较日期 {changes.get('as_of') or '?'}"])
    w.writerow([])
    w.writerow(CSV_HEADER)
    for row in alert_rows(expiring_alerts):
        w.writerow(row)
    for row in alert_rows((changes or {}).get("clients") or []):
        w.writerow(row)
    return out.getvalue()


def to_text(expiring_alerts: list[ClientAlert], changes: dict[str, Any] | None, as_of: dt.date, within: int,
            clients: int, problems: list[str]) -> str:
    lines = [f"客户提醒：截至 {as_of.isoformat()}，{within} 天内到期的适用 / 可能适用政策（已保存客户 {clients} 位）"]
    if not expiring_alerts:
        lines.append("  没有即将到期的政策。")
    for a in expiring_alerts:
        lines.append(f"\n{a.company}（{Path(a.path).name}）")
        for n in a.expiring:
            lines.append(f"  · {n.title}〔{STATUS_WORDS[n.status]}〕有效期至 {n.valid_to}，还剩 {n.days_left} 天")
            lines.append(f"    依据：《{n.document}》{n.doc_number or ''} {n.clause}：“{n.quote}”")
    if changes:
        lines.append(f"\n数据更新后结果有变化的客户（{changes.get('from_version') or '?'} → {changes.get('to_version') or '?'}，"
                     f"比较日期 {changes.get('as_of') or '?'}）：")
        if not changes.get("clients"):
            lines.append("  没有。")
        for a in changes.get("clients") or []:
            lines.append(f"\n{a['company']}（{Path(a['path']).name}）")
            for kind, word in KIND_WORDS[1:]:
                for n in a.get(kind) or []:
                    lines.append(f"  · {word}：{n['title']}（{STATUS_WORDS.get(n.get('before'))} → {STATUS_WORDS.get(n['status'])}）")
                    lines.append(f"    依据：《{n['document']}》{n.get('doc_number') or ''} {n['clause']}：“{n['quote']}”")
    for p in problems:
        lines.append(f"\n未能读取的档案：{p}")
    return "\n".join(lines) + "\n"
