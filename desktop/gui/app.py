"""Start the application: Qt set-up, the bundled font, the database, the main window.

``run()`` is what ``policy-desk`` / ``policy-desk gui`` / ``python -m desktop`` call. A missing or
damaged database opens the start-up dialogue (import a data pack, restore the bundled data, or
quit with exit code 2); ``smoke=True`` opens the window
offscreen, runs one match and one search, prints a one-line summary and exits 0.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import cast

from PySide6.QtCore import QCoreApplication, QEventLoop, QtMsgType, Qt, QThreadPool, QTimer, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.gui import qtfix
from desktop.service import LibraryError

qtfix.apply()  # the PySide6 6.12 / Python 3.11 None-refcount guard, before any widget exists

ORG = "BeijingFIC"
APP = "PolicyDesk"
SMOKE_PROFILE = {
    "name": "冒烟测试餐饮有限公司",
    "district": "朝阳区",
    "ownership": "private",
    "employees": 30,
    "annual_revenue_wan": 800,
    "industries": ["catering", "retail"],
    "issues_prepaid_cards": True,
}


QUIET = ("propagateSizeHints",)  # harmless notes of the offscreen platform


def _qt_messages(kind: QtMsgType, _context, message: str) -> None:
    if any(q in message for q in QUIET):
        return
    if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
        print(f"Qt: {message}", file=sys.stderr)


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), with high-DPI policy, names and the bundled CJK font."""
    app = cast(QApplication | None, QApplication.instance())  # this program only ever makes a QApplication
    if app is None:
        qInstallMessageHandler(_qt_messages)
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        QCoreApplication.setOrganizationName(ORG)
        QCoreApplication.setApplicationName(APP)
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setStyle("Fusion")
    from desktop.gui.fonts import install_application_font

    install_application_font(app)
    from desktop.gui.translations import install_chinese

    install_chinese(app)  # Qt's own buttons and dialogs (保存 / 不保存 / 取消, the file dialog) in Chinese
    app.setApplicationDisplayName("惠企政策通")
    return app


def open_database(db_path: Path | None, *, interactive: bool = True):
    """Open the policy data. When it cannot be opened: interactively, the start-up dialogue
    (import a data pack, restore the bundled data, or quit); otherwise the reason on stderr.
    None when there is no data to work with."""
    from desktop.service import open_data

    try:
        return open_data(db_path)
    except LibraryError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        if not interactive:
            return None
        from desktop.gui.startup import StartupRecovery

        return StartupRecovery(open_data).run(exc, db_path)


def install_excepthook() -> None:
    """An unexpected error in the window: details to error.log, a short message to the person."""
    import traceback

    from desktop.errorlog import record_error

    def hook(kind, value, tb) -> None:
        details = "".join(traceback.format_exception(kind, value, tb))
        log_path = record_error(value, "gui")  # where it happened; the message stays out of the log
        where = f"详细信息已写入 {log_path}。" if log_path else ""
        print(details, file=sys.stderr)
        if QApplication.instance() is not None:
            QMessageBox.critical(None, "程序内部出现问题",
                                 f"操作没有完成：{value}\n{where}\n已保存的档案不受影响，可以继续使用。")

    sys.excepthook = hook


def create_main_window(db_path: Path | None = None, *, interactive: bool = True):
    """QApplication, policy data and the shown main window; None for the last two when the
    database cannot be opened (the reason has been shown)."""
    app = application()
    data = open_database(db_path, interactive=interactive)
    if data is None:
        return app, None, None
    from desktop.gui.main_window import MainWindow

    window = MainWindow(data)
    window.show()
    return app, window, data


def run(db_path: Path | None = None, smoke: bool = False) -> int:
    """Run the desktop application; the exit code of the process."""
    t0 = time.perf_counter()
    if smoke:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app, window, data = create_main_window(db_path, interactive=not smoke)
    if window is None:
        return 2
    if smoke:
        try:
            return _smoke(app, window, data, t0)
        finally:
            window.consultation.dirty = False
            window.close()
            window.deleteLater()
            app.processEvents()
            QThreadPool.globalInstance().waitForDone(60_000)
            data.close()
    install_excepthook()
    from desktop.housekeeping import sweep_stale_temps

    sweep_stale_temps()  # temporary files of saves killed midway (they hold company data)
    app.aboutToQuit.connect(window.save_settings)  # also when the session ends without a close
    try:
        return app.exec()
    finally:
        QThreadPool.globalInstance().waitForDone(60_000)  # an index build finishes (atomically)
        data.close()


def _smoke(app: QApplication, window, data, t0: float) -> int:
    """One match through the window, one search through the index; print one line."""
    app.processEvents()
    shown = time.perf_counter() - t0
    for fact, value in SMOKE_PROFILE.items():
        window.consultation.set_answer(fact, value)
    window.refresh()
    counts = window.evaluation.report.counts()
    expected = data.match(window.consultation.effective_profile(data.engine), window.as_of).counts()
    if counts != expected:
        print(f"smoke FAILED: window counts {counts} != service counts {expected}", file=sys.stderr)
        return 1
    window.search_view.query_edit.setText("预付卡")
    window.search_view.run_search()
    loop = QEventLoop()
    deadline = time.perf_counter() + 120
    while not window.search_view.ready and time.perf_counter() < deadline:
        QTimer.singleShot(50, loop.quit)
        loop.exec()
    hits = window.search_view.list.count()
    if not window.search_view.ready or not hits:
        print("smoke FAILED: the search gave no hits", file=sys.stderr)
        return 1
    print(
        f"smoke ok: window {window.width()}x{window.height()} shown in {shown:.2f}s; "
        f"{len(data.engine.measures)} measures on {dt.date.today().isoformat()}: "
        f"适用 {counts['applies']} 可能适用 {counts['maybe']}; search 预付卡: {hits} hits; "
        f"data {data.meta.get('data_version', '?')}"
    )
    return 0
