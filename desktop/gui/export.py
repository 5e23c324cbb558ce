"""Printing and exporting a consultation: print preview, checklist PDF, deadline calendar (.ics).

The PDF and the calendar come from desktop.report (reportlab / icalendar), imported lazily so the
window works, with a clear message, while that package is missing. The PDF is written on a worker
thread; the print preview renders the same content (desktop.session.render.report_html) with Qt.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from collections.abc import Callable

from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from desktop.session.render import report_html
from desktop.gui.workers import start_task

MISSING = "打印清单模块（desktop.report）尚未安装，暂时无法生成 {what}。请更新程序后再试。"


def checklist_writer() -> Callable[..., Any] | None:
    try:
        from desktop.report.checklist import write_checklist_pdf
    except ImportError:
        return None
    return write_checklist_pdf


def calendar_writer() -> Callable[..., Any] | None:
    try:
        from desktop.report.calendar import write_ics
    except ImportError:
        return None
    return write_ics


def preview_document(report, officer: str | None, unlocks, full: bool = False) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(report_html(report, officer, unlocks, full=full))
    return doc


def print_report(printer: QPrinter, report, officer: str | None, unlocks, full: bool = False) -> None:
    """Render the checklist onto ``printer`` (the preview dialog, a real printer or a PDF file)."""
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      printer.pageLayout().margins()))
    preview_document(report, officer, unlocks, full).print_(printer)


class PrintPreview(QPrintPreviewDialog):
    """The print preview of the checklist. It owns its QPrinter: the dialog keeps only a C++
    pointer to the printer, so a printer owned by nobody would be freed while the dialog still
    paints on it (the crash of 文件 › 打印预览)."""

    def __init__(self, parent: QWidget | None, report, officer: str | None, unlocks, full: bool = False):
        self.own_printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.own_printer.setDocName(f"政策匹配清单 {report.profile.get('name') or ''} {report.as_of.isoformat()}")
        super().__init__(self.own_printer, parent)
        self.setWindowTitle(f"打印预览 — 评估日期 {report.as_of.isoformat()}")
        self._content = (report, officer, unlocks, full)
        self.paintRequested.connect(self._paint)
        self.resize(900, 700)

    def _paint(self, printer: QPrinter) -> None:
        print_report(printer, *self._content)


def open_print_preview(parent: QWidget, report, officer: str | None, unlocks, full: bool = False) -> PrintPreview:
    """A print preview of the checklist; the caller shows it (exec / open)."""
    return PrintPreview(parent, report, officer, unlocks, full)


def write_pdf_async(report, out: Path, library, officer: str | None, unlocks,
                    on_done: Callable[[Path], None], on_error: Callable[[str], None],
                    questionnaire=None, full: bool = False) -> bool:
    """Write the checklist PDF on a worker thread; False (nothing started) if the module is missing."""
    writer = checklist_writer()
    if writer is None:
        return False

    def work() -> Path:
        writer(report, Path(out), library, officer=officer or None, unlocks=unlocks, questionnaire=questionnaire,
               full=full)
        return Path(out)

    start_task(work, on_done=on_done, on_error=on_error)
    return True


def write_ics(report, out: Path) -> bool:
    """Write the deadline calendar; False if the module is missing (errors propagate)."""
    writer = calendar_writer()
    if writer is None:
        return False
    writer(report, Path(out))
    return True
