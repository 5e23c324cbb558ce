"""Data packs from the desk: import one (帮助 › 导入政策数据包) or go back to the bundled data
(帮助 › 恢复内置数据).

The pack is fully verified (signature, manifest, checksum, database, a probe evaluation) before
anything is touched and the user sees its version and changelog, as plain text. The open
database is closed before the swap (Windows cannot replace an open file); the program then
restarts, on the new data if the import succeeded and on the unchanged old data if it did not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sys
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator

from PySide6.QtCore import QProcess, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from desktop import datapack
from desktop.paths import parse_data_version

if TYPE_CHECKING:  # the window these actions act on (imported for types only: no cycle at run time)
    from desktop.gui.main_window import MainWindow


@contextmanager
def busy() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def restart_command() -> tuple[str, list[str]]:
    """How to start this program again (frozen bundle or ``python -m desktop``)."""
    if getattr(sys, "frozen", False):
        return sys.executable, sys.argv[1:]
    return sys.executable, ["-m", "desktop", *sys.argv[1:]]


def choose_and_import(window: MainWindow) -> bool:
    """Run the whole import dialogue; True when a pack was installed (the window then closes)."""
    if not window._confirm_discard():
        return False
    path, _ = QFileDialog.getOpenFileName(window, "导入政策数据包", str(window._last_folder()), "政策数据包 (*.pdpack);;所有文件 (*)")
    if not path:
        return False
    try:
        with busy():  # the probe run takes a few seconds
            manifest = datapack.verify_pack(Path(path))
    except datapack.PackError as exc:
        QMessageBox.warning(window, "无法导入数据包", str(exc))
        return False
    current = datapack.current_data_version()
    try:
        newer = current is None or parse_data_version(manifest.data_version) > parse_data_version(current)
    except ValueError:
        newer = True
    if not newer:
        QMessageBox.warning(window, "无法导入数据包",
                            f"数据包版本 {manifest.data_version} 不比当前使用的数据（{current}）新，未导入。")
        return False
    changes = datapack.format_changelog(manifest.changelog, limit=15)
    build_date = datapack.plain_text(manifest.build_date, 40)
    if not confirm(window, "导入政策数据包",
                   f"数据包版本：{manifest.data_version}（当前：{current or '未知'}）\n生成日期：{build_date}\n\n{changes}\n\n"
                   "导入后程序将重新启动。是否继续？"):
        return False
    from desktop.session.alerts import ImportWatch

    watch = ImportWatch(window.data.db_path)  # saved clients are compared old → new (客户提醒)
    window.data.close()  # release the database file before it is replaced
    try:
        with busy():
            result = datapack.import_pack(Path(path))
        note = watch.finish(result.db_path)
        QMessageBox.information(window, "数据包已导入", result.summary() + f"\n{note}\n程序将重新启动。")
    except datapack.PackError as exc:
        QMessageBox.warning(window, "无法导入数据包", f"{exc}\n原有数据未改动。程序将重新启动。")
    finally:
        watch.discard()
    _restart(window)
    return True


def _restart(window: MainWindow) -> None:
    window.consultation.dirty = False  # answers were saved or discarded before
    program, args = restart_command()
    QProcess.startDetached(program, args)
    window.close()


def confirm(window: MainWindow, title: str, text: str) -> bool:
    """A yes/no question whose text is shown as plain text (a pack's titles are never HTML)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def restore_bundled(window: MainWindow) -> bool:
    """恢复内置数据: drop the imported pack, restart on the data shipped with the program."""
    installed = datapack.trusted_installed_version()
    bundled = datapack.read_data_version(datapack.bundled_db_path())
    if not datapack.installed_db_path().exists():
        QMessageBox.information(window, "恢复内置数据", f"当前已在使用随程序发布的数据（{bundled or '未知'}），无需恢复。")
        return False
    if not window._confirm_discard():
        return False
    now = installed or "未通过签名校验，未被使用"
    if not confirm(window, "恢复内置数据",
                   f"将删除已导入的数据包（{now}），改用随程序发布的数据（{bundled or '未知'}）。\n"
                   "此后可以再导入任何正式发布的数据包。程序将重新启动。是否继续？"):
        return False
    window.data.close()  # release the database file before it is removed
    try:
        version = datapack.restore_bundled()
        QMessageBox.information(window, "已恢复内置数据", f"已改用随程序发布的数据（{version}）。程序将重新启动。")
    except datapack.PackError as exc:
        QMessageBox.warning(window, "无法恢复内置数据", f"{exc}\n程序将重新启动。")
    _restart(window)
    return True


def restore_bundled_action(window: MainWindow) -> QAction:
    """The 帮助 menu's 恢复内置数据 entry (main_window adds it)."""
    action = QAction("恢复内置数据(&R)…", window)
    action.setStatusTip("删除已导入的数据包，改用随程序发布的政策数据")
    action.triggered.connect(lambda _checked=False: restore_bundled(window))
    window.act_restore_bundled = action
    return action
