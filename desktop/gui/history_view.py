"""Recent consultations: date, company, evaluation date and counts; open one again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop.service import counts_text
from desktop.session.profiles_store import HistoryEntry

PATH_ROLE = Qt.ItemDataRole.UserRole


class HistoryView(QWidget):
    open_requested = Signal(str)  # profile path

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels(["日期", "企业", "评估日", "适用"])
        header = self.tree.header()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.resizeSection(0, 130)
        header.resizeSection(2, 90)
        header.resizeSection(3, 44)
        self.tree.setAccessibleName("最近咨询")
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.open_button = QPushButton("打开所选咨询(&P)")
        self.open_button.clicked.connect(lambda: self._activated(self.tree.currentItem(), 0))
        row.addWidget(self.open_button)
        layout.addLayout(row)

    def set_entries(self, entries: list[HistoryEntry]) -> None:
        self.tree.clear()
        for e in entries:
            when = e.when.replace("T", " ")[:16]
            item = QTreeWidgetItem(self.tree, [when, e.company, e.as_of or "", str(e.counts.get("applies", ""))])
            item.setData(0, PATH_ROLE, e.path or "")
            item.setToolTip(1, e.path or "（未保存为档案）")
            item.setToolTip(3, counts_text(e.counts) if e.counts else "")  # the result model's counts
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)

    def _activated(self, item: QTreeWidgetItem | None, _column: int) -> None:
        path = item.data(0, PATH_ROLE) if item is not None else ""
        if path:
            self.open_requested.emit(path)
