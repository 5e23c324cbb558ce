"""The desk workflow of the main window: new / open / save / duplicate, recent consultations,
the unsaved-changes prompt, printing and exporting.

A mixin of :class:`desktop.gui.main_window.MainWindow` (it uses the window's consultation, views,
settings and store); kept apart so each module stays small.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from desktop.gui import export
from desktop.session.as_of import as_of_problem
from desktop.session.consultation import Consultation
from desktop.session.profiles_store import StoreError, safe_file_stem
from desktop.rules.facts import ProfileError

log = logging.getLogger("policy_desk.gui")
APP_TITLE = "惠企政策通 Policy Desk"


class DeskWorkflow:
    """Profiles, history, prompts and exports (mixed into MainWindow)."""

    # ================================================================== desk workflow

    def _confirm_discard(self) -> bool:
        """Ask about unsaved answers; True when it is fine to go on."""
        if not self.consultation.dirty:
            return True
        name = self.consultation.company or "当前咨询"
        choice = QMessageBox.question(
            self, "保存更改？", f"“{name}”的回答尚未保存。是否先保存？",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if choice == QMessageBox.StandardButton.Save:
            return self.save()
        return choice == QMessageBox.StandardButton.Discard

    def _reset(self, consultation: Consultation) -> None:
        self.consultation = consultation
        self.as_of_edit.show_date(consultation.as_of)
        self.questionnaire.set_company_name(consultation.company)
        self.refresh()
        consultation.start(self.evaluation, self.questions, self.data.engine)
        self._show_current()
        self._update_title()

    def new_consultation(self) -> bool:
        if not self._confirm_discard():
            return False
        self._reset(Consultation())
        self.left_tabs.setCurrentIndex(self.QUESTIONS)
        self.show_tab(self.RESULTS)
        self.statusBar().showMessage("已开始新的咨询。", 4000)
        return True

    def _last_folder(self) -> Path:
        remembered = str(self.settings.value("last_folder", "") or "")
        # An empty setting is not "." (the program's folder): only a real, absolute folder counts.
        if remembered and Path(remembered).is_absolute() and Path(remembered).is_dir():
            return Path(remembered)
        self.store.profiles_dir.mkdir(parents=True, exist_ok=True)
        return self.store.profiles_dir

    def _remember_folder(self, path: Path) -> None:
        self.settings.setValue("last_folder", str(path.resolve().parent))

    def open_profile_dialog(self) -> bool:
        if not self._confirm_discard():
            return False
        name, _ = QFileDialog.getOpenFileName(self, "打开企业档案", str(self._last_folder()), "企业档案 (*.json);;所有文件 (*)")
        if not name:
            return False
        return self.open_profile(Path(name), confirmed=True)

    def open_profile(self, path: Path, confirmed: bool = False) -> bool:
        """Open a profile file; a bad file gives a message and leaves the current consultation as it was."""
        if not confirmed and not self._confirm_discard():
            return False
        try:
            loaded = self.store.load_profile(path, self.data.questionnaire)
        except ProfileError as exc:
            QMessageBox.warning(self, "无法打开档案", f"文件 {path.name} 不是可用的企业档案：\n{exc}\n\n当前咨询没有改变。")
            return False
        self._remember_folder(path)
        as_of, note = loaded.as_of or dt.date.today(), ""
        problem = as_of_problem(as_of, self.as_of_edit.earliest)
        if problem:
            QMessageBox.warning(self, "档案中的评估日期不可用", f"{problem}\n\n档案已打开，评估日期改用今天。")
            as_of = dt.date.today()
        order = {q.fact: i for i, q in enumerate(self.data.questionnaire.questions)}
        trail = sorted((f for f in list(loaded.profile) + loaded.skipped if f != "name" and f in order), key=order.get)
        c = Consultation(answers=dict(loaded.profile), skipped=list(loaded.skipped), trail=trail, pos=len(trail),
                         as_of=as_of, path=path.resolve(), dirty=bool(problem))
        self._reset(c)
        c.forward(self.evaluation, self.questions, self.data.engine)
        self._show_current()
        note = f"（评估日期按档案恢复为 {loaded.as_of.isoformat()}）" if loaded.as_of and not problem else ""
        self.statusBar().showMessage(f"已打开 {path.name}{note}", 6000)
        return True

    def save(self) -> bool:
        if self.consultation.path is None:
            return self.save_as()
        return self.save_to(self.consultation.path)

    def save_as(self) -> bool:
        suggested = self.store.suggest_path(self.consultation.company, self._last_folder())
        name, _ = QFileDialog.getSaveFileName(self, "保存企业档案", str(suggested), "企业档案 (*.json)")
        if not name:
            return False
        path = Path(name)
        if path.suffix.lower() != ".json":
            path = path.with_suffix(".json")
        return self.save_to(path)

    def save_to(self, path: Path) -> bool:
        """Write the profile atomically; on failure say so and keep everything as it was."""
        c = self.consultation
        profile = c.effective_profile(self.data.engine)
        try:
            self.store.save_profile(path, profile, self.data.questionnaire, c.skipped, c.as_of)
        except StoreError as exc:
            QMessageBox.critical(self, "保存失败", str(exc))
            return False
        c.path = path.resolve()
        c.dirty = False
        self._remember_folder(path)
        self._record_history()
        self._update_title()
        self.statusBar().showMessage(f"已保存到 {path}", 5000)
        return True

    def duplicate(self) -> None:
        """A copy of the current answers as a new, unsaved consultation."""
        c = self.consultation
        copy = Consultation(answers=dict(c.answers), skipped=list(c.skipped), trail=list(c.trail), pos=c.pos,
                            as_of=c.as_of, path=None, dirty=True)
        if c.company:
            copy.answers["name"] = f"{c.company}（副本）"
        self._reset(copy)
        self.statusBar().showMessage("已复制为新档案（尚未保存）。修改后请保存为新文件。", 6000)

    def _record_history(self) -> None:
        c = self.consultation
        try:
            self.store.record(c.company, c.path, c.as_of, self.evaluation.report.counts() if self.evaluation else None)
        except StoreError as exc:
            self.statusBar().showMessage(f"无法更新最近咨询列表：{exc}", 6000)
        self.history_view.set_entries(self.store.history())

    def _update_title(self) -> None:
        c = self.consultation
        name = c.company or "新咨询"
        where = f" — {c.path.name}" if c.path else ""
        self.setWindowTitle(f"{APP_TITLE} — {name}{where}[*]")
        self.setWindowModified(c.dirty)

    # ================================================================== printing and exporting

    def _officer(self) -> str | None:
        return str(self.settings.value("officer", "") or "") or None

    def set_officer(self) -> None:
        name, ok = QInputDialog.getText(self, "咨询人员", "打印清单上显示的咨询人员姓名（可留空）：", text=self._officer() or "")
        if ok:
            self.settings.setValue("officer", name.strip())

    def _default_export(self, suffix: str) -> Path:
        stem = safe_file_stem(self.consultation.company or "政策匹配清单")
        return self._last_folder() / f"{stem}_{self.as_of.isoformat()}{suffix}"

    def print_preview(self) -> None:
        # Kept until the next preview: the dialog and its printer must outlive exec() and the
        # deferred deletion of the dialog.
        self._preview = export.open_print_preview(self, self.evaluation.report, self._officer(),
                                                  self.evaluation.unlocks)
        self._preview.exec()
        self._preview.deleteLater()

    def export_pdf(self, path: Path | None = None) -> bool:
        if export.checklist_writer() is None:
            QMessageBox.warning(self, "无法生成清单", export.MISSING.format(what="PDF 清单"))
            return False
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "导出政策匹配清单", str(self._default_export(".pdf")), "PDF 文件 (*.pdf)")
            if not name:
                return False
            path = Path(name)
        self._remember_folder(path)
        self._set_busy(True, "正在生成清单 PDF…")
        report, unlocks = self.evaluation.report, self.evaluation.unlocks
        return export.write_pdf_async(report, path, self.data.library, self._officer(), unlocks,
                                      on_done=self._pdf_done, on_error=self._pdf_failed,
                                      questionnaire=self.data.questionnaire)

    def _pdf_done(self, path: Path) -> None:
        self._set_busy(False, f"已生成清单：{path}")
        self._record_history()
        choice = QMessageBox.question(self, "清单已生成", f"已生成 {path.name}（评估日期 {self.as_of.isoformat()}）。\n现在打开吗？",
                                      QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
                                      QMessageBox.StandardButton.Open)
        if choice == QMessageBox.StandardButton.Open and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            # No program for PDF files on this PC (or it refused): say so, and where the file is.
            QMessageBox.information(
                self, "无法打开清单",
                f"这台电脑上没有可以打开 PDF 文件的程序。\n\n清单已保存在：\n{path}\n\n"
                "可以把它复制到其他电脑打印，或安装 PDF 阅读器后再打开。")

    def _pdf_failed(self, message: str) -> None:
        self._set_busy(False, "清单生成失败。")
        QMessageBox.critical(self, "无法生成清单", f"生成 PDF 时出错：{message}")

    def export_ics(self, path: Path | None = None) -> bool:
        if export.calendar_writer() is None:
            QMessageBox.warning(self, "无法导出日历", export.MISSING.format(what="日历文件"))
            return False
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "导出截止日期日历", str(self._default_export(".ics")), "日历文件 (*.ics)")
            if not name:
                return False
            path = Path(name)
        self._remember_folder(path)
        try:
            export.write_ics(self.evaluation.report, path)
        except Exception as exc:  # any failure of the writer is reported, never a crash
            log.exception("ics export failed")
            QMessageBox.critical(self, "无法导出日历", f"导出日历时出错：{exc}")
            return False
        self.statusBar().showMessage(f"已导出日历：{path}", 5000)
        return True

    def _set_busy(self, busy: bool, message: str) -> None:
        self._busy = max(0, self._busy + (1 if busy else -1))
        self.progress.setVisible(self._busy > 0)
        self.statusBar().showMessage(message, 0 if busy else 6000)
