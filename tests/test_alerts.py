"""Client alerts: measures closing soon for saved clients, and clients a new data version changes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.session import alerts as al
from desktop.session.profiles_store import ProfileStore

ROOT = Path(__file__).resolve().parent.parent
EVALUATED = dt.date(2022, 10, 15)
CIT_HALVING = "smeh-cit-halving-extension"  # 减半征收企业所得税优惠延长至2022年底, valid_to 2022-12-31
SMALL = {"name": "海淀小型科技有限公司", "district": "海淀区", "ownership": "private", "employees": 20,
         "annual_revenue_wan": 800, "industries": ["software_it"]}
LARGE = {"name": "朝阳大型制造集团", "district": "朝阳区", "ownership": "private", "employees": 3000,
         "annual_revenue_wan": 900000, "total_assets_wan": 1000000, "industries": ["manufacturing"]}


@pytest.fixture()
def clients(tmp_path):
    store = ProfileStore(tmp_path / "data")
    store.profiles_dir.mkdir(parents=True)
    for profile in (SMALL, LARGE):
        (store.profiles_dir / f"{profile['name']}.json").write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    (store.profiles_dir / "坏档案.json").write_text("{", encoding="utf-8")
    return store


def test_the_measure_is_real_and_ends_on_2022_12_31(engine):
    m = engine.by_id[CIT_HALVING]
    assert m.valid_to == "2022-12-31" and "减半征收企业所得税" in m.title


def test_expiring_within_90_days_for_the_small_company_only(clients, policy_data):
    paths = al.saved_client_paths(clients)
    found, problems = al.expiring(policy_data, paths, EVALUATED, 90)
    by_company = {a.company: a for a in found}
    assert SMALL["name"] in by_company and LARGE["name"] not in by_company
    note = next(n for n in by_company[SMALL["name"]].expiring if n.id == CIT_HALVING)
    assert note.valid_to == "2022-12-31" and note.days_left == 77 and note.status in ("applies", "maybe")
    assert note.clause == "一、1." and "减半征收企业所得税" in note.quote
    assert policy_data.engine.evaluate(LARGE, EVALUATED) and all(
        r.status == "not_applicable" for r in policy_data.engine.evaluate(LARGE, EVALUATED) if r.id == CIT_HALVING)
    assert len(problems) == 1 and "坏档案.json" in problems[0]
    # outside the window: 30 days ahead, or after the end
    assert not any(n.id == CIT_HALVING for a in al.expiring(policy_data, paths, EVALUATED, 30)[0] for n in a.expiring)
    assert not any(n.id == CIT_HALVING for a in al.expiring(policy_data, paths, dt.date(2023, 1, 2), 90)[0]
                   for n in a.expiring)


def test_cli_alerts_json_text_csv(clients, monkeypatch, capsys, db_path, tmp_path):
    monkeypatch.setenv("POLICY_DESK_DATA", str(clients.base))
    base = ["--db", str(db_path), "alerts", "--as-of", "2022-10-15", "--within", "90"]
    assert main(base + ["--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["within_days"] == 90 and out["clients"] == 3
    assert [a["company"] for a in out["expiring"]] == [SMALL["name"]]
    assert CIT_HALVING in [n["id"] for n in out["expiring"][0]["expiring"]]
    assert main(base + ["--format", "text"]) == 0
    text = capsys.readouterr().out
    assert SMALL["name"] in text and "还剩 77 天" in text and "一、1." in text and LARGE["name"] not in text
    assert main(base + ["--format", "csv", "--out", str(tmp_path / "a.csv")]) == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["惠企政策通 客户提醒", "截至 2022-10-15，90 天内到期"]
    row = next(r for r in rows if len(r) > 2 and r[2] == CIT_HALVING)
    assert row[0] == "即将到期" and row[1] == SMALL["name"] and row[6] == "2022-12-31" and row[7] == "77"
    assert main(base[:-2] + ["--within", "-1"]) == 2


def _modified_copy(db_path: Path, folder: Path, measure_id: str, **changes) -> Path:
    """policies.db with one measure row edited, as a new data pack would bring."""
    new = folder / "new.db"
    shutil.copy(db_path, new)
    conn = sqlite3.connect(new)
    record = json.loads(conn.execute("SELECT record FROM measures WHERE id = ?", (measure_id,)).fetchone()[0])
    record.update(changes)
    conn.execute("UPDATE measures SET record = ?, valid_to = ? WHERE id = ?",
                 (json.dumps(record, ensure_ascii=False), record["valid_to"], measure_id))
    conn.execute("UPDATE meta SET value = '2099.1.1' WHERE key = 'data_version'")
    conn.commit()
    conn.close()
    return new


def test_a_changed_measure_reports_exactly_the_affected_clients(clients, policy_data, db_path, tmp_path):
    # the new data says the halving ended on 2022-06-30: clients who had it now see it expired
    retail = json.loads((ROOT / "examples" / "retail_pharmacy.json").read_text(encoding="utf-8"))
    software = json.loads((ROOT / "examples" / "software_sme_haidian.json").read_text(encoding="utf-8"))
    for p in (retail, software):
        (clients.profiles_dir / f"{p['name']}.json").write_text(json.dumps(p, ensure_ascii=False), encoding="utf-8")
    new_db = _modified_copy(db_path, tmp_path, CIT_HALVING, valid_to="2022-06-30")
    paths = al.saved_client_paths(clients)
    report = al.compare_databases(db_path, new_db, paths, EVALUATED)

    had_it = {p["name"] for p in (SMALL, LARGE, retail, software)
              if next(r for r in policy_data.engine.evaluate(p, EVALUATED) if r.id == CIT_HALVING).status
              in ("applies", "maybe")}
    assert SMALL["name"] in had_it and LARGE["name"] not in had_it
    assert {c["company"] for c in report["clients"]} == had_it
    for c in report["clients"]:
        assert [n["id"] for n in c["expired"]] == [CIT_HALVING] and c["gained"] == [] and c["lost"] == []
        assert c["expired"][0]["status"] == "expired" and c["expired"][0]["clause"] == "一、1."
    assert report["unchanged"] == 4 - len(had_it)
    assert report["from_version"] == policy_data.meta["data_version"] and report["to_version"] == "2099.1.1"


def test_gained_and_lost_with_the_clause(clients, db_path, tmp_path):
    # a measure only 大型 companies lose, and one the small company gains: condition edits
    new_db = _modified_copy(db_path, tmp_path, CIT_HALVING, when={"district": "朝阳区"})
    report = al.compare_databases(db_path, new_db, al.saved_client_paths(clients), EVALUATED)
    by = {c["company"]: c for c in report["clients"]}
    # before: small SME (haidian) had it, large did not. after: only 朝阳区 companies have it.
    assert [n["id"] for n in by[SMALL["name"]]["lost"]] == [CIT_HALVING]
    assert by[SMALL["name"]]["lost"][0]["before"] in ("applies", "maybe")
    assert [n["id"] for n in by[LARGE["name"]]["gained"]] == [CIT_HALVING]
    assert by[LARGE["name"]]["gained"][0]["quote"].startswith("减半征收企业所得税")


def test_import_watch_keeps_the_comparison_for_the_window_and_the_cli(clients, db_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_DESK_CACHE", str(tmp_path / "cache"))
    old_copy = tmp_path / "in-use.db"
    shutil.copy(db_path, old_copy)
    new_db = _modified_copy(db_path, tmp_path, CIT_HALVING, valid_to="2022-06-30")
    with al.ImportWatch(old_copy, data_folder=clients.base, as_of=EVALUATED) as watch:
        old_copy.unlink()  # the import replaces the file in use: the snapshot must not need it
        note = watch.finish(new_db)
        snapshot = watch.snapshot
    assert "有 1 位已保存客户" in note and snapshot is not None and not snapshot.exists()
    assert not list((tmp_path / "cache").glob("before-import-*"))
    saved = clients.records.latest_data_change()
    assert saved["to_version"] == "2099.1.1" and [c["company"] for c in saved["clients"]] == [SMALL["name"]]
    monkeypatch.setenv("POLICY_DESK_DATA", str(clients.base))
    assert main(["--db", str(new_db), "alerts", "--as-of", "2022-10-15", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["company"] for c in out["data_changes"]["clients"]] == [SMALL["name"]]
    # under the new data the halving has already ended: no longer "closing soon"
    assert CIT_HALVING not in [n["id"] for a in out["expiring"] for n in a["expiring"]]


def test_clients_saved_outside_the_profiles_folder_count_once(clients, tmp_path):
    elsewhere = tmp_path / "desk" / "客户.json"
    elsewhere.parent.mkdir()
    elsewhere.write_text(json.dumps(SMALL | {"name": "别处保存的公司"}, ensure_ascii=False), encoding="utf-8")
    clients.record("别处保存的公司", elsewhere, EVALUATED)
    clients.record("别处保存的公司", elsewhere, EVALUATED)
    clients.record("已删除的档案", tmp_path / "gone.json", EVALUATED)  # no longer on disk: not a client
    inside = clients.profiles_dir / f"{SMALL['name']}.json"
    clients.record(SMALL["name"], inside, EVALUATED)
    paths = al.saved_client_paths(clients)
    assert sorted(p.name for p in paths) == sorted(["客户.json", f"{SMALL['name']}.json", f"{LARGE['name']}.json",
                                                    "坏档案.json"])
