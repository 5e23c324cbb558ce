"""The timeline: its year axis stays put while the rows scroll, the measures without an end or a
deadline share one collapsed row, and every row is reachable and opened from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.gui.timeline import is_undated
from test_gui_support import (  # noqa: F401
    CATERING, drive, gui_app, make_window, messages, window,
)


def test_undated_measures_share_one_collapsed_row(qtbot, window):
    drive(qtbot, window, CATERING, max_steps=8)
    window.show_tab(window.TIMELINE)
    canvas = window.timeline_view.canvas
    assert canvas.undated, "the example has measures without an end or deadline"
    assert all(is_undated(r) for r in canvas.undated) and not any(is_undated(r) for r in canvas.dated)
    lines = canvas.lines()
    assert len(lines) == len(canvas.dated) + 1 and lines[-1] is None, "one collapsed row for all of them"
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_End)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)  # Enter on the group opens it
    assert canvas.expanded and len(canvas.lines()) == len(canvas.dated) + 1 + len(canvas.undated)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert not canvas.expanded


def test_keyboard_opens_a_measure_and_the_axis_does_not_scroll(qtbot, window):
    drive(qtbot, window, CATERING, max_steps=8)
    window.show_tab(window.TIMELINE)
    view = window.timeline_view
    canvas = view.canvas
    canvas.expanded = True
    canvas.set_rows(canvas.rows, canvas.as_of)
    assert view.axis.parent() is not view.rows_area.widget() and not view.rows_area.isAncestorOf(view.axis)
    axis_y = view.axis.mapTo(view, view.axis.rect().topLeft()).y()
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_End)  # to the last line: the rows scroll, the axis stays
    if canvas.height() > view.rows_area.viewport().height():
        assert view.rows_area.verticalScrollBar().value() > 0
    assert view.axis.mapTo(view, view.axis.rect().topLeft()).y() == axis_y and view.axis.isVisible()
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    first = canvas.lines()[0]
    with qtbot.waitSignal(canvas.measure_clicked) as opened:
        qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.args == [first.result.id]
    assert window.right_tabs.currentIndex() == window.RESULTS
    assert window.results_view.selected_id() == first.result.id
