"""Import a data pack from the desk: check it, confirm, install, restart on the new data.

The pack is fully verified (manifest, checksum, database) before anything is touched and the
user sees its version and changelog. The open database is closed before the swap (Windows cannot
replace an open file); the program then restarts, on the new data if the import succeeded and on
the unchanged old data if it did not.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop import datapack
from desktop.paths import parse_data_version


def restart_command() -> tuple[str, list[str]]:
    """How to start this program again (frozen bundle or ``python -m desktop``)."""
    if getattr(sys, "frozen", False):
        return sys.executable, sys.argv[1:]
    return sys.executable, ["-m", "desktop", *sys.argv[1:]]


def choose_and_import(window: QWidget) -> bool:
    """Run the whole import dialogue; True when a pack was installed (the window then closes)."""
    if not window._confirm_discard():
        return False
    path, _ = QFileDialog.getOpenFileName(window, "导入政策数据包", str(window._last_folder()), "政策数据包 (*.pdpack);;所有文件 (*)")
    if not path:
        return False
    try:
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
    answer = QMessageBox.question(
        window, "导入政策数据包",
        f"数据包版本：{manifest.data_version}（当前：{current or '未知'}）\n生成日期：{manifest.build_date}\n\n{changes}\n\n"
        "导入后程序将重新启动。是否继续？")
    if answer != QMessageBox.StandardButton.Yes:
        return False
    from desktop.session.alerts import ImportWatch

    watch = ImportWatch(window.data.db_path)  # saved clients are compared old → new (客户提醒)
    window.data.close()  # release the database file before it is replaced
    try:
        result = datapack.import_pack(Path(path))
        note = watch.finish(result.db_path)
        QMessageBox.information(window, "数据包已导入", result.summary() + f"\n{note}\n程序将重新启动。")
    except datapack.PackError as exc:
        QMessageBox.warning(window, "无法导入数据包", f"{exc}\n原有数据未改动。程序将重新启动。")
    finally:
        watch.discard()
    window.consultation.dirty = False  # answers were saved or discarded above
    program, args = restart_command()
    QProcess.startDetached(program, args)
    window.close()
    return True
