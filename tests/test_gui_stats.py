"""The 咨询台 menu: statistics dialog and client alerts panel, with example data; their screenshots.

Screenshots go to artifacts/screenshots/ (or POLICY_DESK_SCREENSHOTS, e.g. docs/screenshots).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import zipfile
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from records_sample import example_profiles, fill
from test_gui_support import gui_app, make_window, messages, window  # noqa: F401

from desktop.session import alerts as al
from desktop.session import stats as st
from desktop.session.profiles_store import ProfileStore

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / os.environ.get("POLICY_DESK_SCREENSHOTS", "artifacts/screenshots")
CIT_HALVING = "smeh-cit-halving-extension"
TODAY = dt.date(2026, 11, 30)


def _companies() -> list[str]:
    return [p["name"] for p in example_profiles()]


def test_desk_menu_sits_before_help(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("咨询台(&D)") == titles.index("帮助(&H)") - 1
    assert window.act_stats.text().startswith("咨询统计") and window.act_alerts.text().startswith("客户提醒")


def test_statistics_dialog_charts_filter_export_and_purge(qtbot, gui_app, tmp_path, policy_data, messages):
    from desktop.gui.stats_view import StatsDialog

    store = ProfileStore(tmp_path / "data")
    fill(store.records, policy_data, 160, dt.date(2026, 9, 1), 90)
    dialog = StatsDialog(store.records, policy_data.meta["data_version"], today=TODAY)
    qtbot.addWidget(dialog)
    dialog.set_range(dt.date(2026, 9, 1), TODAY)
    expected = st.compute(store.records, dt.date(2026, 9, 1), TODAY)
    assert dialog.stats["consultations"] == expected["consultations"] == 160
    assert dialog.timeline.weeks == [(w["key"], w["count"]) for w in expected["by_week"]]
    assert sum(n for _, n in dialog.timeline.weeks) == 160
    assert dialog.charts["by_district"].items == [(d["label"], d["count"]) for d in expected["by_district"]][:10]
    assert "160" in dialog.summary.text()

    dialog.set_range(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    october = st.compute(store.records, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert 0 < dialog.stats["consultations"] == october["consultations"] < 160

    dialog.resize(1200, 900)
    dialog.show()
    OUT.mkdir(parents=True, exist_ok=True)
    dialog.set_range(dt.date(2026, 9, 1), TODAY)
    assert dialog.grab().save(str(OUT / "stats.png"))

    assert dialog.export_to(tmp_path / "s.csv", "csv") and dialog.export_to(tmp_path / "s.xlsx", "xlsx")
    text = (tmp_path / "s.csv").read_text(encoding="utf-8-sig")
    assert ["咨询次数", "160"] in list(csv.reader(io.StringIO(text)))
    with zipfile.ZipFile(tmp_path / "s.xlsx") as z:
        text += "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert not any(company in text for company in _companies())

    # privacy: delete records older than N days (answer Yes to the confirmation)
    messages.answer = QMessageBox.StandardButton.Yes
    dialog.keep_days.setValue((dt.date.today() - dt.date(2026, 10, 1)).days)
    dialog.purge_button.click()
    remaining = st.compute(store.records)
    assert remaining["range"]["first_record"] >= "2026-10-01" and 0 < remaining["consultations"] < 160
    assert any("已删除" in t for t in messages.texts("information"))


def test_alerts_panel_lists_expiring_and_changed_clients(qtbot, gui_app, tmp_path, policy_data, db_path):
    from desktop.gui.alerts_view import AlertsDialog

    store = ProfileStore(tmp_path / "data")
    store.profiles_dir.mkdir(parents=True)
    for p in example_profiles():
        (store.profiles_dir / f"{p['name']}.json").write_text(json.dumps(p, ensure_ascii=False), encoding="utf-8")
    new_db = tmp_path / "new.db"
    shutil.copy(db_path, new_db)
    conn = sqlite3.connect(new_db)
    record = json.loads(conn.execute("SELECT record FROM measures WHERE id = ?", (CIT_HALVING,)).fetchone()[0])
    record["valid_to"] = "2022-06-30"
    conn.execute("UPDATE measures SET record = ?, valid_to = ? WHERE id = ?",
                 (json.dumps(record, ensure_ascii=False), "2022-06-30", CIT_HALVING))
    conn.execute("UPDATE meta SET value = '2026.12.1' WHERE key = 'data_version'")
    conn.commit()
    conn.close()
    report = al.compare_databases(db_path, new_db, al.saved_client_paths(store), dt.date(2022, 10, 15))
    store.records.add_data_change(report["from_version"], report["to_version"], report)

    dialog = AlertsDialog(policy_data, store, as_of=dt.date(2022, 10, 15))
    qtbot.addWidget(dialog)
    tree = dialog.expiring_tree
    clients = {tree.topLevelItem(i).text(0).split("（")[0]: tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}
    software = "北京智算软件科技有限公司"
    rows = [clients[software].child(j) for j in range(clients[software].childCount())]
    halving = next(r for r in rows if "减半征收企业所得税" in r.text(0))
    assert halving.text(2) == "2022-12-31" and halving.text(3) == "77" and halving.text(4).startswith("一、1.")
    assert dialog.changes_tree.topLevelItemCount() == len(report["clients"]) > 0
    assert "2026.12.1" in dialog.changes_label.text()

    dialog.within.setValue(30)  # nothing of these closes within 30 days of 2022-10-15
    assert dialog.expiring_tree.topLevelItemCount() == 0
    dialog.within.setValue(90)
    assert dialog.export_to(tmp_path / "a.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8-sig"))))
    assert any(r[:3] == ["即将到期", software, CIT_HALVING] and r[6:8] == ["2022-12-31", "77"] for r in rows)
    assert any(r[:3] == ["已失效", software, CIT_HALVING] for r in rows)

    top = dialog.expiring_tree.findItems(software, __import__("PySide6.QtCore").QtCore.Qt.MatchFlag.MatchStartsWith)[0]
    with qtbot.waitSignal(dialog.open_requested) as opened:
        dialog._activated(top.child(0))
    assert opened.args == [str((store.profiles_dir / f"{software}.json").resolve())]

    dialog.resize(1200, 800)
    dialog.show()
    OUT.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(OUT / "alerts.png"))


def test_window_tells_about_a_data_change_once_at_start(qtbot, make_window, tmp_path):
    # what the import path leaves behind before the program restarts (make_window uses tmp_path/userdata)
    ProfileStore(tmp_path / "userdata").records.add_data_change(
        "1", "2", {"clients": [{"company": "甲", "path": "/x.json"}], "unchanged": 0})
    window = make_window(as_of=None)
    qtbot.waitUntil(lambda: "1 位已保存客户" in window.statusBar().currentMessage(), timeout=5000)
    again = make_window(as_of=None)
    qtbot.wait(100)
    assert "已保存客户" not in again.statusBar().currentMessage()  # told once
