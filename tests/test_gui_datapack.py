"""Importing a data pack from the window: verified, confirmed, installed, restart requested."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

from desktop.datapack import write_pack
from test_gui_support import gui_app, messages  # noqa: F401


def _pack(db_path, folder, version: str, flip_byte: bool = False):
    db = folder / f"{version}.db"
    shutil.copy(db_path, db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'data_version'", (version,))
    conn.close()
    pack = folder / f"{version}.pdpack"
    write_pack(db, pack)
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
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    target = tmp_path / "installed" / "policies.db"
    monkeypatch.setattr(dp, "installed_db_path", lambda: target)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(pack_path), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
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
    assert started and started[0][1][:2] == ["-m", "desktop"]
    assert not window.isVisible()


def test_corrupt_pack_is_refused_and_nothing_changes(qtbot, gui_app, db_path, tmp_path, monkeypatch, messages):
    pack = _pack(db_path, tmp_path, "2099.1.2", flip_byte=True)
    started: list = []
    target = _patch(monkeypatch, tmp_path, pack, started)
    window = _window(qtbot, db_path, tmp_path)
    window.act_import_pack.trigger()
    assert not target.exists() and not started
    warnings = [m for m in messages.shown if m[0] == "warning"]
    assert warnings and "数据包" in warnings[0][2]
    # The window still works on the old data.
    assert window.data.engine.evaluate({}, dt.date(2022, 7, 1))
