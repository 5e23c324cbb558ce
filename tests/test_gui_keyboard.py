"""Every question type answered with the keyboard only (QTest key clicks on the focused widget).

Check boxes: the arrows move between them, Space ticks, Tab leaves the group and Shift+Tab comes
back to the option last used; Enter on a multi-choice question with nothing ticked records
nothing and says so.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QRadioButton

from test_gui_support import (  # noqa: F401
    gui_app, make_window, messages, window,
)


def _focus():
    return QApplication.focusWidget()


def _key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    widget = _focus()
    assert widget is not None, "some widget has the keyboard focus"
    qtbot.keyClick(widget, key, modifier)


def _show(qtbot, window, kind: str, choices_at_least: int = 0, with_none: bool = False):
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    for q in window.data.questionnaire.questions:
        if q.type == kind and q.fact != "name" and len(q.choices or {}) >= choices_at_least \
                and (not with_none or "none" in (q.choices or {})):
            window.goto_question(q.fact)
            QApplication.processEvents()
            assert window.questionnaire.question.fact == q.fact
            return q
    raise AssertionError(f"no {kind} question")


def test_multi_choice_by_keyboard(qtbot, window):
    q = _show(qtbot, window, "multi", choices_at_least=4)
    editor = window.questionnaire.editor
    boxes = editor.buttons()
    assert _focus() is boxes[0] and isinstance(boxes[0], QCheckBox)
    _key(qtbot, Qt.Key.Key_Space)
    assert boxes[0].isChecked()
    _key(qtbot, Qt.Key.Key_Down)
    assert _focus() is boxes[1] and not boxes[1].isChecked(), "an arrow moves, it does not tick"
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_Space)
    assert boxes[2].isChecked()
    assert editor._cells[2].styleSheet(), "the focused option is tinted"
    assert not editor._cells[0].styleSheet()
    _key(qtbot, Qt.Key.Key_Up)
    assert _focus() is boxes[1]
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focus() not in boxes, "Tab leaves the group"
    _key(qtbot, Qt.Key.Key_Backtab)
    assert _focus() is boxes[1], "Shift+Tab comes back to the option last used"
    _key(qtbot, Qt.Key.Key_Return)
    chosen = [v for (v, _), b in zip(editor.options, boxes) if b.isChecked()]
    assert sorted(window.consultation.answers[q.fact]) == sorted(chosen)
    assert window.questionnaire.question is None or window.questionnaire.question.fact != q.fact


def test_enter_on_an_unanswered_multi_choice_records_nothing(qtbot, window):
    q = _show(qtbot, window, "multi", choices_at_least=4, with_none=True)
    _key(qtbot, Qt.Key.Key_Return)
    assert q.fact not in window.consultation.answers and not window.consultation.dirty
    assert window.questionnaire.question.fact == q.fact
    error = window.questionnaire.error_label
    assert error.isVisible() and "请至少选择一项" in error.text()
    # "none of these" is an answer the person chooses: End goes to it, Space ticks it
    _key(qtbot, Qt.Key.Key_End)
    none = window.questionnaire.editor.none_button
    assert _focus() is none
    _key(qtbot, Qt.Key.Key_Space)
    _key(qtbot, Qt.Key.Key_Return)
    assert window.consultation.answers[q.fact] == ["none"]


def test_none_of_these_clears_the_other_boxes(qtbot, window):
    _show(qtbot, window, "multi", choices_at_least=4, with_none=True)
    editor = window.questionnaire.editor
    _key(qtbot, Qt.Key.Key_Space)
    _key(qtbot, Qt.Key.Key_End)
    _key(qtbot, Qt.Key.Key_Space)
    assert editor.none_button.isChecked() and not editor.buttons()[0].isChecked()
    _key(qtbot, Qt.Key.Key_Home)
    _key(qtbot, Qt.Key.Key_Space)
    assert editor.buttons()[0].isChecked() and not editor.none_button.isChecked()


def test_yes_no_and_single_choice_by_keyboard(qtbot, window):
    for kind in ("bool", "choice"):
        q = _show(qtbot, window, kind)
        editor = window.questionnaire.editor
        radios: list[QAbstractButton] = editor.buttons()
        second = editor.options[1][0]
        assert _focus() is radios[0] and isinstance(radios[0], QRadioButton)
        _key(qtbot, Qt.Key.Key_Down)  # the arrows choose a radio button
        assert _focus() is radios[1] and radios[1].isChecked()
        _key(qtbot, Qt.Key.Key_Return)
        assert window.consultation.answers[q.fact] == second


def test_numbers_by_keyboard(qtbot, window):
    for kind in ("int", "number"):
        q = _show(qtbot, window, kind)
        _key(qtbot, Qt.Key.Key_Return)  # empty: nothing recorded, a message
        assert q.fact not in window.consultation.answers
        assert window.questionnaire.error_label.isVisible()
        typed = "2018" if (q.minimum or 0) > 12 else "12"
        for ch in typed:  # key by key, as typed
            qtbot.keyClicks(_focus(), ch)
        _key(qtbot, Qt.Key.Key_Return)
        assert window.consultation.answers[q.fact] == int(typed)


def _tab_to(qtbot, widget, limit: int = 10) -> None:
    for _ in range(limit):
        if _focus() is widget:
            return
        _key(qtbot, Qt.Key.Key_Tab)
    assert _focus() is widget, f"Tab reaches {widget.text()}"


def test_skip_and_back_by_keyboard(qtbot, window):
    q = _show(qtbot, window, "bool")
    view = window.questionnaire
    _tab_to(qtbot, view.skip_button)  # options → 上一题 → 不确定
    _key(qtbot, Qt.Key.Key_Space)
    assert q.fact in window.consultation.skipped
    assert view.question.fact != q.fact
    _tab_to(qtbot, view.back_button)
    _key(qtbot, Qt.Key.Key_Space)
    assert view.question.fact == q.fact
