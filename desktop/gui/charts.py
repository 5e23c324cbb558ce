"""Two small charts drawn with QPainter (PySide6-Essentials has no QtCharts).

BarChart: horizontal bars, one per labelled count, longest first, label on the left and the
number at the end of the bar. WeekTimeline: one column per week, with the week's start date under
every few columns. Both take plain lists, so the statistics module stays Qt-free.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = QColor("#3a78c2")
BAR_ALT = QColor("#e0903a")
GRID = QColor("#d9dee5")
TEXT = QColor("#222222")
MUTED = QColor("#666666")


def _paint_title(p: QPainter, widget: QWidget, title: str) -> None:
    """A chart's bold title along its top 20 pixels; the painter keeps the widget's font after."""
    f = p.font()
    f.setBold(True)
    p.setFont(f)
    p.setPen(TEXT)
    p.drawText(QRectF(4, 2, widget.width() - 8, 20), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
    p.setFont(widget.font())


class BarChart(QWidget):
    """Horizontal bars for (label, count) pairs."""

    ROW = 22

    def __init__(self, title: str = "", color: QColor = BAR, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.color = color
        self.items: list[tuple[str, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setAccessibleName(title or "柱状图")

    def set_items(self, items: list[tuple[str, int]]) -> None:
        self.items = list(items)
        self.setToolTip("\n".join(f"{label}：{n}" for label, n in self.items[:40]))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 34 + self.ROW * max(1, len(self.items)))

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 34 + self.ROW * max(1, len(self.items)))

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        top = 26 if self.title else 4
        if self.title:
            _paint_title(p, self, self.title)
        if not self.items:
            p.setPen(MUTED)
            p.drawText(QRectF(4, top, self.width() - 8, self.ROW), Qt.AlignmentFlag.AlignLeft, "（所选时间内没有记录）")
            return
        label_w = min(int(self.width() * 0.45), max(fm.horizontalAdvance(label) for label, _ in self.items) + 10)
        number_w = fm.horizontalAdvance(str(max(n for _, n in self.items))) + 10
        bar_w = max(10, self.width() - label_w - number_w - 12)
        most = max(n for _, n in self.items) or 1
        for i, (label, n) in enumerate(self.items):
            y = top + i * self.ROW
            p.setPen(TEXT)
            shown = fm.elidedText(label, Qt.TextElideMode.ElideRight, label_w - 8)
            p.drawText(QRectF(4, y, label_w - 8, self.ROW), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)
            width = bar_w * n / most
            p.fillRect(QRectF(label_w, y + 4, max(width, 1.5), self.ROW - 8), self.color)
            p.drawText(QRectF(label_w + width + 4, y, number_w, self.ROW), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(n))
        p.end()


class WeekTimeline(QWidget):
    """Consultations per week: one column per week (empty weeks included)."""

    def __init__(self, title: str = "每周咨询次数", parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.weeks: list[tuple[str, int]] = []  # (week start ISO date, count)
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(title)

    def set_weeks(self, weeks: list[tuple[str, int]]) -> None:
        self.weeks = list(weeks)
        self.setToolTip("\n".join(f"{start} 起一周：{n} 次" for start, n in self.weeks[-40:]))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 220)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        _paint_title(p, self, self.title)
        if not self.weeks:
            p.setPen(MUTED)
            p.drawText(QRectF(4, 28, self.width() - 8, 20), Qt.AlignmentFlag.AlignLeft, "（所选时间内没有记录）")
            return
        most = max(n for _, n in self.weeks) or 1
        axis_w = fm.horizontalAdvance(str(most)) + 10
        left, top, bottom = axis_w + 4, 28, self.height() - fm.height() - 8
        right = self.width() - 8
        height = max(10, bottom - top)
        for value in sorted({0, most // 2, most}):  # grid lines at 0, half and the maximum
            y = bottom - height * value / most
            p.setPen(QPen(GRID, 1))
            p.drawLine(int(left), int(y), int(right), int(y))
            p.setPen(MUTED)
            p.drawText(QRectF(0, y - 9, axis_w, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(value))
        step = (right - left) / len(self.weeks)
        label_every = max(1, int((fm.horizontalAdvance("2026-03-30") + 12) // max(step, 1)) + 1)
        for i, (start, n) in enumerate(self.weeks):
            x = left + i * step
            h = height * n / most
            p.fillRect(QRectF(x + step * 0.15, bottom - h, max(step * 0.7, 1.5), h), BAR)
            if i % label_every == 0:
                p.setPen(MUTED)
                p.drawText(QRectF(x - 40 + step / 2, bottom + 3, 80, fm.height()), Qt.AlignmentFlag.AlignHCenter, start[5:] if i else start)
        p.end()
