"""Statistics over recorded consultations: counts, CSV and Excel exports, no company names."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.session import stats as st
from desktop.session.records import RecordStore, consultation_from_report
from desktop.rules.whatif import what_if

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["software_sme_haidian", "small_manufacturer", "catering_chain_prepaid", "retail_pharmacy"]
# (example, recorded on, 不确定 answers, what-if shown, adviser)
VISITS = [
    ("software_sme_haidian", dt.datetime(2026, 3, 2, 9), ["has_rd_spending"], True, "王老师"),
    ("small_manufacturer", dt.datetime(2026, 3, 3, 10), ["has_rd_spending", "pays_housing_fund"], True, "王老师"),
    ("catering_chain_prepaid", dt.datetime(2026, 3, 12, 15), [], False, "李老师"),
    ("software_sme_haidian", dt.datetime(2026, 3, 20, 11), ["pays_housing_fund"], False, None),
    ("retail_pharmacy", dt.datetime(2026, 4, 1, 8), [], False, "李老师"),
]
AS_OF = dt.date(2026, 3, 1)


def _profile(name: str) -> dict:
    return json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory, policy_data):
    folder = tmp_path_factory.mktemp("records")
    store = RecordStore(folder)
    reports = []
    for name, when, unsure, show_whatif, adviser in VISITS:
        profile = _profile(name)
        report = policy_data.match(profile, AS_OF)
        unlocks = what_if(policy_data.engine, profile, AS_OF, report.results) if show_whatif else None
        record, labels = consultation_from_report(report, profile_path=folder / f"{name}.json", unsure=unsure,
                                                  unlocks=unlocks, adviser=adviser, when=when,
                                                  questionnaire=policy_data.questionnaire)
        store.add(record, labels)
        reports.append((report, unlocks))
    return store, reports


def _companies() -> list[str]:
    return [_profile(n)["name"] for n in EXAMPLES]


def test_counts_by_period_place_industry_size(recorded):
    store, reports = recorded
    s = st.compute(store, current_data_version="9.9.9")
    assert s["consultations"] == 5 and s["data_version"] == "9.9.9"
    assert {d["key"]: d["count"] for d in s["by_district"]} == {"海淀区": 2, "大兴区": 1, "朝阳区": 1, "通州区": 1}
    industries = {d["key"]: d["count"] for d in s["by_industry"]}
    assert industries["software_it"] == 2 and industries["artificial_intelligence"] == 2
    assert industries["catering"] == 1 and industries["retail"] == 1 and industries["manufacturing"] == 1
    assert next(d for d in s["by_industry"] if d["key"] == "software_it")["label"] == "软件和信息技术服务"
    assert sum(d["count"] for d in s["by_size"]) == 5
    sizes = [r.derived.get("enterprise_size") for r, _ in reports]
    assert {d["key"]: d["count"] for d in s["by_size"]} == {k or st.UNKNOWN_SIZE: sizes.count(k) for k in sizes}
    # weeks: 3-02 and 3-03 share a week; 3-12, 3-20 and 4-01 each another; the empty week of 3-23 is kept
    assert [(w["key"], w["count"]) for w in s["by_week"]] == [
        ("2026-03-02", 2), ("2026-03-09", 1), ("2026-03-16", 1), ("2026-03-23", 0), ("2026-03-30", 1)]
    assert [(m["key"], m["count"]) for m in s["by_month"]] == [("2026-03", 4), ("2026-04", 1)]
    assert {d["key"]: d["count"] for d in s["by_adviser"]} == {"王老师": 2, "李老师": 2, st.UNKNOWN: 1}


def test_measures_unsure_and_whatif_counts(recorded, policy_data):
    store, reports = recorded
    s = st.compute(store)
    expected_applies = {}
    for report, _ in reports:
        for r in report.results:
            if r.status == "applies" and not r.measure.programme_level:
                expected_applies[r.id] = expected_applies.get(r.id, 0) + 1
    top = s["applies_top"][0]
    assert top["count"] == max(expected_applies.values()) == expected_applies[top["key"]]
    assert {d["key"]: d["count"] for d in s["applies_top"]} == {
        k: v for k, v in expected_applies.items() if k in {d["key"] for d in s["applies_top"]}}
    assert top["label"] == policy_data.engine.by_id[top["key"]].title
    maybe = {}
    for report, _ in reports:
        for r in report.results:
            if r.status == "maybe" and not r.measure.programme_level:
                maybe[r.id] = maybe.get(r.id, 0) + 1
    assert s["maybe_top"][0]["count"] == max(maybe.values())
    assert {d["key"]: d["count"] for d in s["unsure_top"]} == {"has_rd_spending": 2, "pays_housing_fund": 2}
    assert s["unsure_top"][0]["label"] == policy_data.questionnaire.label(s["unsure_top"][0]["key"])
    shown = [u.label for _, unlocks in reports for u in (unlocks or [])]
    assert shown and s["whatif_suggestions"] == len(shown)
    assert {d["key"]: d["count"] for d in s["whatif_top"]} == {label: shown.count(label) for label in set(shown)}


def test_date_range_filters(recorded):
    store, _ = recorded
    s = st.compute(store, since=dt.date(2026, 3, 3), until=dt.date(2026, 3, 20))
    assert s["consultations"] == 3
    assert s["range"] == {"since": "2026-03-03", "until": "2026-03-20", "first_record": "2026-03-03",
                          "last_record": "2026-03-20"}
    assert st.compute(store, since=dt.date(2027, 1, 1))["consultations"] == 0


def test_csv_and_xlsx_carry_range_and_version_and_no_company(recorded, tmp_path):
    from openpyxl import load_workbook

    store, _ = recorded
    s = st.compute(store, since=dt.date(2026, 3, 1), until=dt.date(2026, 3, 31), current_data_version="2026.11.1")
    st.write_csv(s, tmp_path / "s.csv")
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert ["统计区间", "2026-03-01 至 2026-03-31"] in rows and ["当前政策数据版本", "2026.11.1"] in rows
    assert ["咨询次数", "4"] in rows
    assert ["按区", "海淀区", "", "2"] in rows and ["按周", "2026-03-23", "2026年第13周", "0"] in rows
    rd_label = next(d["label"] for d in s["unsure_top"] if d["key"] == "has_rd_spending")
    assert ["最常回答“不确定”的问题", "has_rd_spending", rd_label, "2"] in rows

    st.write_xlsx(s, tmp_path / "s.xlsx")
    wb = load_workbook(tmp_path / "s.xlsx")
    overview = [tuple(c for c in row if c is not None) for row in wb["概况"].iter_rows(values_only=True)]
    assert ("统计区间", "2026-03-01 至 2026-03-31") in overview and ("当前政策数据版本", "2026.11.1") in overview
    assert ("咨询次数", 4) in overview
    district = list(wb["按区"].iter_rows(values_only=True))
    assert "2026-03-01 至 2026-03-31" in district[0][0] and "2026.11.1" in district[0][0]
    assert ("海淀区", None, 2) in district
    weeks = list(wb["按周"].iter_rows(values_only=True))
    assert ("2026-03-02", "2026年第10周", 2) in weeks

    everything = raw.decode("utf-8-sig") + json.dumps(s, ensure_ascii=False)
    with zipfile.ZipFile(tmp_path / "s.xlsx") as z:
        everything += "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    for company in _companies():
        assert company not in everything
    assert "examples" not in everything and ".json" not in everything  # no profile paths either


def test_cli_stats_json_csv_xlsx(recorded, tmp_path, monkeypatch, capsys):
    store, _ = recorded
    monkeypatch.setenv("POLICY_DESK_DATA", str(store.folder))
    assert main(["stats", "--since", "2026-03-01", "--until", "2026-03-10", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["consultations"] == 2 and out["range"]["until"] == "2026-03-10"
    assert main(["stats", "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert "咨询次数,5" in text and not any(c in text for c in _companies())
    assert main(["stats", "--format", "xlsx", "--out", str(tmp_path / "o.xlsx")]) == 0
    assert (tmp_path / "o.xlsx").stat().st_size > 1000
    assert main(["stats", "--format", "xlsx"]) == 2  # needs --out: a message, no traceback
    assert "--out" in capsys.readouterr().err
    assert main(["stats", "--since", "2026-05-01", "--until", "2026-04-01"]) == 2


def test_match_record_from_the_command_line(tmp_path, monkeypatch, capsys, db_path):
    monkeypatch.setenv("POLICY_DESK_DATA", str(tmp_path))
    (tmp_path / "settings.ini").write_text("[General]\nofficer=赵老师\n", encoding="utf-8")
    profile = _profile("software_sme_haidian") | {"_unsure": ["pays_housing_fund"]}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", str(db_path), "match", str(path), "--as-of", "2026-03-01", "--format", "json",
                 "--record", "--what-if"]) == 0
    shown = json.loads(capsys.readouterr().out)
    (c,) = RecordStore(tmp_path).consultations()
    assert c.origin == "cli" and c.adviser == "赵老师" and c.unsure == ["pays_housing_fund"]
    assert c.applies == [r["id"] for r in shown["results"] if r["status"] == "applies" and not r["programme_level"]]
    assert [w["label"] for w in c.whatif] == [u["label"] for u in shown["unlocks"]]
    assert c.profile_path == str(path.resolve()) and c.as_of == "2026-03-01"


def test_cli_records_purge(tmp_path, monkeypatch, capsys):
    from desktop.session.records import Consultation

    monkeypatch.setenv("POLICY_DESK_DATA", str(tmp_path))
    store = RecordStore(tmp_path)
    store.add(Consultation(recorded_at="2020-01-01T00:00:00", company="旧"))
    store.add(Consultation(recorded_at=dt.datetime.now().replace(microsecond=0).isoformat(), company="新"))
    assert main(["records", "purge", "--older-than", "30"]) == 0
    assert "1 条" in capsys.readouterr().out
    assert [c.company for c in RecordStore(tmp_path).consultations()] == ["新"]
    assert main(["records", "purge"]) == 2
