"""Qt's own dialogs in Chinese: Qt's qtbase_zh_CN translation plus the few strings it lacks.

PySide6-Essentials ships ``qtbase_zh_CN.qm`` in its translations folder (QLibraryInfo's
TranslationsPath; PyInstaller collects the same folder). It leaves some labels of the file dialog
in English, and translates the 不保存 button of the unsaved-changes prompt as 丢弃; SUPPLEMENT fills
those in. The default locale becomes zh_CN so the calendar and dates speak Chinese too.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

CHINA = QLocale(QLocale.Language.Chinese, QLocale.Country.China)

# (context, source) → Chinese, for what qtbase_zh_CN leaves untranslated or says less clearly.
SUPPLEMENT: dict[tuple[str, str], str] = {
    ("QFileDialog", "Look in:"): "查找范围：",
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of type:"): "文件类型：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QFileDialog", "File &name:"): "文件名(&N)：",
    ("QFileDialog", "Detail View"): "详细信息",
    ("QFileDialog", "List View"): "列表",
    ("QFileDialog", "Back"): "后退",
    ("QFileDialog", "Forward"): "前进",
    ("QFileDialog", "Parent Directory"): "上一级",
    ("QFileDialog", "Create New Folder"): "新建文件夹",
    ("QPlatformTheme", "Discard"): "不保存",
    ("QPlatformTheme", "Don't Save"): "不保存",
}


class SupplementTranslator(QTranslator):
    """Answers only the strings of SUPPLEMENT; every other string falls through to qtbase_zh_CN."""

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: D401 - Qt's signature
        return SUPPLEMENT.get((context, source))  # None: a null string, so Qt asks the next translator

    def isEmpty(self) -> bool:
        return False


def translations_folders() -> list[Path]:
    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:  # a frozen build: PyInstaller's PySide6 hook puts them here
        folders.append(Path(bundle) / "PySide6" / "Qt" / "translations")
        folders.append(Path(bundle) / "PySide6" / "translations")
    return folders


def install_chinese(app: QCoreApplication) -> bool:
    """Install the Chinese translators (once); True when qtbase_zh_CN was found and loaded."""
    if getattr(app, "_policy_desk_translators", None):
        return bool(app._policy_desk_translators[0])  # type: ignore[attr-defined]
    QLocale.setDefault(CHINA)
    qtbase = QTranslator(app)
    loaded = any(qtbase.load(CHINA, "qtbase", "_", str(folder)) for folder in translations_folders())
    if loaded:
        app.installTranslator(qtbase)
    supplement = SupplementTranslator(app)
    app.installTranslator(supplement)  # installed last, asked first
    app._policy_desk_translators = [qtbase if loaded else None, supplement]  # type: ignore[attr-defined]
    return loaded
