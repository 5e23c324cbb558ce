"""Screenshots of each main view at 1024×700 and 1920×1080, written to docs/screenshots/
(described in docs/gui.md).

Besides saving the pictures, the test checks that the text on screen can be drawn: every Chinese
character shown is covered by the font Qt resolves for it (the bundled 文泉驿微米黑 when the
machine has no CJK font), so no character shows as a box.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase, QRawFont

from test_gui_support import (  # noqa: F401
    CATERING, drive, gui_app, make_window, messages, window,
)

# A test run writes the screenshots to artifacts/screenshots/ (not tracked); to refresh the copies
# described in docs/gui.md, run with POLICY_DESK_SCREENSHOTS=docs/screenshots.
_ROOT = Path(__file__).resolve().parent.parent
OUT = _ROOT / os.environ.get("POLICY_DESK_SCREENSHOTS", "artifacts/screenshots")
SIZES = [(1024, 700), (1920, 1080)]
VIEWS = ("questionnaire", "results", "reader", "search", "timeline", "whatif", "answers", "history")


def _uncovered(widget, text: str) -> set[str]:
    raw = QRawFont.fromFont(widget.font(), QFontDatabase.WritingSystem.SimplifiedChinese)
    assert raw.isValid() and raw.familyName(), "no font at all for Chinese"
    return {ch for ch in text if "\u4e00" <= ch <= "\u9fff" and not raw.supportsCharacter(ord(ch))}


def _save(window, name: str) -> Path:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    OUT.mkdir(parents=True, exist_ok=True)
    size = (window.width(), window.height())
    path = OUT / f"{name}_{size[0]}x{size[1]}.png"
    pixmap = window.grab()
    assert (pixmap.width(), pixmap.height()) == size
    assert pixmap.save(str(path))
    return path


def _visible_in_window(window, widget) -> bool:
    """The widget is shown and lies wholly inside the window (not clipped, not in an overflow)."""
    from PySide6.QtCore import QRect

    top_left = widget.mapTo(window, widget.rect().topLeft())
    return widget.isVisible() and QRect(0, 0, window.width(), window.height()).contains(
        QRect(top_left, widget.size()))


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_screenshots_of_the_main_views(qtbot, window, searcher, size, tmp_path):
    from desktop.gui.fonts import register_bundled_font

    assert register_bundled_font(), "the bundled CJK font is registered"
    assert window.font().families()[0] == register_bundled_font()[0]
    window.resize(*size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    assert _visible_in_window(window, window.as_of_edit.today_button), "今天 stays in view"
    assert _visible_in_window(window, window.date_edit)

    # 1. questionnaire, part-way through
    drive(qtbot, window, CATERING, max_steps=5)
    window.goto_question("industries")
    q = window.questionnaire
    assert not _uncovered(q.question_label, q.question_label.text() + q.help_label.text())
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    for button in q.editor.buttons():  # every option label fits its cell: wrapped, never cut
        label = button.parentWidget().label
        assert label.width() >= min(label.sizeHint().width(), label.minimumSizeHint().width()), label.text()
        assert label.heightForWidth(label.width()) <= label.height() + 1, label.text()
    assert _save(window, "questionnaire").exists()

    # 2. results, a measure selected
    drive(qtbot, window, CATERING, max_steps=12)
    applies = [mid for mid in window.results_view.section_members("applies") if window.citations.span(mid)]
    window.results_view.select_measure(applies[0])
    assert not _uncovered(window.results_view.detail, window.results_view.detail.toPlainText())
    _save(window, "results")

    # 3. reader at the cited clause
    window.open_source(applies[0])
    reader = window.reader_view
    assert not _uncovered(reader.text, reader.text.toPlainText()[:4000])
    _save(window, "reader")

    # 4. search with highlighted snippets
    window.focus_search()
    qtbot.waitUntil(lambda: window.search_view.ready, timeout=60_000)
    window.search_view.query_edit.setText("预付卡 备案")
    window.search_view.run_search()
    assert window.search_view.list.count()
    item_text = window.search_view.list.item(0).text()
    assert not _uncovered(window.search_view.list, item_text)
    _save(window, "search")

    # extra pictures: the timeline and 可争取的政策
    window.show_tab(window.TIMELINE)
    _save(window, "timeline")
    window.show_tab(window.WHATIF)
    _save(window, "whatif")
    window.show_tab(window.RESULTS)
    window.left_tabs.setCurrentIndex(window.ANSWERS)
    _save(window, "answers")
    assert window.save_to(tmp_path / f"{window.consultation.company}.json")  # an entry in 最近咨询
    window.left_tabs.setCurrentIndex(window.HISTORY)
    assert window.history_view.tree.topLevelItemCount() == 1
    _save(window, "history")
    for name in VIEWS:
        assert (OUT / f"{name}_{size[0]}x{size[1]}.png").stat().st_size > 20_000


BARE_CHECK = r"""
import os, sys
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication
app = QApplication([])
cjk = QFontDatabase.WritingSystem.SimplifiedChinese
# Families that can write Simplified Chinese (QRawFont.familyName() crashes on some builds
# when no such font exists, so ask the font database instead).
def covers():
    return any(app.font().family() == f or f in app.font().families() for f in QFontDatabase.families(cjk))
before = bool(QFontDatabase.families(cjk))
from desktop.gui.app import application
application()
after = covers()
print(f"{before} {after} {app.font().family()}")
"""


def test_chinese_renders_on_a_machine_without_cjk_fonts(tmp_path, root):
    """A fontconfig that only knows DejaVu stands in for a bare machine: the bundled font must cover."""
    import os
    import subprocess
    import sys

    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    # .ci/run installs fonts-dejavu-core: without it this check would not run, which must not pass as a skip.
    assert dejavu.is_dir(), "needs the DejaVu fonts (fonts-dejavu-core) to build a CJK-free font configuration"
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{dejavu}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root))
    proc = subprocess.run([sys.executable, "-c", BARE_CHECK], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    before, after, family = proc.stdout.split(maxsplit=2)
    assert before == "False", "the test font configuration still has a CJK font"
    assert after == "True" and family.startswith("WenQuanYi")
