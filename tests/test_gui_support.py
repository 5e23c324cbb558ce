"""Fixtures and helpers shared by the GUI tests (tests/test_gui_*.py import them from here).

Every window gets its own settings file and profile folder under tmp_path, and QMessageBox is
replaced by a recorder (a modal box would hang an offscreen test), so the tests never touch the
user's data and never block.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import PySide6  # noqa: F401  hard dependencies: missing, the GUI tests fail rather than skip
import pytestqt  # noqa: F401

AS_OF = dt.date(2025, 6, 1)

# A restaurant chain that sells prepaid cards: the facts it would give at the desk.
CATERING = json.loads((Path(__file__).resolve().parent.parent / "examples" / "catering_chain_prepaid.json")
                      .read_text(encoding="utf-8"))


@dataclass
class Messages:
    """What the app tried to show in message boxes, and what the 'user' answers."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, title, text)
    answer: Any = None  # StandardButton returned by question()

    def texts(self, kind: str | None = None) -> list[str]:
        return [f"{title}\n{text}" for k, title, text in self.shown if kind is None or k == kind]


@pytest.fixture
def messages(monkeypatch) -> Messages:
    from PySide6.QtWidgets import QMessageBox

    rec = Messages(answer=QMessageBox.StandardButton.Discard)

    def recorder(kind: str):
        def show(_parent, title, text, *args, **kwargs):
            rec.shown.append((kind, str(title), str(text)))
            if kind == "question":
                return rec.answer
            return QMessageBox.StandardButton.Ok
        return show

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder(kind)))
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda parent, title, text: rec.shown.append(("about", title, text))))
    return rec


@pytest.fixture
def gui_app(qapp):
    """The test QApplication with the bundled CJK font installed, as the real start does."""
    from desktop.gui.fonts import install_application_font
    from desktop.gui.translations import install_chinese

    install_application_font(qapp)
    install_chinese(qapp)
    qapp.setStyle("Fusion")
    return qapp


@pytest.fixture
def make_window(qtbot, gui_app, policy_data, tmp_path, messages):
    """A factory of real main windows (1366×768, shown offscreen) on the committed database."""
    from PySide6.QtCore import QSettings, QThreadPool

    from desktop.gui.main_window import MainWindow
    from desktop.session.profiles_store import ProfileStore

    windows = []

    def make(as_of: dt.date | None = AS_OF):
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        w = MainWindow(policy_data, settings=settings, store=ProfileStore(tmp_path / "userdata"))
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.show()
        qtbot.waitExposed(w)
        if as_of is not None:
            w.set_as_of(as_of)
        windows.append(w)
        return w

    yield make
    QThreadPool.globalInstance().waitForDone(60_000)
    for w in windows:
        w.consultation.dirty = False
        w.close()


@pytest.fixture
def window(make_window):
    return make_window()


# --------------------------------------------------------------------------- driving the questionnaire


def type_text(qtbot, widget, text: str) -> None:
    """Type into a widget: key clicks for ASCII, an input-method commit (as a Chinese IME does) otherwise."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def click_option(qtbot, button) -> None:
    """Click a radio button / check box on its indicator (a wide box only reacts on indicator and text)."""
    from PySide6.QtCore import QPoint, Qt

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def set_editor(qtbot, editor, question, value) -> None:
    """Put ``value`` into the editor the way a person would: clicks and typing."""
    from PySide6.QtCore import QDate, Qt
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()  # let the new editor get its layout, as it has before anyone clicks
    kind = question.type
    if kind in ("bool", "choice"):
        button = editor.button_for(value)
        assert button is not None, f"{question.fact}: no option {value!r}"
        click_option(qtbot, button)
        assert button.isChecked()
    elif kind == "multi":
        for button in editor.buttons():
            if button.isChecked():
                click_option(qtbot, button)
        for v in value:
            click_option(qtbot, editor.button_for(v))
            assert editor.button_for(v).isChecked()
        if not value:  # "none of these" is ticked, never assumed
            click_option(qtbot, editor.none_button)
    elif kind in ("int", "number", "string"):
        editor.edit.clear()
        type_text(qtbot, editor.edit, str(value))
    elif kind == "date":
        d = dt.date.fromisoformat(value)
        editor.edit.setDate(QDate(d.year, d.month, d.day))
    else:  # pragma: no cover
        raise AssertionError(kind)


def drive(qtbot, window, profile: dict, max_steps: int = 30) -> list[tuple[str, str]]:
    """Answer the questions the window asks: the profile's facts by clicking/typing, the rest 不确定.

    Stops when the questionnaire is finished, when every fact of the profile has been given, or
    after ``max_steps`` questions. Returns [(fact, 'answered' | 'skipped')].
    """
    from PySide6.QtCore import Qt

    view = window.questionnaire
    if profile.get("name") and view.name_edit.text() != profile["name"]:
        view.name_edit.clear()
        type_text(qtbot, view.name_edit, profile["name"])
    steps: list[tuple[str, str]] = []
    wanted = {k for k in profile if k != "name"}
    for _ in range(max_steps):
        if view.finished or wanted <= set(window.consultation.answers):
            break
        q = view.question
        assert q is not None
        if q.fact in profile:
            set_editor(qtbot, view.editor, q, profile[q.fact])
            qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
            got, want = window.consultation.answers.get(q.fact), profile[q.fact]
            if isinstance(want, list):  # a multi-choice answer is a set of choices
                got, want = sorted(got or []), sorted(want)
            assert got == want, q.fact
            steps.append((q.fact, "answered"))
        else:
            qtbot.mouseClick(view.skip_button, Qt.MouseButton.LeftButton)
            assert q.fact in window.consultation.skipped
            steps.append((q.fact, "skipped"))
    return steps


def service_statuses(policy_data, profile: dict, as_of: dt.date) -> dict[str, str]:
    return {r.id: r.status for r in policy_data.match(profile, as_of).results}


def normalized(text: str) -> str:
    from desktop.corpus.normalize import normalize_for_match

    return normalize_for_match(text).lower()
