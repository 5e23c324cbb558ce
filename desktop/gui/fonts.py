"""The bundled CJK font: registered at start so Chinese never shows as boxes on a bare machine."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.paths import resources_dir

log = logging.getLogger("policy_desk.gui")

FONT_FILE = "wqy-microhei.ttc"
_registered: list[str] = []


def register_bundled_font() -> list[str]:
    """Add resources/fonts/wqy-microhei.ttc to Qt's font database; return its families (once)."""
    if _registered:
        return list(_registered)
    path = resources_dir() / "fonts" / FONT_FILE
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.warning("could not register the bundled font %s", path)
        return []
    _registered.extend(QFontDatabase.applicationFontFamilies(font_id))
    return list(_registered)


def install_application_font(app: QApplication, point_size: float | None = None) -> str | None:
    """Make the bundled CJK family the application font (with the system family as fallback).

    Returns the primary family name, or None if the bundled font could not be registered (then
    the platform font is kept and Qt's own fallback is the only hope).
    """
    families = register_bundled_font()
    if not families:
        return None
    cjk = families[0]
    font = QFont(app.font())
    system_family = font.family()
    # The bundled face first: it has Latin glyphs too, so mixed Chinese/Latin text gets one look.
    font.setFamilies([cjk] + [f for f in (system_family,) if f and f != cjk])
    if point_size:
        font.setPointSizeF(point_size)
    elif font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    # Widgets that ask for a generic family (monospace, serif…) still reach the CJK glyphs.
    for generic in ("Sans Serif", "Serif", "Monospace", "monospace", "sans-serif", "serif", system_family):
        if generic and generic != cjk:
            QFont.insertSubstitution(generic, cjk)
    return cjk
