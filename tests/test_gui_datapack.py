"""Importing a data pack from the window: verified, confirmed, installed, restart requested."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

from desktop.datapack import write_pack
from packkeys import TEST_SIGN_KEY
from test_gui_support import gui_app, messages  # noqa: F401


def _pack(db_path, folder, version: str, flip_byte: bool = False):
    db = folder / f"{version}.db"
    shutil.copy(db_path, db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'data_version'", (version,))
    conn.close()
    pack = folder / f"{version}.pdpack"
    write_pack(db, pack, sign_key=TEST_SIGN_KEY)
    if flip_byte:
        data = bytearray(pack.read_bytes())
        data[len(data) // 2] ^= 0xFF
        pack.write_bytes(bytes(data))
    return pack


def _window(qtbot, db_path, tmp_path):
    from PySide6.QtCore import QSettings

    from desktop.gui.main_window import MainWindow
    from desktop.session.profiles_store import ProfileStore
    from desktop.service import open_data

    data = open_data(db_path)  # its own data: the import closes it
    w = MainWindow(data, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                   store=ProfileStore(tmp_path / "userdata"))
    qtbot.addWidget(w)
    w.set_as_of(dt.date(2022, 7, 1))
    return w


def _patch(monkeypatch, tmp_path, pack_path, started):
    import desktop.datapack as dp
    from PySide6.QtCore import QProcess
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "installed" / "policies.db"
    import desktop.datapack_install as install

    from desktop import paths

    monkeypatch.setattr(paths, "installed_db_path", lambda: target)  # where trust looks (desktop/datapack_trust.py)
    monkeypatch.setattr(install, "installed_db_path", lambda: target)
    monkeypatch.setattr(dp, "installed_db_path", lambda: target)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(pack_path), ""))
    import desktop.gui.datapack_action as action

    monkeypatch.setattr(action, "confirm", lambda window, title, text: started.append(("asked", text)) is None)
    monkeypatch.setattr(QProcess, "startDetached", lambda program, args: started.append((program, args)) or True)
    return target


def test_newer_pack_is_installed_and_the_app_restarts(qtbot, gui_app, db_path, tmp_path, monkeypatch, messages):
    pack = _pack(db_path, tmp_path, "2099.1.1")
    started: list = []
    target = _patch(monkeypatch, tmp_path, pack, started)
    window = _window(qtbot, db_path, tmp_path)
    window.act_import_pack.trigger()
    assert target.exists()
    info = [m for m in messages.shown if m[0] == "information"]
    assert info and "2099.1.1" in info[0][2]
    assert started[0][0] == "asked" and "2099.1.1" in started[0][1]
    assert started[1][1][:2] == ["-m", "desktop"]
    assert not window.isVisible()


def test_corrupt_pack_is_refused_and_nothing_changes(qtbot, gui_app, db_path, tmp_path, monkeypatch, messages):
    pack = _pack(db_path, tmp_path, "2099.1.2", flip_byte=True)
    started: list = []
    target = _patch(monkeypatch, tmp_path, pack, started)
    window = _window(qtbot, db_path, tmp_path)
    window.act_import_pack.trigger()
    assert not target.exists() and not started  # refused before the question
    warnings = [m for m in messages.shown if m[0] == "warning"]
    assert warnings and "数据包" in warnings[0][2]
    # The window still works on the old data.
    assert window.data.engine.evaluate({}, dt.date(2022, 7, 1))


def test_restore_bundled_data_from_the_help_menu(qtbot, gui_app, db_path, tmp_path, monkeypatch, messages):
    pack = _pack(db_path, tmp_path, "2099.1.3")
    started: list = []
    target = _patch(monkeypatch, tmp_path, pack, started)
    window = _window(qtbot, db_path, tmp_path)
    window.act_restore_bundled.trigger()  # nothing installed: nothing to do
    assert not started and "无需恢复" in messages.shown[-1][2]
    window.act_import_pack.trigger()
    assert target.exists() and target.with_name("signature.json").exists()
    window = _window(qtbot, db_path, tmp_path)
    started.clear()
    window.act_restore_bundled.trigger()
    assert started[0][0] == "asked" and "2099.1.3" in started[0][1]
    assert started[1][1][:2] == ["-m", "desktop"] and not window.isVisible()
    assert not target.exists() and not target.with_name("signature.json").exists()
    assert "已改用随程序发布的数据" in messages.shown[-1][2]


def test_changelog_is_shown_as_plain_text(qtbot, gui_app, db_path, tmp_path, monkeypatch, messages):
    """A title carrying HTML or terminal escapes reaches the question as inert plain text."""
    def hostile(c):
        c.execute("UPDATE measures SET title = ? WHERE ordinal = (SELECT MIN(ordinal) FROM measures)",
                  ("<img src=x><b>粗体</b>\x1b[2J\u202e反向",))
    db = tmp_path / "hostile.db"
    shutil.copy(db_path, db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE meta SET value = '2099.1.4' WHERE key = 'data_version'")
        hostile(conn)
    conn.close()
    pack = tmp_path / "hostile.pdpack"
    write_pack(db, pack, sign_key=TEST_SIGN_KEY)
    started: list = []
    _patch(monkeypatch, tmp_path, pack, started)
    monkeypatch.setattr("desktop.gui.datapack_action.confirm", lambda w, title, text: started.append(text) and False)
    window = _window(qtbot, db_path, tmp_path)
    window.act_import_pack.trigger()
    text = started[0]
    assert "<img src=x><b>粗体</b>反向" in text and "\x1b" not in text and "\u202e" not in text

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    import desktop.gui.datapack_action as action

    seen = {}
    monkeypatch.undo()  # the real confirm again; only its dialog's exec is replaced
    monkeypatch.setattr(QMessageBox, "exec", lambda box: seen.update(format=box.textFormat(), text=box.text()) or 0)
    assert action.confirm(window, "t", "<b>x</b>") is False
    assert seen["format"] == Qt.TextFormat.PlainText and seen["text"] == "<b>x</b>"
