"""“可争取的政策”: changes within the company's reach (a recognition, a threshold it nearly meets…)
and what they open. Money items come first with their amounts; directions are labelled as such."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from desktop.service import DIRECTION_LABEL, Unlock, status_label

ID_ROLE = Qt.ItemDataRole.UserRole


class WhatIfView(QWidget):
    """A tree: each change, the measures it would open, and how to obtain it."""

    measure_requested = Signal(str)
    relocation_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.relocation_box = QCheckBox("含迁址（也考虑把注册地迁入自贸试验区、中关村园区或经开区）")
        self.relocation_box.setAccessibleName("含迁址")
        self.relocation_box.toggled.connect(self.relocation_toggled)
        layout.addWidget(self.relocation_box)
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
                "只列出本企业够得着的改变：规模和行业允许的认定、差一点就满足的条件（如再配备一名医保管理员、"
                "经营满几个月）。行业、所有制、所在区不会被建议改变；迁址只在勾选“含迁址”时考虑。"
                "有金额的资金项目排在前面；“相关政策方向”不是可以直接申领的事项。双击一条政策查看详情。")
        else:
            self.intro.setText("目前没有本企业够得着、又能新增政策的改变。"
                               "先回答问卷中的认定、上市进程等问题，这里才能给出建议。")
        for u in unlocks:
            usable, directions = len(u.usable), len(u.directions)
            count = f"可新增 {usable} 条" + (f"，另有 {directions} 条{DIRECTION_LABEL}" if directions else "")
            money = f"，其中资金类 {u.money_stated} 条" if u.money_stated else ""
            top = QTreeWidgetItem(self.tree, [f"若{u.label}：{count}{money}", ""])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setToolTip(0, u.label)
            for r in u.measures:
                tag = f"［{DIRECTION_LABEL}］" if r.measure.programme_level else ""
                money = f"（{'；'.join(r.measure.amounts[:2])}）" if r.measure.amounts and not r.measure.programme_level else ""
                item = QTreeWidgetItem(top, [f"{tag}{r.measure.title}{money}", status_label(r)])
                item.setData(0, ID_ROLE, r.id)
                item.setToolTip(0, r.measure.summary)
            if u.how_to:
                how = QTreeWidgetItem(top, ["如何争取：", ""])
                for r in u.how_to:
                    item = QTreeWidgetItem(how, [r.measure.title, status_label(r)])
                    item.setData(0, ID_ROLE, r.id)
                    item.setToolTip(0, r.measure.summary)
                how.setExpanded(True)
            top.setExpanded(True)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        mid = item.data(0, ID_ROLE)
        if mid:
            self.measure_requested.emit(mid)
