"""帮助 › 导入政策数据包 for one window: the window's side of desktop.gui.datapack_action.

The import dialogue itself (verify, confirm, install, restart) lives in datapack_action; this
controller gives it what it needs from the window (the unsaved-changes prompt, the folder to start
in) without the action reaching into the window's other state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from desktop.gui.main_window import MainWindow


class DataPackController(QObject):
    imported = Signal()  # a pack was installed; the program restarts on it

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window

    def import_pack(self) -> bool:
        from desktop.gui.datapack_action import choose_and_import

        done = bool(choose_and_import(self.window))
        if done:
            self.imported.emit()
        return done
