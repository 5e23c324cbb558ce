"""The 咨询台 menu: statistics and client alerts, plus what the records have to say at start.

``install_desk_menu(window)`` is the only call the main window makes (one line in its action
set-up), so the window's own module stays as it is. At start (once the event loop runs) it
applies the automatic purge if the desk chose one, and reports a rescued or migrated record store
and a data update that changed saved clients' results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from desktop.gui.stats_view import AUTO_PURGE_KEY, KEEP_DAYS_KEY
from desktop.session.records import RecordsError

if TYPE_CHECKING:
    from desktop.gui.main_window import MainWindow

SEEN_CHANGE_KEY = "alerts/seen_data_change"


def install_desk_menu(window: MainWindow) -> None:
    menu_bar = window.menuBar()
    help_menu = next((a for a in menu_bar.actions() if a.text().startswith("帮助")), None)
    menu = window.menuBar().addMenu("咨询台(&D)")
    if help_menu is not None:  # before 帮助, which stays last
        menu_bar.insertMenu(help_menu, menu)
    stats = QAction("咨询统计(&S)…", window)
    stats.setStatusTip("按时间、地区、行业、规模汇总的咨询统计（不含企业名称），可导出 CSV / Excel")
    stats.triggered.connect(lambda: open_stats(window))
    alerts = QAction("客户提醒(&A)…", window)
    alerts.setStatusTip("已保存客户的即将到期政策，以及数据更新后结果变化的客户")
    alerts.triggered.connect(lambda: open_alerts(window))
    menu.addAction(stats)
    menu.addAction(alerts)
    window.act_stats, window.act_alerts = stats, alerts  # for tests and the keyboard
    QTimer.singleShot(0, lambda: on_start(window))


def open_stats(window, modal: bool = True):
    from desktop.gui.stats_view import StatsDialog

    dialog = StatsDialog(window.store.records, window.data.meta.get("data_version"), window.settings, window)
    if modal:
        dialog.exec()
        window.history_view.set_entries(window.store.history())  # a purge may have removed entries
    return dialog


def open_alerts(window, modal: bool = True):
    from desktop.gui.alerts_view import AlertsDialog

    dialog = AlertsDialog(window.data, window.store, window)

    def open_client(path: str) -> None:
        from pathlib import Path

        dialog.accept()
        window.open_profile(Path(path))

    dialog.open_requested.connect(open_client)
    if modal:
        dialog.exec()
    return dialog


def on_start(window) -> None:
    """Automatic purge, and notices from the record store (rescued, migrated, data changes)."""
    records = window.store.records
    settings = window.settings
    messages = []
    try:
        if str(settings.value(AUTO_PURGE_KEY, "false")).lower() == "true":
            removed = records.purge(int(settings.value(KEEP_DAYS_KEY, 365)))
            if removed:
                messages.append(f"已按设置删除 {removed} 条旧的咨询记录。")
        change = records.latest_data_change()
    except (RecordsError, ValueError) as exc:
        window.statusBar().showMessage(f"咨询记录：{exc}", 10000)
        return
    rescued = [n for n in records.notices if "损坏" in n]
    if rescued:
        QMessageBox.warning(window, "咨询记录已修复", "\n".join(rescued))
    messages.extend(n for n in records.notices if "损坏" not in n)
    records.notices.clear()
    if change and settings.value(SEEN_CHANGE_KEY, "") != change["recorded_at"]:
        settings.setValue(SEEN_CHANGE_KEY, change["recorded_at"])
        n = len(change.get("clients") or [])
        if n:
            messages.append(f"政策数据已更新为 {change.get('to_version')}：{n} 位已保存客户的结果有变化，见“咨询台 → 客户提醒”。")
    if messages:
        window.history_view.set_entries(window.store.history())
        window.statusBar().showMessage(" ".join(messages), 15000)
