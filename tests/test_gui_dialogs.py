"""Every dialog the menus reach, opened for real (shown, painted, then closed by a timer).

The message-box recorder of the other GUI tests is switched off here: these dialogs run their own
event loop exactly as they do for a person at the desk. A timer finds the modal dialog, grabs it
(which paints it), notes its title and button texts, and closes it.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog

from test_gui_support import (  # noqa: F401
    AS_OF, CATERING, drive, gui_app, make_window, messages, window,
)

_ROOT = Path(__file__).resolve().parent.parent
SHOTS = _ROOT / os.environ.get("POLICY_DESK_SCREENSHOTS", "artifacts/screenshots")
LATIN = re.compile(r"[A-Za-z]")


@dataclass
class Seen:
    kind: str
    title: str
    buttons: list[str]
    size: tuple[int, int]
    picture: Path | None = None
    extra: dict = field(default_factory=dict)


class DialogCloser:
    """Polls for the modal dialog the next action opens; records it, runs ``inspect``, rejects it."""

    def __init__(self, out: Path | None = None):
        self.seen: list[Seen] = []
        self.out = out
        self.inspect = None
        self.timer = QTimer()
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._poll)

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.stop()

    def _poll(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or not widget.isVisible():
            return
        QApplication.processEvents()
        picture = widget.grab()  # paints the dialog as it stands
        path = None
        if self.out is not None:
            self.out.mkdir(parents=True, exist_ok=True)
            path = self.out / f"dialog_{len(self.seen) + 1}.png"
            picture.save(str(path))
        buttons = [b.text() for b in widget.findChildren(QAbstractButton) if b.isVisible() and b.text()]
        seen = Seen(type(widget).__name__, widget.windowTitle(), buttons, (picture.width(), picture.height()), path)
        if self.inspect is not None:
            self.inspect(widget, seen)
        self.seen.append(seen)
        if isinstance(widget, QDialog):
            widget.reject()
        else:
            widget.close()


@contextmanager
def real_message_boxes(monkeypatch, window):
    """Switch off the recorder of the `messages` fixture: these dialogs are the real ones. The
    window is marked saved again at the end: qtbot closes it before fixtures are torn down, and a
    real unsaved-changes prompt would wait for an answer."""
    monkeypatch.undo()
    try:
        yield
    finally:
        window.consultation.dirty = False


def test_print_preview_opens_for_real_and_prints_to_pdf(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget

    with real_message_boxes(monkeypatch, window):
        drive(qtbot, window, CATERING, max_steps=4)
        pages = []
        with DialogCloser(tmp_path) as closer:
            closer.inspect = lambda w, seen: pages.append(w.findChild(QPrintPreviewWidget).pageCount())
            window.act_preview.trigger()  # Ctrl+P; returns when the timer has closed the dialog
            QApplication.processEvents()  # the first dialog's deferred deletion runs
            window.act_preview.trigger()  # and again: the second must not touch the first one's printer
        assert [s.kind for s in closer.seen] == ["PrintPreview"] * 2
        assert all(AS_OF.isoformat() in s.title for s in closer.seen)
        assert pages and all(n >= 1 for n in pages), "the checklist was painted onto the preview pages"
        assert closer.seen[0].picture.stat().st_size > 10_000
        assert window.isVisible()

        # The same path to a PDF file: the dialog's own printer and paint handler.
        from desktop.gui.export import open_print_preview

        dialog = open_print_preview(window, window.evaluation.report, "王老师", window.evaluation.unlocks)
        out = tmp_path / "preview.pdf"
        dialog.own_printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.own_printer.setOutputFileName(str(out))
        dialog.findChild(QPrintPreviewWidget).print_()
        dialog.deleteLater()
        assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 5_000


def _english(text: str) -> bool:
    """Latin letters left once mnemonics (保存(&S)) and file patterns (*.json, PDF) are removed."""
    text = re.sub(r"\(&\w\)|&", "", text)
    text = re.sub(r"\*\.\w+|\b(PDF|JSON|ics)\b", "", text)
    return bool(LATIN.search(text))


def test_every_dialog_the_menus_reach_opens_and_speaks_chinese(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMenu

    with real_message_boxes(monkeypatch, window):
        drive(qtbot, window, CATERING, max_steps=2)
        menus = [m for m in window.menuBar().findChildren(QMenu) if m.title().startswith(("文件", "帮助"))]
        actions = [a for m in menus for a in m.actions() if not a.isSeparator()]
        opened: dict[str, list[Seen]] = {}
        with DialogCloser() as closer:
            for action in actions:
                for dirty in (True, False):
                    if action is window.act_quit and not dirty:
                        continue  # 退出 with nothing unsaved really closes the window
                    window.consultation.dirty = dirty
                    before = len(closer.seen)
                    action.trigger()  # every dialog is modal: this returns once the timer closed it
                    QApplication.processEvents()
                    opened.setdefault(action.text(), []).extend(closer.seen[before:])
        assert window.isVisible(), "closing every dialog with Esc/取消 leaves the window open"
        kinds = {text: {s.kind for s in seen} for text, seen in opened.items()}
        prompt = {"QMessageBox"}
        assert kinds[window.act_new.text()] == prompt
        for action in (window.act_open, window.act_import_pack):
            assert kinds[action.text()] == prompt | {"QFileDialog"}, action.text()
        for action in (window.act_save, window.act_save_as, window.act_pdf, window.act_ics):
            assert "QFileDialog" in kinds[action.text()], action.text()
        assert kinds[window.act_preview.text()] == {"PrintPreview"}
        assert kinds[window.act_officer.text()] == {"QInputDialog"}
        assert kinds[window.act_about.text()] == {"QMessageBox"}
        assert kinds[window.act_quit.text()] == prompt
        every = [s for seen in opened.values() for s in seen]
        assert len(every) >= 14
        for seen in every:
            assert seen.buttons, seen
            english = [b for b in seen.buttons + [seen.title] if _english(b)]
            assert not english, f"{seen.kind} {seen.title}: {english}"


def test_unsaved_changes_prompt_and_file_dialog_in_chinese(qtbot, window, monkeypatch):
    """The two dialogs of issue 14, point 5, with their pictures for docs/screenshots."""
    from PySide6.QtWidgets import QLabel

    with real_message_boxes(monkeypatch, window):
        drive(qtbot, window, CATERING, max_steps=2)
        labels: list[str] = []

        def inspect(widget, seen) -> None:
            labels.extend(label.text() for label in widget.findChildren(QLabel) if label.isVisible())
            if hasattr(widget, "directory"):
                seen.extra["folder"] = Path(widget.directory().absolutePath())

        with DialogCloser(SHOTS) as closer:
            closer.inspect = inspect
            assert window.new_consultation() is False  # the prompt, closed with Esc = 取消
            window.consultation.dirty = False
            window.act_save_as.trigger()
        prompt, files = closer.seen
        assert prompt.kind == "QMessageBox" and sorted(prompt.buttons) == sorted(["保存", "不保存", "取消"])
        assert files.kind == "QFileDialog" and "保存(&S)" in files.buttons and "取消" in files.buttons
        assert {"查找范围(&L)：", "文件名(&N)：", "文件类型(&T)："} <= set(labels)
        assert files.extra["folder"] == window.store.profiles_dir.resolve(), "saving starts in the profiles folder"
        prompt.picture.replace(SHOTS / "dialog_unsaved_changes.png")
        files.picture.replace(SHOTS / "dialog_save_profile.png")
