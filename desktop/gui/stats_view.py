"""咨询统计: the desk's own view of its consultations, as charts, filterable by date, exportable.

Everything shown comes from desktop.session.stats (aggregates only, never a company name). The
dialog also holds the privacy control: delete records older than a chosen number of days, now or
automatically at every start.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.gui.charts import BAR_ALT, BarChart, WeekTimeline
from desktop.session import stats as st
from desktop.session.records import RecordsError, RecordStore

KEEP_DAYS_KEY = "records/keep_days"
AUTO_PURGE_KEY = "records/auto_purge"
CHART_ROWS = 10

# (section of the statistics, chart title, colour)
CHARTS = (
    ("by_district", "按区", None),
    ("by_size", "按企业规模", None),
    ("by_industry", "按行业", None),
    ("by_adviser", "按咨询人员", None),
    ("applies_top", "最常适用的政策", None),
    ("maybe_top", "最常“待确认”（可能适用）的政策", BAR_ALT),
    ("unsure_top", "最常回答“不确定”的问题", BAR_ALT),
    ("whatif_top", "提出的“可争取”建议", None),
)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class StatsDialog(QDialog):
    def __init__(self, store: RecordStore, data_version: str | None = None, settings: QSettings | None = None,
                 parent: QWidget | None = None, today: dt.date | None = None):
        super().__init__(parent)
        self.store = store
        self.data_version = data_version
        self.settings = settings
        self.stats: dict | None = None
        self.today = today or dt.date.today()
        self.setWindowTitle("咨询统计")
        self.resize(1100, 760)
        layout = QVBoxLayout(self)

        row = QHBoxLayout()
        self.since_edit = self._date_edit(self.today - dt.timedelta(days=90), "起始日期")
        self.until_edit = self._date_edit(self.today, "截止日期")
        since_label, until_label = QLabel("从(&F)："), QLabel("到(&T)：")
        since_label.setBuddy(self.since_edit)
        until_label.setBuddy(self.until_edit)
        for w in (since_label, self.since_edit, until_label, self.until_edit):
            row.addWidget(w)
        for text, days in (("最近 4 周", 28), ("最近 3 个月", 91), ("最近 1 年", 365)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, d=days: self.set_range(self.today - dt.timedelta(days=d - 1), self.today))
            row.addWidget(button)
        self.all_button = QPushButton("全部记录(&A)")
        self.all_button.clicked.connect(self.show_all)
        row.addWidget(self.all_button)
        row.addStretch(1)
        layout.addLayout(row)

        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        body = QWidget()
        grid = QGridLayout(body)
        self.timeline = WeekTimeline()
        grid.addWidget(self.timeline, 0, 0, 1, 2)
        self.charts: dict[str, BarChart] = {}
        for i, (key, title, color) in enumerate(CHARTS):
            chart = BarChart(title, color) if color is not None else BarChart(title)
            self.charts[key] = chart
            grid.addWidget(chart, 1 + i // 2, i % 2)
        grid.setRowStretch(1 + len(CHARTS) // 2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout.addWidget(scroll, 1)

        bottom = QHBoxLayout()
        self.csv_button = QPushButton("导出 CSV(&C)…")
        self.csv_button.clicked.connect(lambda: self.export_dialog("csv"))
        self.xlsx_button = QPushButton("导出 Excel(&E)…")
        self.xlsx_button.clicked.connect(lambda: self.export_dialog("xlsx"))
        bottom.addWidget(self.csv_button)
        bottom.addWidget(self.xlsx_button)
        bottom.addStretch(1)
        bottom.addWidget(QLabel("隐私：删除早于"))
        self.keep_days = QSpinBox()
        self.keep_days.setRange(1, 3650)
        self.keep_days.setSuffix(" 天")
        self.keep_days.setValue(int(self._setting(KEEP_DAYS_KEY, 365)))
        self.keep_days.setAccessibleName("保留天数")
        bottom.addWidget(self.keep_days)
        bottom.addWidget(QLabel("的咨询记录"))
        self.purge_button = QPushButton("立即删除(&D)…")
        self.purge_button.clicked.connect(self.purge_dialog)
        bottom.addWidget(self.purge_button)
        self.auto_purge = QCheckBox("每次启动时自动删除")
        self.auto_purge.setChecked(str(self._setting(AUTO_PURGE_KEY, "false")).lower() == "true")
        self.auto_purge.toggled.connect(self._save_privacy)
        self.keep_days.valueChanged.connect(self._save_privacy)
        bottom.addWidget(self.auto_purge)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        bottom.addWidget(close)
        layout.addLayout(bottom)

        self.since_edit.dateChanged.connect(self.refresh)
        self.until_edit.dateChanged.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------------ building blocks

    def _date_edit(self, day: dt.date, name: str) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(QDate(2000, 1, 1))
        edit.setMaximumDate(QDate(2100, 12, 31))
        edit.setAccessibleName(name)
        return edit

    def _setting(self, key: str, default):
        return self.settings.value(key, default) if self.settings is not None else default

    def _save_privacy(self) -> None:
        if self.settings is not None:
            self.settings.setValue(KEEP_DAYS_KEY, self.keep_days.value())
            self.settings.setValue(AUTO_PURGE_KEY, "true" if self.auto_purge.isChecked() else "false")

    # ------------------------------------------------------------------ range and refresh

    @property
    def since(self) -> dt.date:
        return _day(self.since_edit.date())

    @property
    def until(self) -> dt.date:
        return _day(self.until_edit.date())

    def set_range(self, since: dt.date, until: dt.date) -> None:
        for edit, day in ((self.since_edit, since), (self.until_edit, until)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self.refresh()

    def show_all(self) -> None:
        try:
            everything = st.compute(self.store)
        except RecordsError as exc:
            QMessageBox.warning(self, "无法读取咨询记录", str(exc))
            return
        first = everything["range"]["first_record"]
        last = everything["range"]["last_record"]
        self.set_range(dt.date.fromisoformat(first) if first else self.today,
                       max(dt.date.fromisoformat(last), self.today) if last else self.today)

    def refresh(self) -> None:
        since, until = self.since, self.until
        if since > until:
            self.summary.setText(f"起始日期 {since} 晚于截止日期 {until}，请调整。")
            return
        try:
            self.stats = s = st.compute(self.store, since, until, self.data_version)
        except RecordsError as exc:
            self.summary.setText(str(exc))
            return
        self.summary.setText(
            f"{since} 至 {until}：共 <b>{s['consultations']}</b> 次咨询，提出“可争取”建议 {s['whatif_suggestions']} 次。"
            f"当前政策数据版本 {s['data_version'] or '未知'}。统计只含汇总数字，不含企业名称。")
        self.timeline.set_weeks([(w["key"], w["count"]) for w in s["by_week"]])
        for key, chart in self.charts.items():
            chart.set_items([(item["label"], item["count"]) for item in s[key][:CHART_ROWS]])

    # ------------------------------------------------------------------ export and purge

    def export_to(self, path: Path, fmt: str) -> bool:
        if self.stats is None:
            return False
        try:
            (st.write_xlsx if fmt == "xlsx" else st.write_csv)(self.stats, Path(path))
        except OSError as exc:
            QMessageBox.critical(self, "导出失败", getattr(exc, "strerror", None) or str(exc))
            return False
        return True

    def export_dialog(self, fmt: str) -> None:
        suffix, what = (".xlsx", "Excel 工作簿 (*.xlsx)") if fmt == "xlsx" else (".csv", "CSV 文件 (*.csv)")
        default = f"咨询统计_{self.since}_{self.until}{suffix}"
        name, _ = QFileDialog.getSaveFileName(self, "导出咨询统计", default, what)
        if name and self.export_to(Path(name), fmt):
            QMessageBox.information(self, "已导出", f"已导出 {Path(name).name}（不含企业名称）。")

    def purge_dialog(self) -> None:
        days = self.keep_days.value()
        answer = QMessageBox.question(self, "删除旧的咨询记录",
                                      f"删除 {days} 天以前的全部咨询记录？删除后无法恢复（最近咨询列表和统计都不再包含它们）。")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            removed = self.store.purge(days)
        except RecordsError as exc:
            QMessageBox.warning(self, "无法删除", str(exc))
            return
        self.refresh()
        QMessageBox.information(self, "已删除", f"已删除 {removed} 条咨询记录。")
