"""Printing and exporting one consultation: print preview, checklist PDF, deadline calendar.

ExportController owns what these need beyond the consultation: the officer's name printed on the
checklist (a setting), the preview dialog while it is open (its printer must outlive it) and the
count of running background writes. It reports through signals: busy / idle with a message,
status messages, and ``exported`` once a checklist was written (the desk notes it in 最近咨询).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from desktop.gui import export
from desktop.session.profiles_store import safe_file_stem

log = logging.getLogger("policy_desk.gui")


class ExportController(QObject):
    busy = Signal(bool, str)  # started / finished a background write, with a status message
    status = Signal(str, int)
    exported = Signal(object)  # the Path of a written checklist PDF

    def __init__(self, parent: QWidget, data, settings: QSettings, evaluation: Callable[[], Any],
                 company: Callable[[], str], folder: Callable[[], Path], remember_folder: Callable[[Path], None],
                 full: Callable[[], bool] = lambda: False):
        super().__init__(parent)
        self.widget = parent
        self.data = data
        self.settings = settings
        self.evaluation = evaluation  # the current Evaluation (report + unlocks)
        self.company = company
        self.folder = folder
        self.remember_folder = remember_folder
        self.full = full  # whether checklists include the appendix (directions, every-company rules)
        self.preview: export.PrintPreview | None = None

    # ------------------------------------------------------------------ officer

    def officer(self) -> str | None:
        return str(self.settings.value("officer", "") or "") or None

    def set_officer(self) -> None:
        name, ok = QInputDialog.getText(self.widget, "咨询人员", "打印清单上显示的咨询人员姓名（可留空）：",
                                        text=self.officer() or "")
        if ok:
            self.settings.setValue("officer", name.strip())

    # ------------------------------------------------------------------ print preview

    def print_preview(self) -> None:
        ev = self.evaluation()
        # Kept until the next preview: the dialog and its printer outlive exec() and deleteLater().
        self.preview = export.open_print_preview(self.widget, ev.report, self.officer(), ev.unlocks, self.full())
        self.preview.exec()
        self.preview.deleteLater()

    # ------------------------------------------------------------------ files

    def default_path(self, suffix: str) -> Path:
        ev = self.evaluation()
        stem = safe_file_stem(self.company() or "政策匹配清单")
        return self.folder() / f"{stem}_{ev.report.as_of.isoformat()}{suffix}"

    def _ask_path(self, title: str, suffix: str, pattern: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.widget, title, str(self.default_path(suffix)), pattern)
        return Path(name) if name else None

    def export_pdf(self, path: Path | None = None) -> bool:
        if export.checklist_writer() is None:
            QMessageBox.warning(self.widget, "无法生成清单", export.MISSING.format(what="PDF 清单"))
            return False
        path = path or self._ask_path("导出政策匹配清单", ".pdf", "PDF 文件 (*.pdf)")
        if path is None:
            return False
        self.remember_folder(path)
        self.busy.emit(True, "正在生成清单 PDF…")
        ev = self.evaluation()
        return export.write_pdf_async(ev.report, path, self.data.library, self.officer(), ev.unlocks,
                                      on_done=self._pdf_done, on_error=self._pdf_failed,
                                      questionnaire=self.data.questionnaire, full=self.full())

    def _pdf_done(self, path: Path) -> None:
        self.busy.emit(False, f"已生成清单：{path}")
        self.exported.emit(path)
        as_of = self.evaluation().report.as_of.isoformat()
        choice = QMessageBox.question(self.widget, "清单已生成", f"已生成 {path.name}（评估日期 {as_of}）。\n现在打开吗？",
                                      QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
                                      QMessageBox.StandardButton.Open)
        if choice == QMessageBox.StandardButton.Open and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            # No program for PDF files on this PC (or it refused): say so, and where the file is.
            QMessageBox.information(
                self.widget, "无法打开清单",
                f"这台电脑上没有可以打开 PDF 文件的程序。\n\n清单已保存在：\n{path}\n\n"
                "可以把它复制到其他电脑打印，或安装 PDF 阅读器后再打开。")

    def _pdf_failed(self, message: str) -> None:
        self.busy.emit(False, "清单生成失败。")
        QMessageBox.critical(self.widget, "无法生成清单", f"生成 PDF 时出错：{message}")

    def export_ics(self, path: Path | None = None) -> bool:
        if export.calendar_writer() is None:
            QMessageBox.warning(self.widget, "无法导出日历", export.MISSING.format(what="日历文件"))
            return False
        path = path or self._ask_path("导出截止日期日历", ".ics", "日历文件 (*.ics)")
        if path is None:
            return False
        self.remember_folder(path)
        try:
            export.write_ics(self.evaluation().report, path)
        except Exception as exc:  # any failure of the writer is reported, never a crash
            log.exception("ics export failed")
            QMessageBox.critical(self.widget, "无法导出日历", f"导出日历时出错：{exc}")
            return False
        self.status.emit(f"已导出日历：{path}", 5000)
        return True
