"""Live results: the sections of the result model, with the details of the selected measure.

The sections, their groups, the order of the items and the counts are the result model's
(desktop.rules.result): 必须办理和遵守, 可以申请和使用, 需要确认, 相关政策方向 (programme-level items:
never shown as "you qualify"), 对所有企业适用的一般规定, 已失效或尚未生效, 不适用. The detail pane links
to the questions that would settle a "maybe" and to the cited clause.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.service import STATUS_LABELS, MeasureResult, Questionnaire, ResultModel
from desktop.session.render import SECTION_COLOURS, STATUS_COLOURS, measure_detail_html

ID_ROLE = Qt.ItemDataRole.UserRole
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
EXPANDED_BY_DEFAULT = {"must_do", "can_apply", "to_confirm"}


class ResultsView(QWidget):
    """The results tab."""

    source_requested = Signal(str)  # measure id
    question_requested = Signal(str)  # fact
    measure_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.results: dict[str, MeasureResult] = {}
        self.model: ResultModel | None = None
        self.questionnaire: Questionnaire | None = None
        self.as_of = ""
        self._expanded: dict[str, bool] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        head = QHBoxLayout()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("resultsSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.summary_label.setWordWrap(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("筛选：标题、部门、摘要中的文字")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaximumWidth(240)
        self.filter_edit.textChanged.connect(self._apply_filter)
        head.addWidget(self.summary_label, 1)
        head.addWidget(self.filter_edit)
        layout.addLayout(head)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["政策措施", "部门"])
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().resizeSection(1, 130)
        self.tree.setAccessibleName("匹配结果列表")
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemExpanded.connect(lambda it: self._remember(it, True))
        self.tree.itemCollapsed.connect(lambda it: self._remember(it, False))
        self.splitter.addWidget(self.tree)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.setAccessibleName("政策详情")
        self.detail.anchorClicked.connect(self._link)
        rl.addWidget(self.detail, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.source_button = QPushButton("查看原文条款(&O)")
        self.source_button.setEnabled(False)
        self.source_button.clicked.connect(self._open_source)
        row.addWidget(self.source_button)
        rl.addLayout(row)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        layout.addWidget(self.splitter, 1)
        self.detail.setHtml("<p style='color:#777'>选择左侧的一条政策，查看摘要、金额或要求、时限、办理部门、判断理由和原文依据。</p>")

    # ------------------------------------------------------------------ filling

    def set_results(self, model: ResultModel, questionnaire: Questionnaire, as_of: str, company: str = "") -> None:
        """Show a new evaluation, keeping the selection and the open groups."""
        selected = self.selected_id()
        self.questionnaire = questionnaire
        self.as_of = as_of
        self.model = model
        self.results = {item.id: item.result for item in model.items()}
        name = f"{company} · " if company else ""
        self.summary_label.setText(
            f"{name}评估日期 <b>{as_of}</b>　"
            + "　".join(f"<span style='color:{STATUS_COLOURS[s]}'>{STATUS_LABELS[s]} <b>{n}</b></span>"
                       for s, n in model.counts.items())
        )
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        select_item: QTreeWidgetItem | None = None
        for section in model.sections:
            key = section.key
            top = QTreeWidgetItem(self.tree, [f"{section.label}（{section.count}）", ""])
            top.setData(0, KEY_ROLE, key)
            top.setToolTip(0, section.note)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setForeground(0, QBrush(QColor(SECTION_COLOURS[key])))
            for group in section.groups:
                gkey = group.key
                gitem = QTreeWidgetItem(top, [f"{group.label}（{len(group.items)}）", ""])
                gitem.setData(0, KEY_ROLE, f"{key}/{gkey}")
                gitem.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                for entry in group.items:
                    r = entry.result
                    title = r.measure.title
                    if r.status in ("expired", "not_yet_in_force", "maybe") and key != "to_confirm":
                        title += f"（{STATUS_LABELS[r.status]}）"
                    elif r.status == "related" and r.missing_facts:
                        title += "（可能相关）"
                    item = QTreeWidgetItem(gitem, [title, r.measure.department])
                    item.setData(0, ID_ROLE, r.id)
                    item.setData(0, STATUS_ROLE, r.status)
                    item.setToolTip(0, f"{r.measure.title}\n{r.measure.summary}")
                    item.setToolTip(1, r.measure.department)
                    if r.id == selected:
                        select_item = item
                gitem.setExpanded(self._expanded.get(f"{key}/{gkey}", True))
            top.setExpanded(self._expanded.get(key, key in EXPANDED_BY_DEFAULT))
        self.tree.setUpdatesEnabled(True)
        self._apply_filter(self.filter_edit.text())
        if select_item is not None and selected is not None:
            self.tree.setCurrentItem(select_item)
            self._show(selected)
        elif selected is not None:
            self.detail.setHtml("<p style='color:#777'>选择左侧的一条政策查看详情。</p>")
            self.source_button.setEnabled(False)

    # ------------------------------------------------------------------ queries (also for tests)

    def displayed_statuses(self) -> dict[str, str]:
        """Measure id → status of every result row in the tree."""
        out: dict[str, str] = {}
        for item in self._leaves():
            out[item.data(0, ID_ROLE)] = item.data(0, STATUS_ROLE)
        return out

    def section_members(self, key: str) -> list[str]:
        """Measure ids listed in a section (a section key), or with a status (e.g. "applies")."""
        if key in STATUS_LABELS:
            return [leaf.data(0, ID_ROLE) for leaf in self._leaves() if leaf.data(0, STATUS_ROLE) == key]
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top.data(0, KEY_ROLE) == key:
                return [leaf.data(0, ID_ROLE) for leaf in self._leaves(top)]
        return []

    def _leaves(self, root: QTreeWidgetItem | None = None):
        stack = [root] if root is not None else [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            if item.data(0, ID_ROLE):
                yield item
            stack[0:0] = [child for j in range(item.childCount()) if (child := item.child(j)) is not None]

    def selected_id(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def select_measure(self, measure_id: str) -> bool:
        """Select (and reveal) a measure's row; False if it is not listed."""
        for item in self._leaves():
            if item.data(0, ID_ROLE) == measure_id:
                parent = item.parent()
                while parent is not None:
                    parent.setExpanded(True)
                    parent = parent.parent()
                item.setHidden(False)
                self.tree.setCurrentItem(item)
                self.tree.scrollToItem(item)
                return True
        return False

    # ------------------------------------------------------------------ reactions

    def _remember(self, item: QTreeWidgetItem, expanded: bool) -> None:
        key = item.data(0, KEY_ROLE)
        if key:
            self._expanded[key] = expanded

    def _current_changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        mid = current.data(0, ID_ROLE) if current is not None else None
        if mid:
            self._show(mid)
            self.measure_selected.emit(mid)

    def _show(self, measure_id: str) -> None:
        result = self.results.get(measure_id)
        if result is None or self.questionnaire is None:
            return
        self.detail.setHtml(measure_detail_html(result, self.questionnaire, self.as_of))
        self.source_button.setEnabled(True)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        mid = item.data(0, ID_ROLE)
        if mid:
            self.source_requested.emit(mid)

    def _open_source(self) -> None:
        mid = self.selected_id()
        if mid:
            self.source_requested.emit(mid)

    def _link(self, url: QUrl) -> None:
        scheme, _, target = url.toString().partition(":")
        if scheme == "question" and target:
            self.question_requested.emit(target)
        elif scheme == "source" and target:
            self.source_requested.emit(target)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for leaf in self._leaves():
            r = self.results.get(leaf.data(0, ID_ROLE))
            hay = f"{r.measure.title} {r.measure.department} {r.measure.summary}".lower() if r else ""
            leaf.setHidden(bool(needle) and needle not in hay)
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for j in range(top.childCount()):
                group = top.child(j)
                group.setHidden(all(group.child(k).isHidden() for k in range(group.childCount())))
