"""The desk's consultation records: an append-only SQLite store in the user-data folder (Qt-free).

One store serves the window's 最近咨询 list, the statistics and the client alerts. Why SQLite in
WAL mode: two windows (or a window and the command line) may record at the same moment, and each
record is one short ``BEGIN IMMEDIATE`` transaction, so nothing is read-modified-written and no
entry is lost. Rows are only ever added; the one deletion is the privacy purge the desk asks for.

A store SQLite reports as damaged (``SQLITE_CORRUPT`` / ``SQLITE_NOTADB`` or a failing
``quick_check``) is never overwritten: every row that can still be read is copied into a fresh
store, the damaged file is moved aside beside it, and :attr:`RecordStore.notices` says so. A
momentary error (locked, no permission) is reported as :class:`RecordsError` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Iterable, Iterator, Mapping

log = logging.getLogger("policy_desk.records")

RECORDS_FILE = "records.db"
LOCK_FILE = "records.lock"  # an empty SQLite file whose exclusive lock serialises rescues
LEGACY_HISTORY_FILE = "history.json"
BUSY_TIMEOUT_SECONDS = 30
SCHEMA_VERSION = 1
DAMAGED_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
NO_NAME = "（未填写名称）"

COLUMNS = ("recorded_at", "company", "profile_path", "as_of", "data_version", "adviser", "origin",
           "district", "size_class", "industries", "profile", "counts", "applies", "maybe", "unsure", "whatif")

SCHEMA = """
CREATE TABLE IF NOT EXISTS consultations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at TEXT NOT NULL,      -- local date-time of the save / print, ISO
    company TEXT,                   -- for 最近咨询 only; statistics never read it
    profile_path TEXT,
    as_of TEXT,                     -- evaluation date
    data_version TEXT,
    adviser TEXT,
    origin TEXT,                    -- window | cli | migrated
    district TEXT,
    size_class TEXT,
    industries TEXT,                -- JSON list
    profile TEXT,                   -- JSON: the facts as matched
    counts TEXT,                    -- JSON: status -> count
    applies TEXT,                   -- JSON list of measure ids
    maybe TEXT,                     -- JSON list of measure ids
    unsure TEXT,                    -- JSON list of facts answered 不确定
    whatif TEXT                     -- JSON list of {fact, value, label, measures}
);
CREATE INDEX IF NOT EXISTS consultations_recorded ON consultations(recorded_at);
CREATE TABLE IF NOT EXISTS labels (
    kind TEXT NOT NULL,             -- measure | fact | industry | size
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE IF NOT EXISTS data_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at TEXT NOT NULL,
    from_version TEXT,
    to_version TEXT,
    report TEXT NOT NULL            -- JSON, see desktop.session.alerts
);
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT);
-- Per-day counts kept with every insert, so statistics over years of records read a few
-- thousand rows instead of re-reading every consultation. Derived data: rebuilt from the
-- consultations whenever it disagrees with them (see RecordStore.daily_counts).
CREATE TABLE IF NOT EXISTS daily_counts (
    day TEXT NOT NULL,
    kind TEXT NOT NULL,             -- all | district | industry | size | adviser | version | applies | maybe | unsure | whatif
    item TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (kind, item, day)
) WITHOUT ROWID;
"""
UNKNOWN_ITEM = ""  # district / size / adviser not given


class RecordsError(Exception):
    """The records could not be read or written; the message is for the user."""


@dataclass
class Consultation:
    """One recorded consultation (a row of the store)."""

    recorded_at: str
    company: str
    profile_path: str | None = None
    as_of: str | None = None
    data_version: str | None = None
    adviser: str | None = None
    origin: str = "window"
    district: str | None = None
    size_class: str | None = None
    industries: list[str] = field(default_factory=list)
    profile: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    applies: list[str] = field(default_factory=list)
    maybe: list[str] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)
    whatif: list[dict[str, Any]] = field(default_factory=list)
    id: int | None = None

    def row(self) -> tuple:
        js = lambda v: json.dumps(v, ensure_ascii=False, default=str, separators=(",", ":"))  # noqa: E731
        return (self.recorded_at, self.company, self.profile_path, self.as_of, self.data_version, self.adviser,
                self.origin, self.district, self.size_class, js(self.industries), js(self.profile), js(self.counts),
                js(self.applies), js(self.maybe), js(self.unsure), js(self.whatif))

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Consultation:
        def load(key: str, kind: type) -> Any:
            try:
                value = json.loads(row[key]) if row[key] else kind()
            except (ValueError, TypeError):  # one damaged value costs that field, not the row
                value = kind()
            return value if isinstance(value, kind) else kind()

        return cls(recorded_at=str(row["recorded_at"]), company=str(row["company"] or NO_NAME),
                   profile_path=row["profile_path"], as_of=row["as_of"], data_version=row["data_version"],
                   adviser=row["adviser"], origin=row["origin"] or "window", district=row["district"],
                   size_class=row["size_class"], industries=load("industries", list), profile=load("profile", dict),
                   counts=load("counts", dict), applies=load("applies", list), maybe=load("maybe", list),
                   unsure=load("unsure", list), whatif=load("whatif", list), id=row["id"])


def now_text() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat()


def _is_damage(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and getattr(exc, "sqlite_errorcode", None) in DAMAGED_CODES


class RecordStore:
    """The consultation records in ``folder / records.db``.

    Opening it creates it (and migrates an old ``history.json`` once), checks it and, if SQLite
    says it is damaged, rescues it (see the module doc). Each public call uses its own short
    connection, so a store object can be shared by a window and its dialogs.
    """

    def __init__(self, folder: Path, verify: bool = True):
        self.folder = Path(folder)
        # quick_check reads the whole file; a read-only report may skip it (damage met while reading
        # still raises, and the next verified open rescues the file).
        self.verify = verify
        self.path = self.folder / RECORDS_FILE
        self.notices: list[str] = []  # what happened on opening (rescued, migrated), for the user
        self._ready = False

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise RecordsError(f"无法打开咨询记录 {self.path}：{exc}。记录未改动。") from None
        conn.row_factory = sqlite3.Row
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA secure_delete = ON")  # purged records are wiped, not just unlinked
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    def ensure(self) -> None:
        """Open, check, rescue if damaged, create the tables, migrate history.json (once per object)."""
        if self._ready:
            return
        damage = self._check()
        if damage is not None:
            with self._exclusive():  # one process rescues; the others then find the fresh store
                damage = self._check()
                if damage is not None:
                    self._rescue(damage)
        self._ready = True
        self._migrate_json()

    def _check(self) -> str | None:
        """None when the store opens, passes quick_check and has its tables; else what is damaged."""
        try:
            conn = self._connect()
            try:
                result = conn.execute("PRAGMA quick_check").fetchone()[0] if self.verify else "ok"
                if result != "ok":
                    return f"quick_check: {result}"
                conn.executescript(SCHEMA)
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise RecordsError(f"暂时无法读取咨询记录（{exc}），请稍后重试。记录未改动。") from None
            return str(exc)
        return None

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """A lock between processes, held while a damaged store is rescued (released if a process dies)."""
        lock = sqlite3.connect(self.folder / LOCK_FILE, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            lock.execute("BEGIN EXCLUSIVE")
            yield
        except sqlite3.Error as exc:
            raise RecordsError(f"咨询记录正被另一个窗口修复，请稍后重试（{exc}）。") from None
        finally:
            try:
                lock.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            lock.close()

    def _open(self) -> tuple[sqlite3.Connection, tuple[int, int] | None]:
        """A connection and the identity of the file it opened (to notice a rescue by another process)."""
        self.ensure()
        for _ in range(3):
            before = _identity(self.path)
            conn = self._connect()
            if _identity(self.path) == before:
                return conn, before
            conn.close()
        raise RecordsError("咨询记录文件正在被替换，请稍后重试。记录未改动。")

    def _run(self, work, write: bool = False, retry: bool = True):
        """Run ``work(conn)`` in one transaction; turn SQLite errors into RecordsError.

        If another process rescued the store (moved the file) while this one used it, the work is
        done again on the fresh store, so a record never stays behind in the moved-aside file.
        """
        conn, identity = self._open()
        try:
            if write:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    out = work(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            else:
                out = work(conn)
        except sqlite3.Error as exc:
            if retry and _identity(self.path) != identity:
                conn.close()
                self._ready = False
                return self._run(work, write, retry=False)
            if _is_damage(exc):
                self._ready = False  # checked and rescued on the next call
                raise RecordsError(f"咨询记录文件已损坏（{exc}）；下次打开时会保留可读的记录并另存损坏的文件。") from None
            raise RecordsError(f"无法读写咨询记录（{exc}），请稍后重试。记录未改动。") from None
        finally:
            conn.close()
        if write and retry and _identity(self.path) != identity:  # written into a file moved aside meanwhile
            self._ready = False
            return self._run(work, write, retry=False)
        return out

    # ------------------------------------------------------------------ rescue and migration

    def _rescue(self, reason: str) -> None:
        """Copy every readable row into a fresh store; move the damaged file (and its WAL) aside."""
        rows: dict[str, list[tuple]] = {"consultations": [], "labels": [], "data_changes": []}
        try:
            src = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                rows["consultations"] = _salvage(src, "consultations", ("id",) + COLUMNS)
                rows["labels"] = _salvage(src, "labels", ("kind", "key", "label"))
                rows["data_changes"] = _salvage(src, "data_changes",
                                                ("id", "recorded_at", "from_version", "to_version", "report"))
            finally:
                src.close()
        except sqlite3.Error:
            pass  # nothing readable at all (e.g. the header is gone)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{RECORDS_FILE}.damaged-{stamp}")
        try:
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                extra = Path(str(self.path) + suffix)
                if extra.exists():
                    os.replace(extra, Path(str(aside) + suffix))
        except OSError as exc:
            raise RecordsError(f"咨询记录文件已损坏，且无法移到一旁（{exc.strerror or exc}）。请检查 {self.folder}。") from None
        conn = self._connect()
        try:
            conn.executescript(SCHEMA)
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(f"INSERT INTO consultations (id, {', '.join(COLUMNS)}) VALUES "
                             f"({', '.join('?' * (len(COLUMNS) + 1))})", rows["consultations"])
            conn.executemany("INSERT OR REPLACE INTO labels VALUES (?,?,?)", rows["labels"])
            conn.executemany("INSERT INTO data_changes VALUES (?,?,?,?,?)", rows["data_changes"])
            conn.execute("INSERT OR REPLACE INTO store_meta VALUES ('rescued_from', ?)", (str(aside),))
            _rebuild_counts(conn)
            conn.execute("COMMIT")
        finally:
            conn.close()
        message = (f"咨询记录文件已损坏（{reason}）。已保留可读的 {len(rows['consultations'])} 条咨询记录，"
                   f"损坏的文件已移到 {aside.name}。")
        log.info(message)  # the caller shows self.notices to the person
        self.notices.append(message)

    def _migrate_json(self) -> None:
        """Bring an old history.json in once; the file is kept as history.json.bak."""
        legacy = self.folder / LEGACY_HISTORY_FILE
        if not legacy.exists():
            return
        try:
            data = json.loads(legacy.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            data = None
            log.warning("history.json unreadable, kept as .bak: %s", exc)
        entries = []
        for item in data if isinstance(data, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("when"), str):
                continue
            raw_counts = item.get("counts")
            counts: dict[str, Any] = raw_counts if isinstance(raw_counts, dict) else {}
            entries.append(Consultation(
                recorded_at=item["when"], company=str(item.get("company") or NO_NAME),
                profile_path=item.get("path") if isinstance(item.get("path"), str) else None,
                as_of=item.get("as_of") if isinstance(item.get("as_of"), str) else None, origin="migrated",
                counts={str(k): v for k, v in counts.items() if isinstance(v, int)}))

        def work(conn: sqlite3.Connection) -> bool:
            if conn.execute("SELECT 1 FROM store_meta WHERE key = 'migrated_history_json'").fetchone():
                return False  # another process did it a moment ago
            for e in reversed(entries):  # oldest first, so ids follow time
                _insert(conn, e)
            conn.execute("INSERT INTO store_meta VALUES ('migrated_history_json', ?)", (now_text(),))
            return True

        if self._run(work, write=True):
            try:
                os.replace(legacy, legacy.with_name(LEGACY_HISTORY_FILE + ".bak"))
            except OSError:
                pass
            self.notices.append(f"已把旧的最近咨询列表（{len(entries)} 条）转入咨询记录，原文件保留为 {LEGACY_HISTORY_FILE}.bak。")

    # ------------------------------------------------------------------ writing

    def add(self, consultation: Consultation, labels: Mapping[str, Mapping[str, str]] | None = None) -> int:
        """Append one consultation (and the titles it refers to); return its id."""
        def work(conn: sqlite3.Connection) -> int:
            for kind, pairs in (labels or {}).items():
                conn.executemany("INSERT OR REPLACE INTO labels VALUES (?,?,?)",
                                 [(kind, k, v) for k, v in pairs.items() if isinstance(v, str)])
            return _insert(conn, consultation)

        consultation.id = self._run(work, write=True)
        return consultation.id

    def add_many(self, consultations: Iterable[Consultation], labels: Mapping[str, Mapping[str, str]] | None = None) -> int:
        """Append many consultations in one transaction (imports, benchmarks); return how many."""
        def work(conn: sqlite3.Connection) -> int:
            for kind, pairs in (labels or {}).items():
                conn.executemany("INSERT OR REPLACE INTO labels VALUES (?,?,?)",
                                 [(kind, k, v) for k, v in pairs.items() if isinstance(v, str)])
            return sum(1 for c in consultations if _insert(conn, c))

        return self._run(work, write=True)

    def add_data_change(self, from_version: str | None, to_version: str | None, report: Mapping[str, Any]) -> int:
        def work(conn: sqlite3.Connection) -> int:
            cur = conn.execute("INSERT INTO data_changes (recorded_at, from_version, to_version, report) VALUES (?,?,?,?)",
                               (now_text(), from_version, to_version, json.dumps(report, ensure_ascii=False)))
            return int(cur.lastrowid or 0)

        return self._run(work, write=True)

    def purge(self, older_than_days: int, now: dt.datetime | None = None) -> int:
        """Delete consultations recorded before the day ``older_than_days`` ago; return how many."""
        if older_than_days < 0:
            raise RecordsError("保留天数不能为负数。")
        cutoff = ((now or dt.datetime.now()).date() - dt.timedelta(days=older_than_days)).isoformat()

        def work(conn: sqlite3.Connection) -> int:
            removed = conn.execute("DELETE FROM consultations WHERE recorded_at < ?", (cutoff,)).rowcount
            conn.execute("DELETE FROM daily_counts WHERE day < ?", (cutoff,))  # whole days: counts stay exact
            conn.execute("DELETE FROM data_changes WHERE recorded_at < ?", (cutoff,))
            return removed

        removed = self._run(work, write=True)
        self._run(lambda conn: conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
        return removed

    # ------------------------------------------------------------------ reading

    def consultations(self, since: dt.date | None = None, until: dt.date | None = None,
                      newest_first: bool = False) -> list[Consultation]:
        """Consultations recorded between ``since`` and ``until`` (both days included)."""
        where, args = _range(since, until)
        order = "DESC" if newest_first else "ASC"
        return self._run(lambda conn: [Consultation.from_row(r) for r in conn.execute(
            f"SELECT * FROM consultations {where} ORDER BY recorded_at {order}, id {order}", args)])

    def rows(self, columns: Iterable[str], since: dt.date | None = None, until: dt.date | None = None) -> list[tuple]:
        """Raw column values (the statistics read only what they count, never the company)."""
        cols = [c for c in columns if c in COLUMNS]
        where, args = _range(since, until)
        return self._run(lambda conn: conn.execute(f"SELECT {', '.join(cols)} FROM consultations {where}", args).fetchall())

    def summed_counts(self, since: dt.date | None = None, until: dt.date | None = None
                      ) -> tuple[list[tuple[str, int]], list[tuple[str, str, int]]]:
        """Consultations per day, and (kind, item, total) over the days from ``since`` to ``until``.

        The per-day counts are rebuilt from the consultations first if the two disagree.
        """
        clauses, args = [], []
        if since is not None:
            clauses.append("day >= ?")
            args.append(since.isoformat())
        if until is not None:
            clauses.append("day <= ?")
            args.append(until.isoformat())
        days_where = " AND ".join(clauses) or "1"

        def work(conn: sqlite3.Connection):
            counted = conn.execute("SELECT COALESCE(SUM(n), 0) FROM daily_counts WHERE kind = 'all'").fetchone()[0]
            if counted != conn.execute("SELECT COUNT(*) FROM consultations").fetchone()[0]:
                return None
            per_day = conn.execute(f"SELECT day, n FROM daily_counts WHERE kind = 'all' AND {days_where} ORDER BY day",
                                   args).fetchall()
            totals = conn.execute(f"SELECT kind, item, SUM(n) FROM daily_counts WHERE kind != 'all' AND {days_where} "
                                  "GROUP BY kind, item", args).fetchall()
            return [tuple(r) for r in per_day], [tuple(r) for r in totals]

        out = self._run(work)
        if out is None:  # e.g. rows rescued from a damaged file: count them again
            self._run(_rebuild_counts, write=True)
            out = self._run(work)
        return out

    def profile_paths(self) -> list[str]:
        """Every profile file a consultation was saved to (newest first)."""
        return [p for (p,) in self._run(lambda conn: conn.execute(
            "SELECT profile_path FROM consultations WHERE profile_path IS NOT NULL "
            "GROUP BY profile_path ORDER BY MAX(id) DESC").fetchall())]

    def count(self) -> int:
        return self._run(lambda conn: conn.execute("SELECT COUNT(*) FROM consultations").fetchone()[0])

    def labels(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for kind, key, label in self._run(lambda conn: conn.execute("SELECT kind, key, label FROM labels").fetchall()):
            out.setdefault(kind, {})[key] = label
        return out

    def recent(self, limit: int = 50) -> list[Consultation]:
        """最近咨询: newest first, one entry per profile file (unsaved consultations each count)."""
        seen: set[str] = set()
        out: list[Consultation] = []

        def work(conn: sqlite3.Connection) -> None:
            for row in conn.execute("SELECT * FROM consultations ORDER BY recorded_at DESC, id DESC"):
                path = row["profile_path"]
                if path and path in seen:
                    continue
                if path:
                    seen.add(path)
                out.append(Consultation.from_row(row))
                if len(out) >= limit:
                    return

        self._run(work)
        return out

    def latest_data_change(self) -> dict[str, Any] | None:
        row = self._run(lambda conn: conn.execute(
            "SELECT recorded_at, from_version, to_version, report FROM data_changes ORDER BY id DESC LIMIT 1").fetchone())
        if row is None:
            return None
        try:
            report = json.loads(row["report"])
        except ValueError:
            report = {}
        return {"recorded_at": row["recorded_at"], "from_version": row["from_version"],
                "to_version": row["to_version"], **(report if isinstance(report, dict) else {})}


def _insert(conn: sqlite3.Connection, c: Consultation) -> int:
    cur = conn.execute(f"INSERT INTO consultations ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                       c.row())
    _count(conn, c.recorded_at[:10], counted_items(c), +1)
    return int(cur.lastrowid or 0)


def counted_items(c: Consultation) -> list[tuple[str, str]]:
    """What one consultation adds to the daily counts (each item once)."""
    items = [("all", ""), ("district", c.district or UNKNOWN_ITEM), ("size", c.size_class or UNKNOWN_ITEM),
             ("adviser", c.adviser or UNKNOWN_ITEM), ("version", c.data_version or UNKNOWN_ITEM)]
    items += [("industry", i) for i in dict.fromkeys(c.industries or [UNKNOWN_ITEM]) if isinstance(i, str)]
    for kind, values in (("applies", c.applies), ("maybe", c.maybe), ("unsure", c.unsure)):
        items += [(kind, v) for v in dict.fromkeys(values) if isinstance(v, str)]
    labels = [w.get("label") for w in c.whatif if isinstance(w, dict)]
    items += [("whatif", label) for label in labels if isinstance(label, str)]  # every suggestion made counts
    return items


def _count(conn: sqlite3.Connection, day: str, items: list[tuple[str, str]], sign: int) -> None:
    totals: dict[tuple[str, str], int] = {}
    for item in items:
        totals[item] = totals.get(item, 0) + sign
    conn.executemany("INSERT INTO daily_counts VALUES (?,?,?,?) ON CONFLICT (kind, item, day) DO UPDATE SET n = n + excluded.n",
                     [(day, kind, item, n) for (kind, item), n in totals.items()])


def _rebuild_counts(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM daily_counts")
    for row in conn.execute("SELECT * FROM consultations").fetchall():
        c = Consultation.from_row(row)
        _count(conn, c.recorded_at[:10], counted_items(c), +1)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_dev)


def _range(since: dt.date | None, until: dt.date | None) -> tuple[str, list[str]]:
    clauses, args = [], []
    if since is not None:
        clauses.append("recorded_at >= ?")
        args.append(since.isoformat())
    if until is not None:
        clauses.append("recorded_at < ?")
        args.append((until + dt.timedelta(days=1)).isoformat())
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", args


def _salvage(conn: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> list[tuple]:
    """Every row of ``table`` that can still be read, one rowid at a time around damaged pages."""
    try:
        top = _max_rowid(conn, table)
    except sqlite3.Error:
        return []
    out = []
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE rowid = ?"
    for rowid in range(1, top + 1):
        try:
            row = conn.execute(sql, (rowid,)).fetchone()
        except sqlite3.Error:
            continue
        if row is not None:
            out.append(tuple(row))
    return out


def _max_rowid(conn: sqlite3.Connection, table: str) -> int:
    """The largest rowid ever used: AUTOINCREMENT's counter if readable, else max(rowid), else a scan."""
    best = 0
    for sql in ("SELECT seq FROM sqlite_sequence WHERE name = ?", f"SELECT max(rowid) FROM {table} WHERE ? IS NOT NULL"):
        try:
            row = conn.execute(sql, (table,)).fetchone()
            if row and isinstance(row[0], int):
                best = max(best, row[0])
        except sqlite3.Error:
            continue
    if best == 0:
        conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchall()  # raises if the table is unreadable
    return best


# --------------------------------------------------------------------------- building a record


def consultation_from_report(report, *, company: str | None = None, profile_path: Path | None = None,
                             unsure: Iterable[str] = (), unlocks: Iterable[Any] | None = None,
                             adviser: str | None = None, origin: str = "window",
                             when: dt.datetime | None = None, questionnaire: Any = None) -> tuple[Consultation, dict[str, dict[str, str]]]:
    """A record (and the labels it needs) from a :class:`desktop.service.MatchReport`.

    ``unsure`` is the profile's ``_unsure`` list; ``unlocks`` the what-if suggestions shown (None
    when none were shown); ``questionnaire`` gives the question texts the statistics show.
    """
    profile = dict(report.profile)
    facts_unsure = [f for f in unsure if isinstance(f, str)]
    # Programme-level directions (鼓励/支持) are never "applicable" to a company: not counted here.
    applies = [r.id for r in report.results if r.status == "applies" and not r.measure.programme_level]
    maybe = [r.id for r in report.results if r.status == "maybe" and not r.measure.programme_level]
    whatif = [{"fact": u.fact, "value": u.value, "label": u.label, "measures": [r.id for r in u.measures]}
              for u in (unlocks or [])]
    raw_industries = profile.get("industries")
    industries: list[Any] = raw_industries if isinstance(raw_industries, list) else []
    size = report.derived.get("enterprise_size") if isinstance(report.derived, dict) else None
    size = size or profile.get("enterprise_size")
    record = Consultation(
        recorded_at=(when or dt.datetime.now()).replace(microsecond=0).isoformat(),
        company=(company if company is not None else str(profile.get("name") or "")).strip() or NO_NAME,
        profile_path=str(Path(profile_path).resolve()) if profile_path else None,
        as_of=report.as_of.isoformat(), data_version=report.meta.get("data_version"),
        adviser=(adviser or "").strip() or None, origin=origin,
        district=profile.get("district") if isinstance(profile.get("district"), str) else None,
        size_class=size if isinstance(size, str) else None,
        industries=[i for i in industries if isinstance(i, str)],
        profile={k: v for k, v in profile.items() if k != "name"},
        counts=report.counts(), applies=applies, maybe=maybe, unsure=facts_unsure, whatif=whatif)
    labels = label_catalogue(questionnaire) if questionnaire is not None else {}
    labels["measure"] = {r.id: r.measure.title for r in report.results if r.status in ("applies", "maybe")}
    return record, labels


def label_catalogue(questionnaire) -> dict[str, dict[str, str]]:
    """Question texts and choice labels the statistics show (kept with the records)."""
    out: dict[str, dict[str, str]] = {"fact": {q.fact: q.text for q in questionnaire.questions}}
    industries = questionnaire.facts.get("industries")
    if industries is not None and getattr(industries, "choices", None):
        out["industry"] = dict(industries.choices)
    size = questionnaire.facts.get("enterprise_size")
    if size is not None and getattr(size, "choices", None):
        out["size"] = dict(size.choices)
    return out
