"""The desk workflow: the consultation being worked on as a document (new / open / save / save as
/ duplicate), the unsaved-changes prompt, the folder profiles are kept in, recent consultations.

DeskController owns the current Consultation, the profile store and the remembered folder. It
never touches the window's views: it reports through signals (a consultation replaced, the title
or history changed, a status message) and the window shows the result.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.service import ProfileError
from desktop.session.as_of import as_of_problem
from desktop.session.consultation import Consultation
from desktop.session.profiles_store import ProfileStore, StoreError

APP_TITLE = "惠企政策通 Policy Desk"


class DeskController(QObject):
    """Profiles, prompts and history for one window."""

    replaced = Signal(object, bool)  # a new Consultation to show (new, duplicated; True: opened from a file)
    changed = Signal()  # name, path or saved state changed: the window title follows
    history_changed = Signal(list)  # the recent consultations, newest first
    status = Signal(str, int)  # a status-bar message and how long to show it (ms)

    def __init__(self, parent: QWidget, data, settings: QSettings, store: ProfileStore,
                 evaluation: Callable[[], Any], officer: Callable[[], str | None], earliest: dt.date | None):
        super().__init__(parent)
        self.widget = parent  # dialogs are centred on it
        self.data = data
        self.settings = settings
        self.store = store
        self.evaluation = evaluation  # the current Evaluation (report, what-if), for the consultation record
        self.officer = officer  # the adviser named on checklists, for the record
        self.earliest = earliest
        self.consultation = Consultation()

    # ------------------------------------------------------------------ folders

    def last_folder(self) -> Path:
        """Where file dialogs start: the folder last used, else the profiles folder."""
        remembered = str(self.settings.value("last_folder", "") or "")
        # An empty setting is not "." (the program's folder): only a real, absolute folder counts.
        if remembered and Path(remembered).is_absolute() and Path(remembered).is_dir():
            return Path(remembered)
        self.store.profiles_dir.mkdir(parents=True, exist_ok=True)
        return self.store.profiles_dir

    def remember_folder(self, path: Path) -> None:
        self.settings.setValue("last_folder", str(Path(path).resolve().parent))

    # ------------------------------------------------------------------ the unsaved-changes prompt

    def confirm_discard(self) -> bool:
        """Ask about unsaved answers; True when it is fine to go on."""
        if not self.consultation.dirty:
            return True
        name = self.consultation.company or "当前咨询"
        choice = QMessageBox.question(
            self.widget, "保存更改？", f"“{name}”的回答尚未保存。是否先保存？",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if choice == QMessageBox.StandardButton.Save:
            return self.save()
        return choice == QMessageBox.StandardButton.Discard

    # ------------------------------------------------------------------ documents

    def _replace(self, consultation: Consultation, opened: bool = False) -> None:
        self.consultation = consultation
        self.replaced.emit(consultation, opened)
        self.changed.emit()

    def new(self) -> bool:
        if not self.confirm_discard():
            return False
        self._replace(Consultation())
        self.status.emit("已开始新的咨询。", 4000)
        return True

    def open_dialog(self) -> bool:
        if not self.confirm_discard():
            return False
        name, _ = QFileDialog.getOpenFileName(self.widget, "打开企业档案", str(self.last_folder()),
                                              "企业档案 (*.json);;所有文件 (*)")
        if not name:
            return False
        return self.open(Path(name), confirmed=True)

    def open(self, path: Path, confirmed: bool = False) -> bool:
        """Open a profile file; a bad file gives a message and leaves the current consultation as it was."""
        if not confirmed and not self.confirm_discard():
            return False
        try:
            loaded = self.store.load_profile(path, self.data.questionnaire)
        except ProfileError as exc:
            QMessageBox.warning(self.widget, "无法打开档案",
                                f"文件 {path.name} 不是可用的企业档案：\n{exc}\n\n当前咨询没有改变。")
            return False
        self.remember_folder(path)
        as_of = loaded.as_of or dt.date.today()
        problem = as_of_problem(as_of, self.earliest)
        if problem:
            QMessageBox.warning(self.widget, "档案中的评估日期不可用", f"{problem}\n\n档案已打开，评估日期改用今天。")
            as_of = dt.date.today()
        order = {q.fact: i for i, q in enumerate(self.data.questionnaire.questions)}
        trail = sorted((f for f in list(loaded.profile) + loaded.skipped if f != "name" and f in order), key=order.__getitem__)
        self._replace(Consultation(answers=dict(loaded.profile), skipped=list(loaded.skipped), trail=trail,
                                   pos=len(trail), as_of=as_of, path=path.resolve(), dirty=bool(problem)), opened=True)
        note = f"（评估日期按档案恢复为 {loaded.as_of.isoformat()}）" if loaded.as_of and not problem else ""
        self.status.emit(f"已打开 {path.name}{note}", 6000)
        return True

    def save(self) -> bool:
        if self.consultation.path is None:
            return self.save_as()
        return self.save_to(self.consultation.path)

    def save_as(self) -> bool:
        suggested = self.store.suggest_path(self.consultation.company, self.last_folder())
        name, _ = QFileDialog.getSaveFileName(self.widget, "保存企业档案", str(suggested), "企业档案 (*.json)")
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
            QMessageBox.critical(self.widget, "保存失败", str(exc))
            return False
        c.path = path.resolve()
        c.dirty = False
        self.remember_folder(path)
        self.record_history()
        self.changed.emit()
        self.status.emit(f"已保存到 {path}", 5000)
        return True

    def duplicate(self) -> None:
        """A copy of the current answers as a new, unsaved consultation."""
        c = self.consultation
        copy = Consultation(answers=dict(c.answers), skipped=list(c.skipped), trail=list(c.trail), pos=c.pos,
                            as_of=c.as_of, path=None, dirty=True)
        if c.company:
            copy.answers["name"] = f"{c.company}（副本）"
        self._replace(copy)
        self.status.emit("已复制为新档案（尚未保存）。修改后请保存为新文件。", 6000)

    # ------------------------------------------------------------------ history and title

    def record_history(self, _path: object = None) -> None:
        """Note the consultation in 最近咨询 (after a save or a printed checklist)."""
        c = self.consultation
        try:
            ev = self.evaluation()  # the full record: measures, 不确定 answers, what-if shown, adviser
            self.store.record(c.company, c.path, c.as_of, ev.report.counts() if ev else None,
                              report=ev.report if ev else None, unsure=list(c.skipped), adviser=self.officer(),
                              unlocks=ev.unlocks if ev and ev.unlocks_ready else None,
                              questionnaire=self.data.questionnaire)
        except StoreError as exc:
            self.status.emit(f"无法更新最近咨询列表：{exc}", 6000)
        self.history_changed.emit(self.store.history())

    def title(self) -> str:
        c = self.consultation
        name = c.company or "新咨询"
        where = f" — {c.path.name}" if c.path else ""
        return f"{APP_TITLE} — {name}{where}[*]"
