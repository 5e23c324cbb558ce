"""Desk workflow through the window: save / open / duplicate, history, prompts, bad files, bad databases,
printing and exporting, settings, About, and the smoke start used by packaging."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop.rules.facts import read_profile_file
from test_gui_support import (  # noqa: F401
    AS_OF, CATERING, drive, gui_app, make_window, messages, window,
)


def _patch_dialogs(monkeypatch, save: str | None = None, open_: str | None = None) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (save or "", "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (open_ or "", "")))


def test_save_and_reopen_gives_identical_results(qtbot, window, policy_data, tmp_path, monkeypatch, messages):
    drive(qtbot, window, CATERING, max_steps=10)
    skipped = list(window.consultation.skipped)
    before = window.results_view.displayed_statuses()
    answers = dict(window.consultation.effective_profile(policy_data.engine))
    path = tmp_path / "京味.json"
    _patch_dialogs(monkeypatch, save=str(path))
    window.act_save.trigger()  # Ctrl+S on an unsaved consultation asks where
    assert path.exists() and not window.consultation.dirty and not window.isWindowModified()
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file is left behind"
    # The file is a plain profile that the command line reads, plus the app's notes.
    assert read_profile_file(path, policy_data.questionnaire) == answers
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["_as_of"] == AS_OF.isoformat() and raw["_unsure"] == skipped

    window.act_new.trigger()
    assert window.consultation.answers == {} and window.questionnaire.name_edit.text() == ""
    assert window.as_of == dt.date.today()

    _patch_dialogs(monkeypatch, open_=str(path))
    window.act_open.trigger()
    assert window.as_of == AS_OF, "the evaluation date of the saved consultation comes back"
    assert window.consultation.effective_profile(policy_data.engine) == answers
    assert window.consultation.skipped == skipped
    assert window.results_view.displayed_statuses() == before
    assert window.questionnaire.name_edit.text() == CATERING["name"]
    assert not messages.shown


def test_corrupt_profile_file_shows_a_message_and_keeps_the_consultation(qtbot, window, tmp_path, messages):
    drive(qtbot, window, CATERING, max_steps=3)
    answers = dict(window.consultation.answers)
    statuses = window.results_view.displayed_statuses()
    bad = tmp_path / "坏档案.json"
    bad.write_text('{"name": "半截', encoding="utf-8")
    assert window.open_profile(bad, confirmed=True) is False
    assert messages.shown and messages.shown[-1][0] == "warning"
    assert "不是有效的 JSON" in messages.shown[-1][2] and "坏档案.json" in messages.shown[-1][2]
    assert window.consultation.answers == answers and window.results_view.displayed_statuses() == statuses
    assert window.isVisible()


@pytest.mark.parametrize("content, words", [
    ('{"employees": "很多"}', "employees"),
    ('{"no_such_fact": true}', "未知字段"),
    ("[1, 2]", "JSON 对象"),
    (b"\xff\xfe\x00garbage", "UTF-8"),
])
def test_invalid_profiles_are_refused_clearly(window, tmp_path, messages, content, words):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    assert window.open_profile(bad, confirmed=True) is False
    assert words in messages.texts("warning")[-1]


def test_failed_save_says_so_and_loses_nothing(qtbot, window, tmp_path, messages):
    drive(qtbot, window, CATERING, max_steps=3)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert window.save_to(blocker / "p.json") is False
    assert messages.texts("critical") and "无法保存" in messages.texts("critical")[-1]
    assert window.consultation.dirty and window.consultation.path is None


def test_new_consultation_asks_before_dropping_unsaved_answers(qtbot, window, messages):
    drive(qtbot, window, CATERING, max_steps=3)
    answers = dict(window.consultation.answers)
    messages.answer = QMessageBox.StandardButton.Cancel
    assert window.new_consultation() is False
    assert window.consultation.answers == answers and messages.texts("question")
    messages.answer = QMessageBox.StandardButton.Discard
    assert window.new_consultation() is True
    assert window.consultation.answers == {} and not window.consultation.dirty
    assert window.questionnaire.question is not None  # the first question again


def test_close_asks_about_unsaved_changes_and_remembers_geometry(qtbot, make_window, messages, tmp_path):
    window = make_window()
    drive(qtbot, window, CATERING, max_steps=2)
    messages.answer = QMessageBox.StandardButton.Cancel
    assert window.close() is False and window.isVisible()
    messages.answer = QMessageBox.StandardButton.Discard
    window.resize(1200, 700)
    window.splitter.setSizes([400, 800])
    assert window.close() is True
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert settings.value("geometry") is not None and settings.value("splitter") is not None
    again = make_window()
    assert (again.width(), again.height()) == (1366, 768)  # the fixture resizes; the restore ran first
    assert again.settings.value("geometry") == settings.value("geometry")


def test_history_lists_saved_consultations(qtbot, window, tmp_path):
    drive(qtbot, window, CATERING, max_steps=3)
    assert window.save_to(tmp_path / "a.json")
    tree = window.history_view.tree
    assert tree.topLevelItemCount() == 1
    row = tree.topLevelItem(0)
    assert row.text(1) == CATERING["name"] and row.text(2) == AS_OF.isoformat()
    assert row.text(0).startswith(dt.date.today().isoformat())
    from desktop.session.records import RecordStore

    recorded = RecordStore(tmp_path / "userdata").consultations()
    assert [r.company for r in recorded] == [CATERING["name"]] and recorded[0].as_of == AS_OF.isoformat()
    results = window.evaluation.report.results
    assert recorded[0].applies == [r.id for r in results if r.status == "applies" and not r.measure.programme_level]
    # opening it again from the list
    window.new_consultation()
    window.history_view.tree.setCurrentItem(row)
    qtbot.mouseClick(window.history_view.open_button, Qt.MouseButton.LeftButton)
    assert window.consultation.company == CATERING["name"]


def test_duplicate_starts_an_unsaved_copy(qtbot, window, tmp_path):
    drive(qtbot, window, CATERING, max_steps=3)
    assert window.save_to(tmp_path / "orig.json")
    answers = dict(window.consultation.answers)
    window.act_duplicate.trigger()
    c = window.consultation
    assert c.path is None and c.dirty and c.company == f"{CATERING['name']}（副本）"
    assert {k: v for k, v in c.answers.items() if k != "name"} == {k: v for k, v in answers.items() if k != "name"}
    assert window.questionnaire.name_edit.text() == c.company


def test_smoke_start_used_by_packaging(db_path, tmp_path, searcher):
    import os

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POLICY_DESK_DATA=str(tmp_path / "data"))
    proc = subprocess.run([sys.executable, "-m", "desktop", "--db", str(db_path), "gui", "--smoke"],
                          capture_output=True, text=True, encoding="utf-8", timeout=180, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("smoke ok:") and "search 预付卡" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_about_shows_data_version_and_build_date(window, messages, policy_data):
    window.act_about.trigger()
    kind, title, text = messages.shown[-1]
    assert kind == "about"
    assert policy_data.meta["data_version"] in text and policy_data.meta["build_date"] in text


def test_standard_shortcuts(window):
    KS = QKeySequence.StandardKey
    for action, key in ((window.act_new, KS.New), (window.act_open, KS.Open), (window.act_save, KS.Save),
                        (window.act_preview, KS.Print), (window.act_find, KS.Find)):
        assert action.shortcut() == QKeySequence(key), action.text()


def test_print_preview_renders_the_checklist_with_the_date(qtbot, window, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from desktop.gui.export import print_report, preview_document

    drive(qtbot, window, CATERING, max_steps=4)
    report = window.evaluation.report
    text = preview_document(report, "王老师", window.evaluation.unlocks).toPlainText()
    assert f"评估日期：{AS_OF.isoformat()}" in text and CATERING["name"] in text and "王老师" in text
    # The preview shows the result model: its first duty and first benefit, not the appendix.
    firsts = [s.items[0] for s in (report.model.section("must_do"), report.model.section("can_apply")) if s.items]
    assert firsts
    for item in firsts:
        assert item.measure.title in text
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "preview.pdf"
    printer.setOutputFileName(str(out))
    print_report(printer, report, None, [])
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 2000
    from desktop.gui.export import open_print_preview

    dialog = open_print_preview(window, report, None, [])  # what Ctrl+P shows (not exec'd offscreen)
    assert AS_OF.isoformat() in dialog.windowTitle()
    dialog.deleteLater()


def test_export_pdf_and_calendar(qtbot, window, tmp_path, messages):
    from desktop.gui import export

    drive(qtbot, window, CATERING, max_steps=4)
    messages.answer = QMessageBox.StandardButton.Close  # do not open the PDF viewer
    pdf = tmp_path / "清单.pdf"
    if export.checklist_writer() is None:
        assert window.export_pdf(pdf) is False
        assert "尚未安装" in messages.texts("warning")[-1]
    else:
        assert window.export_pdf(pdf) is True
        qtbot.waitUntil(lambda: any("清单已生成" in t for t in messages.texts("question")), timeout=60_000)
        assert pdf.read_bytes().startswith(b"%PDF")
        assert not window.progress.isVisible()
    ics = tmp_path / "deadlines.ics"
    if export.calendar_writer() is None:
        assert window.export_ics(ics) is False
        assert "尚未安装" in messages.texts("warning")[-1]
    else:
        assert window.export_ics(ics) is True
        assert ics.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_timeline_and_what_if_views(qtbot, window, policy_data):
    drive(qtbot, window, CATERING, max_steps=6)
    window.show_tab(window.TIMELINE)
    rows = window.timeline_view.canvas.rows
    assert rows and all(r.result.status in ("applies", "maybe") and not r.result.measure.programme_level for r in rows)
    window.show_tab(window.WHATIF)
    unlocks = window.evaluation.unlocks
    assert window.whatif_view.tree.topLevelItemCount() == len(unlocks)
    assert window.right_tabs.tabText(window.WHATIF) == f"可争取的政策（{len(unlocks)}）"


def test_open_after_export_without_a_pdf_viewer_says_so(qtbot, window, tmp_path, messages, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from desktop.gui import export

    if export.checklist_writer() is None:
        pytest.fail("desktop.report is part of the application")
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or False))
    messages.answer = QMessageBox.StandardButton.Open  # "现在打开吗？" → 打开
    pdf = tmp_path / "清单.pdf"
    assert window.export_pdf(pdf) is True
    qtbot.waitUntil(lambda: any("无法打开清单" in t for t in messages.texts("information")), timeout=60_000)
    assert opened and opened[0].toLocalFile() == str(pdf)
    assert str(pdf) in messages.texts("information")[-1] and pdf.exists()


def test_export_dialogs_start_in_the_profiles_folder(window, monkeypatch, messages):
    seen = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, start, *a, **k: seen.append(start) or ("", "")))
    window.export_pdf()
    window.export_ics()
    window.save_as()
    assert len(seen) == 3
    assert all(str(window.store.profiles_dir) == str(Path(s).parent) for s in seen), seen


def test_reader_opens_on_the_first_document(window):
    reader = window.reader_view
    assert reader.doc is not None and reader.doc.id == reader.doc_combo.itemData(0)
    assert reader.text.toPlainText().strip() and reader.doc.title in reader.header.text()
