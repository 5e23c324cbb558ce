"""The questionnaire: one question at a time, and the list of all answers.

The window decides which question comes next (desktop.session.consultation); this view shows it with
its help text and an editor for its type, and reports what the person did: answered, skipped
("不确定 / 跳过"), went back or forward. Nothing here evaluates rules.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.gui.answer_editors import AnswerEditor, format_answer, make_editor
from desktop.service import Question, counts_text

FACT_ROLE = Qt.ItemDataRole.UserRole


class QuestionnaireView(QWidget):
    """The guided questionnaire (left side of the window)."""

    answered = Signal(str, object)  # fact, value
    skip_requested = Signal(str)
    back_requested = Signal()
    name_changed = Signal(str)
    show_results_requested = Signal()
    ask_skipped_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.question: Question | None = None
        self.editor: AnswerEditor | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 10, 10, 10)

        name_row = QHBoxLayout()
        name_label = QLabel("企业名称(&M)：")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("用于保存档案和打印清单，不影响政策判断")
        self.name_edit.setMaxLength(200)
        self.name_edit.setAccessibleName("企业名称")
        name_label.setBuddy(self.name_edit)
        self.name_edit.textEdited.connect(self.name_changed)
        name_row.addWidget(name_label)
        name_row.addWidget(self.name_edit, 1)
        outer.addLayout(name_row)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        outer.addWidget(line)

        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.stack.addWidget(self._build_question_page())
        self.stack.addWidget(self._build_done_page())

    # ------------------------------------------------------------------ building

    def _build_question_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        head = QHBoxLayout()
        self.page_label = QLabel()
        self.page_label.setObjectName("pageLabel")
        self.page_label.setWordWrap(True)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("hint")
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.page_label, 1)
        head.addWidget(self.progress_label)
        layout.addLayout(head)

        self.question_label = QLabel()
        self.question_label.setObjectName("questionText")
        self.question_label.setWordWrap(True)
        self.question_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.question_label)

        self.help_label = QLabel()
        self.help_label.setObjectName("helpText")
        self.help_label.setWordWrap(True)
        self.help_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.help_label)

        self.editor_area = QScrollArea()
        self.editor_area.setWidgetResizable(True)
        self.editor_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.editor_area.setFrameShape(QFrame.Shape.NoFrame)
        self.editor_area.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout.addWidget(self.editor_area, 1)

        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.related_label = QLabel()
        self.related_label.setObjectName("hint")
        self.related_label.setWordWrap(True)
        layout.addWidget(self.related_label)

        buttons = QHBoxLayout()
        self.back_button = QPushButton("← 上一题(&B)")
        self.back_button.setToolTip("回到上一个问题（Alt+←）；已填写的回答都会保留")
        self.skip_button = QPushButton("不确定 / 跳过(&U)")
        self.skip_button.setToolTip("不清楚或不便回答：相关政策显示为“可能适用”，不会被判为不适用")
        self.next_button = QPushButton("下一题 →(&N)")
        self.next_button.setDefault(True)
        self.next_button.setToolTip("保存回答并进入下一个问题（Enter）")
        self.back_button.clicked.connect(self._back)
        self.skip_button.clicked.connect(self._skip)
        self.next_button.clicked.connect(self.submit)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.next_button)
        layout.addLayout(buttons)
        return page

    def _build_done_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        self.done_label = QLabel()
        self.done_label.setWordWrap(True)
        self.done_label.setTextFormat(Qt.TextFormat.RichText)
        self.done_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.done_label)
        row = QHBoxLayout()
        self.done_back_button = QPushButton("← 上一题(&B)")
        self.done_back_button.clicked.connect(self.back_requested)
        self.results_button = QPushButton("查看匹配结果(&R)")
        self.results_button.clicked.connect(self.show_results_requested)
        self.ask_skipped_button = QPushButton("重新询问跳过的问题")
        self.ask_skipped_button.clicked.connect(self.ask_skipped_requested)
        row.addWidget(self.done_back_button)
        row.addStretch(1)
        row.addWidget(self.ask_skipped_button)
        row.addWidget(self.results_button)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    # ------------------------------------------------------------------ showing

    def set_company_name(self, name: str) -> None:
        if self.name_edit.text() != name:
            self.name_edit.setText(name)

    def show_question(self, question: Question, value: Any, *, skipped: bool, number: int,
                      remaining: int, related: list[str], can_go_back: bool) -> None:
        """Put ``question`` on screen with its current answer (if any)."""
        self.question = question
        self.stack.setCurrentIndex(0)
        self.page_label.setText(question.page)
        self.progress_label.setText(f"第 {number} 题 · 待答约 {remaining} 题" if remaining else f"第 {number} 题 · 最后一题")
        self.progress_label.setToolTip(f"还有约 {remaining} 个问题可能改变某条政策的判断；其余问题不影响结果，不再询问。")
        self.question_label.setText(question.text)
        self.help_label.setText(question.help)
        self.help_label.setVisible(bool(question.help))
        self.error_label.hide()
        if skipped:
            self.related_label.setText("此题已标为“不确定”。现在回答可让相关政策的判断更确定。")
        elif related:
            shown = "、".join(related[:3]) + ("等" if len(related) > 3 else "")
            self.related_label.setText(f"这个回答会影响 {len(related)} 条政策的判断：{shown}")
        else:
            self.related_label.setText("")
        old = self.editor_area.takeWidget()
        if old is not None:
            old.deleteLater()
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 6, 6, 6)
        self.editor = make_editor(question, holder)
        self.editor.setObjectName(f"editor_{question.fact}")
        box.addWidget(self.editor)
        box.addStretch(1)
        self.editor_area.setWidget(holder)
        if value is not None:
            self.editor.set_value(value)
        self.editor.submitted.connect(self.submit)
        self.editor.edited.connect(self.error_label.hide)
        self.back_button.setEnabled(can_go_back)
        self._fix_tab_order()
        self.editor.focus_first()

    def _fix_tab_order(self) -> None:
        """Name → options → 上一题 → 不确定 → 下一题."""
        chain: list[QWidget] = [self.name_edit]
        if self.editor is not None:
            chain += self.editor.buttons() or [self.editor.focusProxy() or self.editor]
        chain += [self.back_button, self.skip_button, self.next_button]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

    def show_finished(self, summary_html: str, *, skipped: int, can_go_back: bool) -> None:
        self.question = None
        self.editor = None
        self.stack.setCurrentIndex(1)
        self.done_label.setText(summary_html)
        self.ask_skipped_button.setVisible(skipped > 0)
        self.ask_skipped_button.setText(f"重新询问跳过的问题（{skipped}）")
        self.done_back_button.setEnabled(can_go_back)
        self.results_button.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def finished(self) -> bool:
        return self.stack.currentIndex() == 1

    # ------------------------------------------------------------------ actions

    def current_value(self) -> tuple[bool, Any, str]:
        if self.editor is None:
            return False, None, ""
        return self.editor.value()

    def submit(self) -> None:
        """下一题: record the answer shown in the editor, or say what is missing."""
        if self.question is None or self.editor is None:
            return
        ok, value, message = self.editor.value()
        if not ok:
            self.error_label.setText(message)
            self.error_label.show()
            self.editor.focus_first()
            return
        self.answered.emit(self.question.fact, value)

    def _skip(self) -> None:
        if self.question is not None:
            self.skip_requested.emit(self.question.fact)

    def _back(self) -> None:
        """上一题: the window keeps a valid answer left in the editor (see current_value)."""
        self.back_requested.emit()


class AnswersView(QWidget):
    """Every answer given (and every question skipped), by page; double-click to change one."""

    edit_requested = Signal(str)
    clear_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["问题", "回答"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.tree.header().resizeSection(1, 150)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.show_all = QCheckBox("显示尚未回答的问题")
        self.show_all.toggled.connect(lambda _on: self.refresh())
        self.edit_button = QPushButton("修改所选(&E)")
        self.edit_button.clicked.connect(lambda: self._activated(self.tree.currentItem(), 0))
        self.clear_button = QPushButton("清除回答")
        self.clear_button.clicked.connect(self._clear)
        row.addWidget(self.show_all)
        row.addStretch(1)
        row.addWidget(self.clear_button)
        row.addWidget(self.edit_button)
        layout.addLayout(row)
        self._rows: list[tuple[Question, Any, bool, bool]] = []

    def set_answers(self, rows: list[tuple[Question, Any, bool, bool]]) -> None:
        """rows: (question, value or None, skipped, shown) in questionnaire order."""
        self._rows = rows
        self.refresh()

    def refresh(self) -> None:
        current = self.current_fact()
        self.tree.clear()
        pages: dict[str, QTreeWidgetItem] = {}
        show_all = self.show_all.isChecked()
        select: QTreeWidgetItem | None = None
        for question, value, skipped, shown in self._rows:
            answered = value is not None
            if not (answered or skipped or (show_all and shown)):
                continue
            page = pages.get(question.page)
            if page is None:
                page = QTreeWidgetItem(self.tree, [question.page, ""])
                page.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = page.font(0)
                font.setBold(True)
                page.setFont(0, font)
                pages[question.page] = page
            if skipped:
                text = "不确定（已跳过）"
            elif answered:
                text = format_answer(question, value)
            else:
                text = "未回答"
            if answered and not shown:
                text += "（当前不适用，不计入）"
            item = QTreeWidgetItem(page, [question.text, text])
            item.setData(0, FACT_ROLE, question.fact)
            item.setToolTip(0, question.text)
            item.setToolTip(1, text)
            if question.fact == current:
                select = item
        self.tree.expandAll()
        if select is not None:
            self.tree.setCurrentItem(select)

    def current_fact(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, FACT_ROLE) if item is not None else None

    def _activated(self, item: QTreeWidgetItem | None, _column: int) -> None:
        fact = item.data(0, FACT_ROLE) if item is not None else None
        if fact:
            self.edit_requested.emit(fact)

    def _clear(self) -> None:
        fact = self.current_fact()
        if fact:
            self.clear_requested.emit(fact)


def summary_html(company: str, answered: int, skipped: int, counts: dict[str, int], as_of: str,
                 to_confirm: list[str] | None = None) -> str:
    """The text of the finished page: what was asked, the result, and what stays to be confirmed."""
    name = html.escape(company) if company else "（未填写企业名称）"
    to_confirm = list(to_confirm or [])
    if to_confirm:
        shown = "".join(f"<li>{html.escape(t)}</li>" for t in to_confirm[:6])
        more = f"<li>……等共 {len(to_confirm)} 项</li>" if len(to_confirm) > 6 else ""
        rest = ("。本次咨询不再提问（已达题数上限，或余下的问题只涉及政策方向和次要事项）；以下事项留待确认"
                f"（在“全部回答”中随时可以补充）：</p><ul>{shown}{more}</ul><p>")
    else:
        rest = "。剩下的问题都不会再改变任何政策的判断，所以不再询问。"
    return (
        f"<h3>问卷已完成</h3>"
        f"<p>{name}：已回答 {answered} 个问题"
        + (f"，{skipped} 个标为“不确定”" if skipped else "")
        + rest + "</p>"
        f"<p>评估日期 <b>{html.escape(as_of)}</b>：{html.escape(counts_text(counts, '，'))}。</p>"
        "<p>在“全部回答”中可以查看和修改任何回答；结果会随之更新。</p>"
    )
