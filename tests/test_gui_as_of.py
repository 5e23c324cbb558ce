"""The 评估日期 field: typed key by key it evaluates once, for the full date, and keeps the focus;
dates the data cannot judge get a Chinese message (also from a profile), never an exception."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.session.as_of import LATEST, as_of_problem, earliest_date
from test_gui_support import (  # noqa: F401
    AS_OF, CATERING, drive, gui_app, make_window, messages, service_statuses, window,
)


def _counting_refresh(window, monkeypatch) -> list[dt.date]:
    evaluations: list[dt.date] = []
    original = window.refresh

    def refresh() -> None:
        evaluations.append(window.consultation.as_of)
        original()

    monkeypatch.setattr(window, "refresh", refresh)
    return evaluations


def test_typing_a_date_key_by_key_evaluates_once_for_the_full_date(qtbot, window, policy_data, monkeypatch):
    drive(qtbot, window, CATERING, max_steps=4)
    window.results_view.select_measure(window.results_view.section_members("applies")[0])
    evaluations = _counting_refresh(window, monkeypatch)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    edit = window.date_edit
    edit.setFocus(Qt.FocusReason.TabFocusReason)  # as Alt+T or Tab leaves it: the year selected
    for ch in "20230315":
        qtbot.keyClick(edit, ch)
    assert evaluations == [], "nothing is evaluated while the date is being typed"
    qtbot.waitUntil(lambda: bool(evaluations), timeout=5000)
    qtbot.wait(300)
    assert evaluations == [dt.date(2023, 3, 15)]
    assert window.as_of == dt.date(2023, 3, 15)
    assert QApplication.focusWidget() is edit, "the focus stays in the date field"
    profile = window.consultation.effective_profile(policy_data.engine)
    assert window.results_view.displayed_statuses() == service_statuses(policy_data, profile, window.as_of)
    assert "2023-03-15" in window.results_view.detail.toPlainText(), "the detail pane follows the date"
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # Enter on the same date: nothing more
    assert len(evaluations) == 1


def test_enter_uses_the_typed_date_at_once(qtbot, window, monkeypatch):
    evaluations = _counting_refresh(window, monkeypatch)
    window.activateWindow()
    edit = window.date_edit
    edit.setFocus(Qt.FocusReason.TabFocusReason)
    for ch in "20240101":
        qtbot.keyClick(edit, ch)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert evaluations == [dt.date(2024, 1, 1)]


def test_dates_outside_the_data_are_refused_in_chinese(qtbot, window, messages, monkeypatch):
    evaluations = _counting_refresh(window, monkeypatch)
    earliest = window.as_of_edit.earliest
    assert earliest == earliest_date(d.issue_date for d in window.data.library.documents())
    window.activateWindow()
    edit = window.date_edit
    for typed in ("19000101", "20990101", "99991231"):
        before = window.as_of
        edit.setFocus(Qt.FocusReason.TabFocusReason)
        for ch in typed:
            qtbot.keyClick(edit, ch)
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        day = dt.date(int(typed[:4]), int(typed[4:6]), int(typed[6:]))
        if as_of_problem(day, earliest):
            assert "评估日期" in messages.texts("warning")[-1] and "请选择" in messages.texts("warning")[-1]
            assert window.as_of == before and edit.date().toPython() == before, "the field goes back"
        else:
            assert window.as_of == day
    assert dt.date(2099, 1, 1) <= LATEST
    assert len(messages.texts("warning")) == 2 and all(e != dt.date(9999, 12, 31) for e in evaluations)


def test_a_profile_dated_9999_opens_with_a_chinese_message(qtbot, window, messages, tmp_path):
    path = tmp_path / "far.json"
    path.write_text(json.dumps({"name": "远期企业", "employees": 3, "_as_of": "9999-12-31"}, ensure_ascii=False),
                    encoding="utf-8")
    assert window.open_profile(path, confirmed=True)
    text = messages.texts("warning")[-1]
    assert "9999-12-31" in text and "今天" in text and "out of range" not in text
    assert window.as_of == dt.date.today() and window.consultation.company == "远期企业"
