"""The consultation records: append-only SQLite store, shared by 最近咨询, statistics and alerts."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from desktop.session.profiles_store import ProfileStore
from desktop.session.records import RecordsError, RecordStore, consultation_from_report, Consultation

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
DAY = dt.date(2022, 10, 15)
SMALL = {"name": "海淀小型科技有限公司", "district": "海淀区", "employees": 20, "annual_revenue_wan": 800,
         "industries": ["software_it"], "ownership": "private"}


def _record(n: int, **extra) -> Consultation:
    return Consultation(recorded_at=f"2026-01-01T00:00:{n % 60:02d}", company=f"公司{n}", counts={"applies": n}, **extra)


def test_full_record_keeps_measures_unsure_whatif_and_adviser(tmp_path, policy_data):
    from desktop.rules.whatif import what_if

    report = policy_data.match(SMALL, DAY)
    unlocks = what_if(policy_data.engine, SMALL, DAY, report.results)
    store = ProfileStore(tmp_path)
    store.record(SMALL["name"], tmp_path / "p.json", DAY, report=report, unsure=["has_rd_spending"],
                 unlocks=unlocks, adviser="王老师")
    (c,) = store.records.consultations()
    assert c.company == SMALL["name"] and c.as_of == "2022-10-15" and c.adviser == "王老师"
    assert c.data_version == policy_data.meta["data_version"]
    assert c.applies == [r.id for r in report.results if r.status == "applies" and not r.measure.programme_level] and c.applies
    assert c.maybe == [r.id for r in report.results if r.status == "maybe" and not r.measure.programme_level]
    assert c.counts == report.counts() and c.unsure == ["has_rd_spending"]
    assert c.district == "海淀区" and c.size_class == "small" and c.industries == ["software_it"]
    assert "name" not in c.profile and c.profile["employees"] == 20  # the name lives in one column only
    assert [w["label"] for w in c.whatif] == [u.label for u in unlocks]
    assert store.records.labels()["measure"][c.applies[0]] == policy_data.engine.by_id[c.applies[0]].title


def test_history_json_is_migrated_once_and_kept_as_bak(tmp_path):
    old = [{"when": "2026-03-02T10:00:00", "company": "乙公司", "path": "/x/b.json", "as_of": "2026-03-01",
            "counts": {"applies": 2}},
           {"when": "2026-03-01T09:00:00", "company": "甲公司", "path": None, "as_of": None, "counts": {}}]
    (tmp_path / "history.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    store = ProfileStore(tmp_path)
    assert [e.company for e in store.history()] == ["乙公司", "甲公司"]
    assert store.history()[0].counts == {"applies": 2} and store.history()[0].path == "/x/b.json"
    assert not (tmp_path / "history.json").exists()
    assert json.loads((tmp_path / "history.json.bak").read_text(encoding="utf-8")) == old
    assert any("history.json.bak" in n for n in store.records.notices)
    # a history.json appearing again (an old version of the program ran) is not merged twice
    (tmp_path / "history.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert RecordStore(tmp_path).count() == 2


def test_two_processes_recording_100_each_keep_all_200(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from desktop.session.records import RecordStore, Consultation
        store = RecordStore(sys.argv[1])
        for i in range(100):
            store.add(Consultation(recorded_at="2026-01-01T00:00:00", company=sys.argv[2] + str(i)))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path), who]) for who in ("甲", "乙")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    names = {c.company for c in RecordStore(tmp_path).consultations()}
    assert len(names) == 200 and {f"甲{i}" for i in range(100)} <= names and {f"乙{i}" for i in range(100)} <= names


def test_a_flipped_byte_keeps_every_readable_record_and_moves_the_file_aside(tmp_path):
    store = RecordStore(tmp_path)
    for n in range(300):
        store.add(_record(n, profile={"notes": "x" * 600}))
    path = tmp_path / "records.db"
    conn = sqlite3.connect(path)
    leaves = [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = 'consultations' AND pagetype = 'leaf' "
                                         "ORDER BY pageno")]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert not (tmp_path / "records.db-wal").exists() or (tmp_path / "records.db-wal").stat().st_size == 0
    victim = leaves[len(leaves) // 2]
    raw = bytearray(path.read_bytes())
    raw[(victim - 1) * page_size] ^= 0xFF  # the page-type byte of one leaf page
    path.write_bytes(bytes(raw))
    # what an independent reader can still get out of the damaged file, row by row
    damaged = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    readable = set()
    for rowid in range(1, 301):
        try:
            if damaged.execute("SELECT company FROM consultations WHERE rowid = ?", (rowid,)).fetchone():
                readable.add(f"公司{rowid - 1}")
        except sqlite3.DatabaseError:
            pass
    damaged.close()
    assert 200 < len(readable) < 300  # one page really is lost

    rescued = RecordStore(tmp_path)
    kept = rescued.consultations()
    assert {c.company for c in kept} == readable
    assert all(c.profile == {"notes": "x" * 600} for c in kept)
    aside = [p for p in tmp_path.glob("records.db.damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1 and aside[0].read_bytes()[:16] == b"SQLite format 3\x00"
    assert rescued.notices and aside[0].name in rescued.notices[0] and str(len(readable)) in rescued.notices[0]
    from desktop.session.stats import compute

    assert compute(rescued)["consultations"] == len(readable)  # the per-day counts were rebuilt too
    rescued.add(_record(999))  # the fresh store takes new records
    assert RecordStore(tmp_path).count() == len(readable) + 1


def test_two_processes_meeting_a_damaged_store_keep_everything_readable(tmp_path):
    store = RecordStore(tmp_path)
    store.add_many([_record(n, profile={"notes": "y" * 600}) for n in range(300)])
    path = tmp_path / "records.db"
    conn = sqlite3.connect(path)
    victim = conn.execute("SELECT pageno FROM dbstat WHERE name = 'consultations' AND pagetype = 'leaf' "
                          "ORDER BY pageno LIMIT 1 OFFSET 20").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    raw = bytearray(path.read_bytes())
    raw[(victim - 1) * page_size] ^= 0xFF
    path.write_bytes(bytes(raw))
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from desktop.session.records import RecordStore, Consultation
        RecordStore(sys.argv[1]).add(Consultation(recorded_at="2026-02-01T00:00:00", company=sys.argv[2]))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path), who]) for who in ("甲", "乙")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    names = [c.company for c in RecordStore(tmp_path).consultations()]
    assert "甲" in names and "乙" in names
    assert 280 < len(names) - 2 < 300 and len(set(names)) == len(names)


def test_a_garbage_file_is_moved_aside_not_overwritten(tmp_path):
    (tmp_path / "records.db").write_bytes(b"not a database at all" * 100)
    store = ProfileStore(tmp_path)
    assert store.history() == []
    assert sorted(tmp_path.glob("records.db.damaged-*"))[0].read_bytes() == b"not a database at all" * 100
    store.record("丙公司", None, None)
    assert [e.company for e in store.history()] == ["丙公司"]


def test_a_locked_or_unopenable_store_is_an_error_and_changes_nothing(tmp_path, monkeypatch):
    from desktop.session import records
    from desktop.session.profiles_store import StoreError

    store = RecordStore(tmp_path)
    store.add(_record(1))
    before = (tmp_path / "records.db").read_bytes()
    monkeypatch.setattr(records, "BUSY_TIMEOUT_SECONDS", 0)
    holder = sqlite3.connect(tmp_path / "records.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another window in the middle of a write
    try:
        with pytest.raises(RecordsError, match="稍后重试"):
            RecordStore(tmp_path).add(_record(2))
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    def refuse(*_a, **_k):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(records.sqlite3, "connect", refuse)  # e.g. a momentary permission error
    profiles = ProfileStore(tmp_path)
    assert profiles.history() == [] and "无法打开" in profiles.history_error
    with pytest.raises(StoreError):
        profiles.record("乙公司", None, None)
    monkeypatch.undo()
    assert (tmp_path / "records.db").read_bytes() == before
    assert [c.company for c in RecordStore(tmp_path).consultations()] == ["公司1"]
    assert not list(tmp_path.glob("*.damaged-*"))


def test_purge_removes_only_older_records(tmp_path):
    store = RecordStore(tmp_path)
    now = dt.datetime(2026, 6, 1, 12, 0)
    for days in (400, 200, 10, 0):
        store.add(Consultation(recorded_at=(now - dt.timedelta(days=days)).isoformat(), company=f"{days}天前"))
    assert store.purge(180, now=now) == 2
    assert [c.company for c in store.consultations()] == ["10天前", "0天前"]
    assert b"400\xe5\xa4\xa9" not in (tmp_path / "records.db").read_bytes()  # wiped, not just unlinked


def test_record_from_report_without_what_if_records_none(policy_data):
    report = policy_data.match(SMALL, DAY)
    record, _ = consultation_from_report(report)
    assert record.whatif == [] and record.company == SMALL["name"] and record.origin == "window"


def test_cli_reports_a_rescued_store(tmp_path, monkeypatch, capsys):
    from desktop.cli import main

    monkeypatch.setenv("POLICY_DESK_DATA", str(tmp_path))
    (tmp_path / "records.db").write_bytes(b"garbage" * 100)
    assert main(["records"]) == 0
    err = capsys.readouterr().err
    assert "已损坏" in err and "records.db.damaged-" in err
    assert list(tmp_path.glob("records.db.damaged-*"))
