"""Every dialog the menus reach, opened for real (shown, painted, then closed by a timer).

The message-box recorder of the other GUI tests is switched off here: these dialogs run their own
event loop exactly as they do for a person at the desk. A timer finds the modal dialog, grabs it
(which paints it), notes its title and button texts, and closes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QWidget

from test_gui_support import (  # noqa: F401
    AS_OF, CATERING, drive, gui_app, make_window, messages, window,
)

_ROOT = Path(__file__).resolve().parent.parent


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


def _real_message_boxes(monkeypatch) -> None:
    monkeypatch.undo()  # the recorder of the `messages` fixture: these dialogs are the real ones


def test_print_preview_opens_for_real_and_prints_to_pdf(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget

    _real_message_boxes(monkeypatch)
    drive(qtbot, window, CATERING, max_steps=4)
    pages = []
    with DialogCloser(tmp_path) as closer:
        closer.inspect = lambda w, seen: pages.append(w.findChild(QPrintPreviewWidget).pageCount())
        window.act_preview.trigger()  # Ctrl+P; returns when the timer has closed the dialog
        for _ in range(1):  # and again: the second preview must not touch the first one's printer
            window.act_preview.trigger()
            QApplication.processEvents()
    assert [s.kind for s in closer.seen] == ["PrintPreview"] * 2
    assert all(AS_OF.isoformat() in s.title for s in closer.seen)
    assert pages and all(n >= 1 for n in pages), "the checklist was painted onto the preview pages"
    assert closer.seen[0].picture.stat().st_size > 10_000
    assert window.isVisible()

    # The same path to a PDF file: the dialog's own printer and paint handler.
    from desktop.gui.export import open_print_preview

    dialog = open_print_preview(window, window.evaluation.report, "王老师", window.evaluation.unlocks)
    out = tmp_path / "preview.pdf"
    dialog.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer.setOutputFileName(str(out))
    dialog.findChild(QPrintPreviewWidget).print_()
    dialog.deleteLater()
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 5_000
