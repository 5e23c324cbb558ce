"""客户提醒: for every saved client, measures closing soon, and what the last data update changed.

Computed by desktop.session.alerts; each row names the measure, its status, when it closes and
the clause it rests on (the quote is in the tooltip). A client can be opened from here, and the
list exported as CSV.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.session import alerts as al
from desktop.session.records import RecordsError

PATH_ROLE = Qt.ItemDataRole.UserRole
SOON = QColor("#b00020")


def _tree(headers: list[str], name: str, widths: tuple[int, ...]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(headers)
    tree.setAccessibleName(name)
    header = tree.header()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    for i, width in enumerate(widths):
        header.resizeSection(i, width)
    header.setStretchLastSection(True)
    tree.setAlternatingRowColors(True)
    return tree


class AlertsDialog(QDialog):
    open_requested = Signal(str)  # profile path

    def __init__(self, data, store, parent: QWidget | None = None, as_of: dt.date | None = None):
        super().__init__(parent)
        self.data = data
        self.store = store  # a ProfileStore: its profiles folder and records
        self.expiring: list[al.ClientAlert] = []
        self.problems: list[str] = []
        self.changes: dict | None = None
        self.setWindowTitle("客户提醒")
        self.resize(1100, 720)
        layout = QVBoxLayout(self)

        row = QHBoxLayout()
        day = as_of or dt.date.today()
        self.date_edit = QDateEdit(QDate(day.year, day.month, day.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setAccessibleName("提醒日期")
        self.within = QSpinBox()
        self.within.setRange(1, 3650)
        self.within.setValue(al.DEFAULT_WITHIN_DAYS)
        self.within.setSuffix(" 天")
        self.within.setAccessibleName("到期天数")
        label = QLabel("提醒日期(&D)：")
        label.setBuddy(self.date_edit)
        row.addWidget(label)
        row.addWidget(self.date_edit)
        within_label = QLabel("列出多少天内到期(&W)：")
        within_label.setBuddy(self.within)
        row.addWidget(within_label)
        row.addWidget(self.within)
        refresh = QPushButton("刷新(&R)")
        refresh.clicked.connect(self.refresh)
        row.addWidget(refresh)
        row.addStretch(1)
        layout.addLayout(row)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.expiring_tree = _tree(["客户 / 即将到期的政策", "状态", "有效期至", "剩余天数", "依据条款"], "即将到期", (400, 80, 90, 70))
        self.changes_label = QLabel()
        self.changes_label.setWordWrap(True)
        self.changes_tree = _tree(["客户 / 变化的政策", "变化", "原状态 → 现状态", "有效期至", "依据条款"], "数据更新后的变化", (400, 70, 150, 90))
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.changes_label)
        lower_layout.addWidget(self.changes_tree, 1)
        split.addWidget(self.expiring_tree)
        split.addWidget(lower)
        split.setSizes([420, 260])
        layout.addWidget(split, 1)
        for tree in (self.expiring_tree, self.changes_tree):
            tree.itemActivated.connect(self._activated)

        bottom = QHBoxLayout()
        self.open_button = QPushButton("打开所选客户档案(&O)")
        self.open_button.clicked.connect(self._open_selected)
        self.export_button = QPushButton("导出提醒 CSV(&E)…")
        self.export_button.clicked.connect(self.export_dialog)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.export_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.date_edit.dateChanged.connect(lambda _d: self.refresh())
        self.within.valueChanged.connect(lambda _v: self.refresh())
        self.refresh()

    @property
    def as_of(self) -> dt.date:
        q = self.date_edit.date()
        return dt.date(q.year(), q.month(), q.day())

    def refresh(self) -> None:
        paths = al.saved_client_paths(self.store)
        self.expiring, self.problems = al.expiring(self.data, paths, self.as_of, self.within.value())
        try:
            self.changes = self.store.records.latest_data_change()
        except RecordsError:
            self.changes = None
        self._fill_expiring(len(paths))
        self._fill_changes()

    def _fill_expiring(self, clients: int) -> None:
        tree = self.expiring_tree
        tree.clear()
        measures = sum(len(a.expiring) for a in self.expiring)
        text = (f"已保存客户 {clients} 位；{len(self.expiring)} 位有 {measures} 项适用或可能适用的政策将在 "
                f"{self.as_of} 起 {self.within.value()} 天内到期。")
        if self.problems:
            text += f"（{len(self.problems)} 个档案无法读取，已跳过：{'；'.join(self.problems[:3])}）"
        self.summary.setText(text)
        for a in self.expiring:
            top = QTreeWidgetItem(tree, [f"{a.company}（{len(a.expiring)} 项）", "", a.expiring[0].valid_to or "",
                                         str(a.expiring[0].days_left), Path(a.path).name])
            top.setData(0, PATH_ROLE, a.path)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for n in a.expiring:
                child = QTreeWidgetItem(top, [n.title, al.STATUS_WORDS[n.status], n.valid_to or "", str(n.days_left),
                                              f"{n.clause}《{n.document}》{n.doc_number or ''}"])
                child.setData(0, PATH_ROLE, a.path)
                child.setToolTip(0, f"{n.title}\n{n.id}")
                child.setToolTip(4, f"“{n.quote}”")
                if n.days_left is not None and n.days_left <= 30:
                    child.setForeground(3, QBrush(SOON))
            top.setExpanded(True)

    def _fill_changes(self) -> None:
        tree = self.changes_tree
        tree.clear()
        c = self.changes
        if not c:
            self.changes_label.setText("数据更新后的变化：尚未导入过数据包（导入后，这里列出结果发生变化的已保存客户）。")
            return
        clients = c.get("clients") or []
        self.changes_label.setText(
            f"数据更新后的变化：{c.get('from_version') or '?'} → {c.get('to_version') or '?'}"
            f"（导入于 {str(c.get('recorded_at') or '?').replace('T', ' ')}，按 {c.get('as_of') or '?'} 比较）："
            f"{len(clients)} 位客户的结果有变化，{c.get('unchanged', 0)} 位没有变化。")
        for a in clients:
            top = QTreeWidgetItem(tree, [a["company"], "", "", "", Path(a["path"]).name])
            top.setData(0, PATH_ROLE, a["path"])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for kind, word in al.KIND_WORDS[1:]:
                for n in a.get(kind) or []:
                    move = f"{al.STATUS_WORDS.get(n.get('before'))} → {al.STATUS_WORDS.get(n.get('status'))}"
                    child = QTreeWidgetItem(top, [n["title"], word, move, n.get("valid_to") or "",
                                                  f"{n['clause']}《{n['document']}》{n.get('doc_number') or ''}"])
                    child.setData(0, PATH_ROLE, a["path"])
                    child.setToolTip(4, f"“{n['quote']}”")
            top.setExpanded(True)

    # ------------------------------------------------------------------ actions

    def _activated(self, item: QTreeWidgetItem | None, _column: int = 0) -> None:
        path = item.data(0, PATH_ROLE) if item is not None else ""
        if path:
            self.open_requested.emit(path)

    def _open_selected(self) -> None:
        tree = self.changes_tree if self.changes_tree.hasFocus() else self.expiring_tree
        self._activated(tree.currentItem())

    def export_to(self, path: Path) -> bool:
        from desktop.atomic import write_bytes_atomic

        text = al.to_csv(self.expiring, self.changes, self.as_of, self.within.value())
        try:
            write_bytes_atomic(Path(path), text.encode("utf-8-sig"))
        except OSError as exc:
            QMessageBox.critical(self, "导出失败", getattr(exc, "strerror", None) or str(exc))
            return False
        return True

    def export_dialog(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "导出客户提醒", f"客户提醒_{self.as_of}.csv", "CSV 文件 (*.csv)")
        if name and self.export_to(Path(name)):
            QMessageBox.information(self, "已导出", f"已导出 {Path(name).name}。")
