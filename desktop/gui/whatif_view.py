"""“可争取的政策”: one-fact changes a company can act on (a recognition, a zone, R&D…) and what they open."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop.service import STATUS_LABELS, Unlock

ID_ROLE = Qt.ItemDataRole.UserRole


class WhatIfView(QWidget):
    """A tree: each change, the measures it would open, and how to obtain it."""

    measure_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["若企业……", "新增后的状态"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().resizeSection(1, 130)
        self.tree.setAccessibleName("可争取的政策")
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree, 1)
        self.unlocks: list[Unlock] = []

    def set_unlocks(self, unlocks: list[Unlock]) -> None:
        self.unlocks = unlocks
        self.tree.clear()
        if unlocks:
            self.intro.setText(
                "只考虑企业可以争取的条件（如专精特新、高新技术企业认定、上市进程、入驻园区、开展研发）；"
                "行业、所有制、所在区等不会被建议改变。双击一条政策查看详情。")
        else:
            self.intro.setText("目前没有可以通过争取某项认定或条件而新增的政策。"
                               "先回答问卷中的认定、上市进程等问题，这里才能给出建议。")
        for u in unlocks:
            top = QTreeWidgetItem(self.tree, [f"若{u.label}：可新增 {len(u.measures)} 条", ""])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setToolTip(0, u.label)
            for r in u.measures:
                tag = "［政策方向］" if r.measure.programme_level else ""
                money = f"（{'；'.join(r.measure.amounts[:2])}）" if r.measure.amounts else ""
                item = QTreeWidgetItem(top, [f"{tag}{r.measure.title}{money}", STATUS_LABELS[r.status]])
                item.setData(0, ID_ROLE, r.id)
                item.setToolTip(0, r.measure.summary)
            if u.how_to:
                how = QTreeWidgetItem(top, ["如何争取：", ""])
                for r in u.how_to:
                    item = QTreeWidgetItem(how, [r.measure.title, STATUS_LABELS[r.status]])
                    item.setData(0, ID_ROLE, r.id)
                    item.setToolTip(0, r.measure.summary)
                how.setExpanded(True)
            top.setExpanded(True)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        mid = item.data(0, ID_ROLE)
        if mid:
            self.measure_requested.emit(mid)
