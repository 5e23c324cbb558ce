"""When the policy database cannot be opened at start: say why, and offer the ways out.

The person can import a data pack (.pdpack, verified before it is installed), restore the data
that came with the program (an installed pack that no longer reads is moved aside), or quit.
After a successful import or restore the program simply continues with the window.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.service import LibraryError
from desktop.paths import bundled_db_path, installed_db_path, user_data_dir

Opener = Callable[[Path | None], object]  # desktop.service.open_data


def restore_bundled_data() -> Path:
    """Make the program's own database the one in use: move an installed data pack aside (kept,
    renamed, never deleted). Returns the bundled database's path; LibraryError if it is missing."""
    bundled = bundled_db_path()
    if not bundled.is_file():
        raise LibraryError(f"程序自带的政策数据库 {bundled} 也不存在。请重新安装惠企政策通。")
    installed = installed_db_path()
    if installed.exists():
        aside = installed.with_name(f"policies.unusable-{dt.datetime.now():%Y%m%d-%H%M%S}.db")
        installed.replace(aside)
    return bundled


class StartupRecovery:
    """The start-up dialogue; ``run()`` returns the opened data, or None when the person quits."""

    def __init__(self, opener: Opener, parent: QWidget | None = None):
        self.opener = opener
        self.parent = parent
        self.box: QMessageBox | None = None  # the dialog on screen (for tests)

    def run(self, first_error: LibraryError, db_path: Path | None) -> object | None:
        error: Exception = first_error
        while True:
            choice = self._ask(str(error))
            try:
                if choice == "import":
                    path = self._choose_pack()
                    if path is None:
                        continue
                    from desktop import datapack

                    try:
                        datapack.import_pack(path)
                    except datapack.PackError as exc:
                        error = LibraryError(f"数据包未导入：{exc}")
                        continue
                    return self.opener(None)  # the newest usable data: the pack just installed
                if choice == "restore":
                    return self.opener(restore_bundled_data())
                return None
            except LibraryError as exc:
                error = exc

    def _ask(self, reason: str) -> str:
        box = QMessageBox(QMessageBox.Icon.Warning, "无法打开政策数据库",
                          f"{reason}\n\n可以导入政策数据包（.pdpack，由工商联信息中心提供），"
                          "或恢复程序自带的政策数据，然后继续使用。", parent=self.parent)
        import_button = box.addButton("导入政策数据包(&I)…", QMessageBox.ButtonRole.AcceptRole)
        restore_button = box.addButton("恢复程序自带的数据(&R)", QMessageBox.ButtonRole.AcceptRole)
        quit_button = box.addButton("退出(&Q)", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(import_button)
        box.setEscapeButton(quit_button)
        box.setInformativeText(f"数据文件夹：{user_data_dir()}")
        self.box = box
        box.exec()
        clicked = box.clickedButton()
        self.box = None
        if clicked is import_button:
            return "import"
        if clicked is restore_button:
            return "restore"
        return "quit"

    def _choose_pack(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, "导入政策数据包", str(Path.home()),
                                              "政策数据包 (*.pdpack);;所有文件 (*)")
        return Path(name) if name else None
