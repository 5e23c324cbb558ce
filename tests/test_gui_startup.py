"""Start-up with a database that is missing or unusable: the dialogue explains, and importing a
data pack or restoring the bundled data lets the person go on; 退出 ends with exit code 2."""

from __future__ import annotations

import shutil
import sqlite3

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from desktop.datapack import write_pack
from desktop.paths import installed_db_path
from packkeys import TEST_SIGN_KEY, trust_test_key
from test_gui_support import gui_app, messages  # noqa: F401


class Answer:
    """Clicks the start-up dialogue's button whose text starts with ``word`` (once shown)."""

    def __init__(self, *words: str):
        self.words = list(words)
        self.texts: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(100)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible() or not self.words:
            return
        self.texts.append(box.text())
        word = self.words.pop(0)
        button = next(b for b in box.buttons() if b.text().startswith(word))
        button.click()


def test_missing_database_offers_a_way_out_and_quit_exits_2(gui_app, tmp_path, messages):
    from desktop.gui.app import run

    answer = Answer("退出")
    assert run(db_path=tmp_path / "none.db") == 2
    assert answer.texts and "找不到政策数据库" in answer.texts[0] and "导入政策数据包" in answer.texts[0]


def test_damaged_database_restore_bundled_data_and_continue(gui_app, tmp_path, messages, monkeypatch):
    from desktop.gui.app import create_main_window

    monkeypatch.setenv("POLICY_DESK_DATA", str(tmp_path / "data"))
    installed = installed_db_path()
    installed.parent.mkdir(parents=True)
    installed.write_bytes(b"an installed pack that no longer reads" * 50)
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not sqlite" * 100)
    answer = Answer("恢复")
    _app, window, data = create_main_window(broken)
    try:
        assert "损坏" in answer.texts[0]
        assert window is not None and window.isVisible() and data.engine.measures
        assert not installed.exists() and list(installed.parent.glob("policies.unusable-*.db")), \
            "the unusable pack is kept aside, not deleted"
    finally:
        window.consultation.dirty = False
        window.close()
        data.close()


def test_missing_database_import_a_pack_and_continue(gui_app, db_path, tmp_path, messages, monkeypatch):
    from desktop.gui.app import create_main_window

    monkeypatch.setenv("POLICY_DESK_DATA", str(tmp_path / "data"))
    trust_test_key(tmp_path / "data")  # the pack below is signed with the test key
    newer = tmp_path / "newer.db"
    shutil.copy(db_path, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE meta SET value = '2099.1.1' WHERE key = 'data_version'")
    pack = tmp_path / "2099.1.1.pdpack"
    write_pack(newer, pack, sign_key=TEST_SIGN_KEY)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(pack), "")))
    answer = Answer("导入")
    _app, window, data = create_main_window(tmp_path / "none.db")
    try:
        assert answer.texts and window is not None and window.isVisible()
        assert data.meta["data_version"] == "2099.1.1" and data.db_path == installed_db_path().resolve()
    finally:
        window.consultation.dirty = False
        window.close()
        data.close()
