"""The desk interview in the window: start, midway and done for two examples; 不确定 saved and resumed.

Screenshots go to artifacts/screenshots/ (POLICY_DESK_SCREENSHOTS=docs/screenshots refreshes the
documented copies, docs/gui.md).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.rules.facts import read_profile_file
from desktop.rules.questions import MAX_QUESTIONS
from test_gui_support import gui_app, make_window, messages, set_editor, window  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / os.environ.get("POLICY_DESK_SCREENSHOTS", "artifacts/screenshots")


def _save(window, name: str) -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    OUT.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(OUT / f"{name}.png"))


def _remaining(view) -> int:
    m = re.search(r"待答约 (\d+) 题", view.progress_label.text())
    return int(m.group(1)) if m else 0


def _answer_or_skip(qtbot, window, full: dict) -> str:
    view = window.questionnaire
    q = view.question
    if q.fact in full:
        set_editor(qtbot, view.editor, q, full[q.fact])
        qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    else:
        qtbot.mouseClick(view.skip_button, Qt.MouseButton.LeftButton)
    return q.fact


@pytest.mark.parametrize("name,shot", [("retail_pharmacy.json", "interview-pharmacy"),
                                       ("software_sme_haidian.json", "interview-software")])
def test_interview_in_the_window_start_midway_done(qtbot, window, policy_data, name, shot):
    full = read_profile_file(ROOT / "examples" / name, policy_data.questionnaire)
    view = window.questionnaire
    view.name_edit.setText(full["name"])
    view.name_edit.textEdited.emit(full["name"])  # as typing would
    assert view.question is not None and view.question.fact == "industries"
    _save(window, f"{shot}-1-start")
    asked, counters = [], [_remaining(view)]
    while not view.finished:
        asked.append(_answer_or_skip(qtbot, window, full))
        counters.append(_remaining(view))
        if len(asked) == 8:
            _save(window, f"{shot}-2-midway")
        assert len(asked) <= MAX_QUESTIONS, asked
    _save(window, f"{shot}-3-done")
    assert all(b - a <= 3 for a, b in zip(counters, counters[1:])), counters
    assert "问卷已完成" in view.done_label.text()
    # The window asked what the interview API asks, in the same order.
    from desktop.rules.questions import interview

    assert asked[:4] == ["industries", "district", "ownership", "employees"]
    done = interview(policy_data.engine, window.consultation.effective_profile(policy_data.engine),
                     window.consultation.as_of, unsure=window.consultation.skipped)
    assert done.done and done.asked == len(asked)
    if done.to_confirm:
        assert "留待确认" in view.done_label.text()


def test_unsure_is_saved_and_a_reopened_consultation_resumes(qtbot, window, make_window, tmp_path):
    view = window.questionnaire
    view.name_edit.setText("不确定测试药房")
    view.name_edit.textEdited.emit("不确定测试药房")
    set_editor(qtbot, view.editor, view.question, ["pharmacy_retail"])
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    skipped = view.question.fact
    qtbot.mouseClick(view.skip_button, Qt.MouseButton.LeftButton)
    next_fact = view.question.fact
    assert next_fact != skipped
    path = tmp_path / "p.json"
    assert window.save_to(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["_unsure"] == [skipped]

    other = make_window()
    assert other.open_profile(path, confirmed=True)
    assert other.consultation.skipped == [skipped]
    assert other.questionnaire.question.fact == next_fact  # resumes where it stopped

    # The command line does not propose it again either.
    from desktop.cli import main

    assert main(["questions", str(path), "--as-of", "2022-07-01", "--format", "json", "--all"]) == 0


def test_relocation_box_adds_zone_moves(qtbot, window, policy_data):
    path = ROOT / "examples" / "small_manufacturer.json"
    assert window.open_profile(path, confirmed=True)
    window.show_tab(window.WHATIF)
    facts = {u.fact for u in window.whatif_view.unlocks}
    assert not facts & {"in_free_trade_zone", "in_zhongguancun"}
    window.whatif_view.relocation_box.setChecked(True)
    facts = {u.fact for u in window.whatif_view.unlocks}
    assert facts & {"in_free_trade_zone", "in_zhongguancun"}
    _save(window, "whatif-relocation")


def test_pharmacy_whatif_tab_shows_the_second_insurance_manager(qtbot, window):
    assert window.open_profile(ROOT / "examples" / "retail_pharmacy.json", confirmed=True)
    window.show_tab(window.WHATIF)
    tree = window.whatif_view.tree
    top = tree.topLevelItem(0)
    assert "医保管理人员" in top.text(0)
    children = [top.child(i).text(0) for i in range(top.childCount())]
    assert any("医保定点" in c for c in children), children
    assert not any("迁" in tree.topLevelItem(i).text(0) or "自由贸易" in tree.topLevelItem(i).text(0)
                   for i in range(tree.topLevelItemCount()))
    _save(window, "whatif-pharmacy")
