"""The main window: questionnaire on the left, results / timeline / what-if / reader / search on the right.

The window lays out the views, evaluates the consultation after every answer, skip, date change
or opened profile, and routes between views; each view only shows what it is given and reports
what the person did. Three controllers own the rest and talk to the window through signals:
DeskController (desk.py: the consultation as a document, prompts, history), ExportController
(export_controller.py: print preview, PDF, calendar, officer name) and DataPackController
(datapack_controller.py: importing a data pack).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStyle,
    QTabWidget,
    QToolBar,
)

from desktop.gui import datapack_action
from desktop.gui.answer_editors import format_answer
from desktop.gui.as_of_edit import AsOfEdit
from desktop.session.as_of import earliest_date
from desktop.session.citations import CitationIndex
from desktop.session.consultation import Consultation, Evaluation
from desktop.gui.datapack_controller import DataPackController
from desktop.gui.desk import APP_TITLE, DeskController
from desktop.gui.export_controller import ExportController
from desktop.gui.desk_menu import install_desk_menu
from desktop.gui.history_view import HistoryView
from desktop.session.profiles_store import ProfileStore
from desktop.gui.questionnaire_view import AnswersView, QuestionnaireView, summary_html
from desktop.gui.reader_view import ReaderView
from desktop.gui.results_view import ResultsView
from desktop.gui.search_view import SearchView
from desktop.gui.timeline import TimelineView
from desktop.gui.whatif_view import WhatIfView
from desktop.paths import resources_dir, user_data_dir
from desktop.service import PolicyData, gate_state

STYLE_SHEET = """
QLabel#questionText { font-size: 13pt; font-weight: bold; padding: 4px 0; }
QLabel#helpText { color: #4a4a4a; background: #f3f6fa; border-left: 3px solid #9bb7d4; padding: 6px; }
QLabel#pageLabel { color: #1f5fa8; font-weight: bold; }
QLabel#hint { color: #666666; }
QLabel#errorText { color: #b00020; }
QLabel#docHeader { padding: 2px 0 4px 0; }
"""


def open_settings() -> QSettings:
    """Settings in an ini file in the user-data folder (POLICY_DESK_DATA isolates tests)."""
    path = user_data_dir() / "settings.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def app_icon() -> QIcon:
    icon = QIcon()
    folder = resources_dir() / "icons"
    for name in ("policy-desk.svg", "policy-desk-256.png"):
        if (folder / name).exists():
            icon.addFile(str(folder / name))
    return icon


class MainWindow(QMainWindow):
    """惠企政策通's one window."""

    RESULTS, TIMELINE, WHATIF, READER, SEARCH = range(5)
    QUESTIONS, ANSWERS, HISTORY = range(3)
    # Menu actions that desk_menu.py and datapack_action.py add to the window.
    act_stats: QAction
    act_alerts: QAction
    act_restore_bundled: QAction

    def __init__(self, data: PolicyData, settings: QSettings | None = None, store: ProfileStore | None = None):
        super().__init__()
        self.data = data
        self.settings = settings or open_settings()
        self.store = store or ProfileStore()
        self.questions = data.questionnaire.by_fact
        self.citations = CitationIndex(data.library, data.engine.measures)
        self.evaluation: Evaluation | None = None
        self._busy = 0
        self._whatif_stale = True
        earliest = earliest_date(d.issue_date for d in data.library.documents())
        self.desk = DeskController(self, data, self.settings, self.store, earliest=earliest,
                                   evaluation=lambda: self.evaluation, officer=lambda: self.exports.officer())
        self.exports = ExportController(self, data, self.settings, evaluation=lambda: self.evaluation,
                                        company=lambda: self.consultation.company, folder=self.desk.last_folder,
                                        remember_folder=self.desk.remember_folder,
                                        full=lambda: self.act_full.isChecked())
        self.datapacks = DataPackController(self)

        self.setWindowIcon(app_icon())
        self.setStyleSheet(STYLE_SHEET)
        self._build_views()
        self._build_actions()
        self._build_status_bar()
        self._connect()
        self._restore_settings()
        self.refresh()
        self.consultation.start(self.evaluation, self.questions, data.engine)
        self._show_current()
        self._update_title()

    # ================================================================== building

    def _build_views(self) -> None:
        self.questionnaire = QuestionnaireView()
        self.answers_view = AnswersView()
        self.history_view = HistoryView()
        self.left_tabs = QTabWidget()
        self.left_tabs.addTab(self.questionnaire, "问卷")
        self.left_tabs.addTab(self.answers_view, "全部回答")
        self.left_tabs.addTab(self.history_view, "最近咨询")

        self.results_view = ResultsView()
        self.timeline_view = TimelineView()
        self.whatif_view = WhatIfView()
        self.reader_view = ReaderView(self.data.library, self.citations)
        self.search_view = SearchView(self.data, self.data.engine.measures,
                                      self.citations.doc_of.get)
        self.right_tabs = QTabWidget()
        self.right_tabs.addTab(self.results_view, "匹配结果")
        self.right_tabs.addTab(self.timeline_view, "时间线")
        self.right_tabs.addTab(self.whatif_view, "可争取的政策")
        self.right_tabs.addTab(self.reader_view, "原文阅读")
        self.right_tabs.addTab(self.search_view, "政策检索")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.left_tabs)
        self.splitter.addWidget(self.right_tabs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([470, 896])
        self.splitter.setChildrenCollapsible(False)
        # Narrow margins around the questionnaire: with the views' minimum widths the window fits 1024 px.
        self.questionnaire.layout().setContentsMargins(6, 8, 6, 6)
        self.setCentralWidget(self.splitter)

    def _action(self, text: str, slot, shortcut: Any = None, icon: QStyle.StandardPixmap | None = None,
                tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        SP = QStyle.StandardPixmap
        KS = QKeySequence.StandardKey
        self.act_new = self._action("新建咨询(&N)", self.new_consultation, KS.New, SP.SP_FileIcon,
                                    "清空当前回答，开始新的咨询")
        self.act_open = self._action("打开档案(&O)…", self.open_profile_dialog, KS.Open, SP.SP_DialogOpenButton,
                                     "打开已保存的企业档案（JSON）")
        self.act_save = self._action("保存档案(&S)", self.save, KS.Save, SP.SP_DialogSaveButton, "保存企业档案")
        self.act_save_as = self._action("另存为(&A)…", self.save_as, KS.SaveAs)
        self.act_duplicate = self._action("复制为新档案(&D)", self.duplicate, None, SP.SP_FileDialogNewFolder,
                                          "以当前回答为基础，开始另一家企业（或另一种情形）的咨询")
        self.act_preview = self._action("打印预览(&V)…", self.print_preview, KS.Print, None,
                                        "预览并打印政策匹配清单（含评估日期）")
        self.act_pdf = self._action("打印清单 / 导出PDF(&P)…", self.export_pdf, "Ctrl+E", SP.SP_DialogApplyButton,
                                    "生成政策匹配清单 PDF（含评估日期、依据条款）")
        self.act_ics = self._action("导出截止日期日历(.ics)(&C)…", self.export_ics, None, None,
                                    "把适用政策的截止日期导出为日历文件")
        self.act_full = self._action("清单包含附录（政策方向、一般规定）", lambda: None, None, None,
                                     "打印预览和 PDF 清单附上相关政策方向和对所有企业适用的一般规定（默认不附）")
        self.act_full.setCheckable(True)
        self.act_quit = self._action("退出(&X)", self.close, KS.Quit)
        self.act_find = self._action("检索政策文件(&F)", self.focus_search, KS.Find, SP.SP_FileDialogContentsView,
                                     "全文检索政策文件")
        self.act_back = self._action("上一题", self.go_back, KS.Back)
        self.act_officer = self._action("咨询人员姓名…", self.set_officer)
        self.act_about = self._action("关于惠企政策通(&A)…", self.about)
        self.act_import_pack = self._action("导入政策数据包(&I)…", self.import_data_pack, None, None,
                                            "安装新版本的政策数据（.pdpack），校验后替换，旧数据在完成前保持可用")
        self.act_today = self._action("评估日期设为今天", self.set_today, None, None, "把评估日期设为今天")

        file_menu = self.menuBar().addMenu("文件(&F)")
        for a in (self.act_new, self.act_open, self.act_save, self.act_save_as, self.act_duplicate):
            file_menu.addAction(a)
        file_menu.addSeparator()
        for a in (self.act_preview, self.act_pdf, self.act_full, self.act_ics):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.act_officer)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        view_menu = self.menuBar().addMenu("查看(&V)")
        names = ["匹配结果", "时间线", "可争取的政策", "原文阅读", "政策检索"]
        for i, name in enumerate(names):
            act = self._action(name, lambda i=i: self.show_tab(i), f"Ctrl+{i + 1}")
            view_menu.addAction(act)
        view_menu.addSeparator()
        view_menu.addAction(self._action("问卷", lambda: self.left_tabs.setCurrentIndex(self.QUESTIONS), "Ctrl+Shift+1"))
        view_menu.addAction(self._action("全部回答", lambda: self.left_tabs.setCurrentIndex(self.ANSWERS), "Ctrl+Shift+2"))
        view_menu.addAction(self._action("最近咨询", lambda: self.left_tabs.setCurrentIndex(self.HISTORY), "Ctrl+Shift+3"))
        view_menu.addSeparator()
        view_menu.addAction(self.act_find)
        view_menu.addAction(self.act_today)
        view_menu.addAction(self.act_back)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        help_menu.addAction(self.act_import_pack)
        help_menu.addAction(datapack_action.restore_bundled_action(self))  # 恢复内置数据
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)
        install_desk_menu(self)  # 咨询台: statistics and client alerts (desktop/gui/desk_menu.py)

        bar = QToolBar("常用")
        bar.setObjectName("mainToolBar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.setMovable(False)
        for a in (self.act_new, self.act_open, self.act_save, self.act_duplicate):
            bar.addAction(a)
        bar.addSeparator()
        bar.addAction(self.act_pdf)
        bar.addAction(self.act_find)
        # The evaluation date sits in the menu bar's corner: always visible, never in an overflow.
        self.as_of_edit = AsOfEdit(self.desk.earliest)
        self.date_edit = self.as_of_edit.edit
        self.menuBar().setCornerWidget(self.as_of_edit, Qt.Corner.TopRightCorner)
        self.addToolBar(bar)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.counts_label = QLabel()
        self.asof_label = QLabel()
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.counts_label)
        sb.addPermanentWidget(self.asof_label)

    def _connect(self) -> None:
        q = self.questionnaire
        q.answered.connect(self.answer)
        q.skip_requested.connect(self.skip)
        q.back_requested.connect(self.go_back)
        q.name_changed.connect(self._name_changed)
        q.show_results_requested.connect(lambda: self.show_tab(self.RESULTS))
        q.ask_skipped_requested.connect(self._ask_skipped)
        self.answers_view.edit_requested.connect(self.goto_question)
        self.answers_view.clear_requested.connect(self.clear_answer)
        self.history_view.open_requested.connect(lambda p: self.open_profile(Path(p)))
        self.results_view.source_requested.connect(self.open_source)
        self.results_view.question_requested.connect(self.goto_question)
        self.timeline_view.canvas.measure_clicked.connect(self.show_measure)
        self.whatif_view.measure_requested.connect(self.show_measure)
        self.whatif_view.relocation_toggled.connect(self._relocation_toggled)
        self.reader_view.measure_requested.connect(self.show_measure)
        self.search_view.hit_opened.connect(self.open_hit)
        self.search_view.status_message.connect(lambda m: self.statusBar().showMessage(m, 5000))
        self.right_tabs.currentChanged.connect(self._tab_changed)
        self.as_of_edit.chosen.connect(self._date_changed)
        status = lambda message, ms: self.statusBar().showMessage(message, ms)  # noqa: E731
        self.desk.replaced.connect(self._show_consultation)
        self.desk.changed.connect(self._update_title)
        self.desk.history_changed.connect(self.history_view.set_entries)
        self.desk.status.connect(status)
        self.exports.status.connect(status)
        self.exports.busy.connect(self._set_busy)
        self.exports.exported.connect(self.desk.record_history)

    COMPACT_WIDTH = 1280  # below this the results list sits above its detail, so titles stay readable

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        compact = self.width() < self.COMPACT_WIDTH
        splitter = getattr(self.results_view, "splitter", None)
        wanted = Qt.Orientation.Vertical if compact else Qt.Orientation.Horizontal
        if splitter is not None and splitter.orientation() != wanted:
            splitter.setOrientation(wanted)

    # ================================================================== evaluation

    @property
    def consultation(self) -> Consultation:
        """The consultation being worked on (owned by the desk controller)."""
        return self.desk.consultation

    @property
    def as_of(self) -> dt.date:
        return self.consultation.as_of

    def refresh(self) -> None:
        """Re-evaluate the consultation and update every view (after each answer)."""
        c = self.consultation
        self.evaluation = ev = c.evaluate(self.data)
        results = ev.report.results
        as_of = c.as_of.isoformat()
        self.results_view.set_results(ev.report.model, self.data.questionnaire, as_of, c.company)
        self.timeline_view.set_results(results, c.as_of)
        self._whatif_stale = True
        if self.right_tabs.currentIndex() == self.WHATIF:
            self._update_whatif()
        else:
            self.right_tabs.setTabText(self.WHATIF, "可争取的政策")
        self.reader_view.set_results(results, {m.id: m.title for m in self.data.engine.measures})
        self.reader_view.set_as_of(c.as_of)
        self.search_view.set_as_of(c.as_of)
        self._fill_answers()
        self.counts_label.setText(ev.report.model.counts_text())  # the same counts on every face
        self.asof_label.setText(f"评估日期：{as_of}")
        self.right_tabs.setTabText(self.RESULTS, f"匹配结果（适用 {ev.report.counts()['applies']}）")

    def _fill_answers(self) -> None:
        c = self.consultation
        facts = self.data.engine.facts_of(c.effective_profile(self.data.engine))
        rows = []
        for q in self.data.questionnaire.questions:
            if q.fact == "name":
                continue
            rows.append((q, c.answers.get(q.fact), q.fact in c.skipped, gate_state(q, facts) is not False))
        self.answers_view.set_answers(rows)

    def _show_current(self) -> None:
        c = self.consultation
        fact = c.current
        ev = self.evaluation
        if fact is None or fact not in self.questions:
            counts = ev.report.counts() if ev else {}  # the same numbers as the header (the result model)
            answered = len([k for k in c.effective_profile(self.data.engine) if k != "name"])
            self.questionnaire.show_finished(
                summary_html(c.company, answered, len(c.skipped), counts, c.as_of.isoformat(),
                             to_confirm=ev.to_confirm if ev else []),
                skipped=len(c.skipped), can_go_back=c.can_go_back)
            return
        question = self.questions[fact]
        open_q = next((oq for oq in ev.open if oq.question.fact == fact), None) if ev else None
        titles = {m.id: m.title for m in self.data.engine.measures}
        related = [titles.get(mid, mid) for mid in (open_q.measure_ids if open_q else [])]
        remaining = ev.remaining_after(fact) if ev else 0
        number, _shown = c.position_label()
        self.questionnaire.show_question(question, c.answers.get(fact), skipped=fact in c.skipped, number=number,
                                         remaining=remaining, related=related, can_go_back=c.can_go_back)

    # ================================================================== questionnaire actions

    def answer(self, fact: str, value: Any) -> None:
        c = self.consultation
        c.set_answer(fact, value)
        self.refresh()
        c.forward(self.evaluation, self.questions, self.data.engine)
        self._show_current()
        self._update_title()
        q = self.questions.get(fact)
        self.statusBar().showMessage(f"已记录：{q.text if q else fact} → {format_answer(q, value)}", 4000)

    def skip(self, fact: str) -> None:
        c = self.consultation
        c.skip(fact)
        self.refresh()
        c.forward(self.evaluation, self.questions, self.data.engine)
        self._show_current()
        self._update_title()
        self.statusBar().showMessage("已标为“不确定”：相关政策显示为“可能适用”。", 4000)

    def go_back(self) -> None:
        c = self.consultation
        if self.questionnaire.question is not None:
            ok, value, _ = self.questionnaire.current_value()
            fact = self.questionnaire.question.fact
            if ok and c.answers.get(fact) != value and fact not in c.skipped:
                c.set_answer(fact, value)
                self.refresh()
        c.back(self.questions, self.data.engine)
        self._show_current()
        self._update_title()

    def goto_question(self, fact: str) -> None:
        if fact not in self.questions:
            return
        self.consultation.goto(fact)
        self.left_tabs.setCurrentIndex(self.QUESTIONS)
        self._show_current()

    def clear_answer(self, fact: str) -> None:
        c = self.consultation
        if fact in c.answers or fact in c.skipped:
            c.answers.pop(fact, None)
            if fact in c.skipped:
                c.skipped.remove(fact)
            c.dirty = True
            self.refresh()
            self._show_current()
            self._update_title()

    def _ask_skipped(self) -> None:
        self.consultation.unskip_all()
        self.refresh()
        self.consultation.forward(self.evaluation, self.questions, self.data.engine)
        self._show_current()

    def _name_changed(self, name: str) -> None:
        self.consultation.set_answer("name", name.strip() or None)
        self.consultation.dirty = True
        self._update_title()
        ev = self.evaluation
        if ev is not None:
            ev.report.profile["name"] = name.strip()
            self.results_view.set_results(ev.report.model, self.data.questionnaire,
                                          self.as_of.isoformat(), self.consultation.company)

    def _date_changed(self, day: dt.date) -> None:
        if day == self.consultation.as_of:
            return
        focus = QApplication.focusWidget()
        typing = focus is not None and self.as_of_edit.isAncestorOf(focus)
        self.consultation.as_of = day
        self.refresh()
        if self.questionnaire.finished:
            self.consultation.pos = len(self.consultation.trail) - 1
            self.consultation.forward(self.evaluation, self.questions, self.data.engine)
        self._show_current()
        if typing:  # the questionnaire takes the focus when it shows a question; give it back
            self.date_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.statusBar().showMessage(f"评估日期改为 {day.isoformat()}，结果已更新。", 4000)

    def set_as_of(self, day: dt.date) -> None:
        self.as_of_edit.set_date(day)

    def set_today(self) -> None:
        self.set_as_of(dt.date.today())

    # ================================================================== navigation between views

    def show_tab(self, index: int) -> None:
        self.right_tabs.setCurrentIndex(index)

    def _tab_changed(self, index: int) -> None:
        if index == self.SEARCH:
            self.search_view.prepare()
        elif index == self.WHATIF:
            self._update_whatif()

    def _update_whatif(self) -> None:
        """Fill 可争取的政策 (only while it is visible or needed: what-if is the costly part)."""
        if self.evaluation is None or not self._whatif_stale:
            return
        self._whatif_stale = False
        unlocks = self.evaluation.unlocks
        self.whatif_view.set_unlocks(unlocks)
        self.right_tabs.setTabText(self.WHATIF, f"可争取的政策（{len(unlocks)}）")

    def _relocation_toggled(self, on: bool) -> None:
        """含迁址: what-if also tries moving into a zone (自贸区, 中关村, 经开区)."""
        self.consultation.include_relocation = on
        if self.evaluation is not None:
            self.evaluation.set_relocation(on)
        self._whatif_stale = True
        self._update_whatif()

    def show_measure(self, measure_id: str) -> None:
        self.show_tab(self.RESULTS)
        if not self.results_view.select_measure(measure_id):
            self.statusBar().showMessage("这条政策不在当前结果列表中（可能被筛选）。", 4000)

    def open_source(self, measure_id: str) -> None:
        if self.reader_view.open_measure(measure_id):
            self.show_tab(self.READER)
            self.reader_view.text.setFocus()
            if self.citations.span(measure_id) is None:
                self.statusBar().showMessage("已打开所引文件，但未能在原文中定位引文。", 5000)
        else:
            QMessageBox.information(self, "无法打开原文", "在政策库中找不到这条政策所引用的文件。")

    def open_hit(self, doc_id: str, section_id: str, words: list) -> None:
        if self.reader_view.open_section(doc_id, section_id or None, list(words)):
            self.show_tab(self.READER)

    def focus_search(self) -> None:
        self.show_tab(self.SEARCH)
        self.search_view.focus_query()

    # ================================================================== about, settings, closing

    # ================================================================== the controllers' actions
    # (public names kept: menus, tests and other views call them on the window)

    def _show_consultation(self, consultation: Consultation, opened: bool) -> None:
        """A new, opened or duplicated consultation: every view starts from it."""
        self.as_of_edit.show_date(consultation.as_of)
        self.questionnaire.set_company_name(consultation.company)
        self.refresh()
        consultation.start(self.evaluation, self.questions, self.data.engine)
        if opened:  # on to the first question the file leaves open
            consultation.forward(self.evaluation, self.questions, self.data.engine)
        self._show_current()

    def new_consultation(self) -> bool:
        if not self.desk.new():
            return False
        self.left_tabs.setCurrentIndex(self.QUESTIONS)
        self.show_tab(self.RESULTS)
        return True

    def open_profile_dialog(self) -> bool:
        return self.desk.open_dialog()

    def open_profile(self, path: Path, confirmed: bool = False) -> bool:
        return self.desk.open(path, confirmed)

    def save(self) -> bool:
        return self.desk.save()

    def save_as(self) -> bool:
        return self.desk.save_as()

    def save_to(self, path: Path) -> bool:
        return self.desk.save_to(path)

    def duplicate(self) -> None:
        self.desk.duplicate()

    def _confirm_discard(self) -> bool:  # used by datapack_action
        return self.desk.confirm_discard()

    def _last_folder(self) -> Path:  # used by datapack_action
        return self.desk.last_folder()

    def print_preview(self) -> None:
        self.exports.print_preview()

    def export_pdf(self, path: Path | None = None) -> bool:
        return self.exports.export_pdf(path)

    def export_ics(self, path: Path | None = None) -> bool:
        return self.exports.export_ics(path)

    def set_officer(self) -> None:
        self.exports.set_officer()

    def import_data_pack(self) -> None:
        self.datapacks.import_pack()

    def _update_title(self) -> None:
        self.setWindowTitle(self.desk.title())
        self.setWindowModified(self.consultation.dirty)

    def _set_busy(self, busy: bool, message: str) -> None:
        self._busy = max(0, self._busy + (1 if busy else -1))
        self.progress.setVisible(self._busy > 0)
        self.statusBar().showMessage(message, 0 if busy else 6000)

    def about(self) -> None:
        meta = self.data.meta
        QMessageBox.about(
            self, "关于惠企政策通",
            f"<h3>{APP_TITLE}</h3>"
            f"<p>离线政策匹配工具：问卷 → 适用政策、理由、依据条款和有效期。</p>"
            f"<p>程序版本：{html.escape(meta.get('app_version', '?'))}<br/>"
            f"数据版本：<b>{html.escape(meta.get('data_version', '?'))}</b><br/>"
            f"数据生成时间：{html.escape(meta.get('build_date', '?'))}<br/>"
            f"政策文件 {html.escape(meta.get('documents', '?'))} 份，条款 {html.escape(meta.get('sections', '?'))} 个，"
            f"政策措施 {len(self.data.engine.measures)} 条<br/>"
            f"数据库：{html.escape(str(self.data.db_path))}</p>"
            "<p>结果仅供参考，办理前请向主管部门核实。字体：文泉驿微米黑（Apache-2.0）。</p>")

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:  # first start: 1366×768, or the whole screen when it is smaller (1024×768 office PCs)
            screen = self.screen().availableGeometry() if self.screen() else None
            self.resize(min(1366, screen.width()) if screen else 1366, min(768, screen.height()) if screen else 768)
        state = self.settings.value("window_state")
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.history_view.set_entries(self.store.history())

    def save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("window_state", self.saveState())
        self.settings.setValue("splitter", self.splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.desk.confirm_discard():
            event.ignore()
            return
        self.save_settings()
        event.accept()
