"""The overview picture: each applying measure's validity window and deadline against the as-of date.

One row per measure with a date that matters (an end of validity or a deadline): a bar from its
first to its last valid day (an open start fades in), a red diamond where its deadline names a
calendar date, and a red vertical line at the evaluation date. Measures with neither an end nor a
deadline share one collapsed row at the bottom ("未规定截止时间的政策（N 条）"), opened with a click
or Enter. The year axis stays above the scrolling rows. Click a row, or move with the arrow keys
and press Enter, to see the measure in the results.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QLinearGradient, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QLabel, QScrollArea, QToolTip, QVBoxLayout, QWidget

from desktop.service import STATUS_LABELS, MeasureResult

ROW = 26
HEAD = 28  # the axis strip above the rows
LABEL_W = 300
COLOURS = {
    "applies": QColor("#2e9d55"),
    "maybe": QColor("#e0a030"),
    "not_yet_in_force": QColor("#8a6fc6"),
    "expired": QColor("#a0a0a0"),
}
# A calendar date the deadline text names as an end: "2025年12月31日前", "截至2022年底", "于2023-06-30止".
# A date that only starts a period ("自2022年6月1日起九十日内") is not an end and gives no marker.
_DATE = r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(20\d\d)-(\d\d)-(\d\d)|(20\d\d)\s*年底"
DATE_IN_TEXT = re.compile(rf"(?:截至|截止|至|于)\s*(?:{_DATE})|(?:{_DATE})\s*(?:前|之前|以前|止|为止)")


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def deadline_date(text: str | None) -> dt.date | None:
    """A calendar date named in a deadline text (e.g. 2025年12月31日前, 2022年底), else None."""
    if not text:
        return None
    m = DATE_IN_TEXT.search(text)
    if not m:
        return None
    g = [x for x in m.groups()]
    for base in (0, 7):  # the two alternatives of the pattern carry the same seven groups
        y, mo, d, y2, mo2, d2, y3 = g[base:base + 7]
        try:
            if y:
                return dt.date(int(y), int(mo), int(d))
            if y2:
                return dt.date(int(y2), int(mo2), int(d2))
            if y3:
                return dt.date(int(y3), 12, 31)
        except ValueError:
            return None
    return None


@dataclass
class Row:
    result: MeasureResult
    start: dt.date | None
    end: dt.date | None
    deadline: dt.date | None


def timeline_rows(results: list[MeasureResult], include_inactive: bool = False,
                  include_directions: bool = False) -> list[Row]:
    """The rows shown: applying (and possibly applying) measures, dated ones first, the most urgent first.

    Programme-level items (policy directions) are left out unless asked for: they are not
    something the company applies for.
    """
    wanted = ({"applies", "maybe"} | ({"expired", "not_yet_in_force"} if include_inactive else set())
              | ({"related"} if include_directions else set()))
    rows = [
        Row(r, _day(r.measure.valid_from), _day(r.measure.valid_to), deadline_date(r.measure.deadline))
        for r in results
        if r.status in wanted and (include_directions or not r.measure.programme_level)
    ]
    far = dt.date.max
    rank = {"applies": 0, "maybe": 1, "not_yet_in_force": 2, "expired": 3}
    rows.sort(key=lambda row: (
        0 if (row.end or row.deadline or row.start) else 1,
        rank.get(row.result.status, 4),
        min(row.end or far, row.deadline or far),
        row.result.measure.title,
    ))
    return rows


def is_undated(row: Row) -> bool:
    """Nothing to place on a time axis: no end of validity and no deadline date."""
    return row.end is None and row.deadline is None


def _year_range(days: list[dt.date]) -> tuple[dt.date, dt.date]:
    lo, hi = min(days), max(days)
    return dt.date(lo.year, 1, 1), dt.date(min(hi.year + 1, dt.MAXYEAR), 1, 1)


class TimelineCanvas(QWidget):
    """Paints the rows; sized to its content (it lives in a scroll area under its TimelineAxis)."""

    measure_clicked = Signal(str)
    current_moved = Signal(int, int)  # top and height of the current line, to keep it in view

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[Row] = []  # every measure shown: dated ones, then the undated ones
        self.dated: list[Row] = []
        self.undated: list[Row] = []
        self.expanded = False
        self.current = 0
        self.as_of = dt.date.today()
        self.setMouseTracking(True)
        self.setMinimumWidth(600)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("时间线")
        self._range = (dt.date(self.as_of.year - 1, 1, 1), dt.date(self.as_of.year + 2, 1, 1))

    def set_rows(self, rows: list[Row], as_of: dt.date) -> None:
        self.rows = rows
        self.dated = [r for r in rows if not is_undated(r)]
        self.undated = [r for r in rows if is_undated(r)]
        self.as_of = as_of
        days = [as_of] + [d for r in self.dated for d in (r.start, r.end, r.deadline) if d]
        self._range = _year_range(days)
        self.current = min(self.current, max(0, len(self.lines()) - 1))
        self._resize()

    def _resize(self) -> None:
        self.setMinimumHeight(ROW * max(1, len(self.lines())) + 12)
        self.updateGeometry()
        self.update()

    def lines(self) -> list[Row | None]:
        """What each line shows: a measure, or None for the collapsed 未规定截止时间 row."""
        out: list[Row | None] = list(self.dated)
        if self.undated:
            out.append(None)
            if self.expanded:
                out += self.undated
        return out

    def toggle_undated(self) -> None:
        self.expanded = not self.expanded
        self._resize()

    # ------------------------------------------------------------------ geometry

    def _x(self, day: dt.date) -> float:
        lo, hi = self._range
        left, right = LABEL_W + 10, self.width() - 20
        span = max(1, (hi - lo).days)
        return left + (right - left) * ((day - lo).days / span)

    def line_at(self, y: float) -> int | None:
        i = int(y // ROW)
        return i if 0 <= i < len(self.lines()) and y >= 0 else None

    def row_at(self, y: float) -> Row | None:
        i = self.line_at(y)
        return self.lines()[i] if i is not None else None

    # ------------------------------------------------------------------ painting

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        fm = QFontMetrics(self.font())
        lo, hi = self._range
        left, right = LABEL_W + 10, self.width() - 20
        lines = self.lines()
        bottom = ROW * max(1, len(lines))
        p.setPen(QPen(QColor("#d8d8d8"), 1))  # the year grid (its labels are on the axis above)
        for year in range(lo.year, hi.year + 1):
            x = self._x(dt.date(year, 1, 1))
            if left - 1 <= x <= right + 1:
                p.drawLine(QPointF(x, 0), QPointF(x, bottom))
        if not lines:
            p.setPen(QColor("#777777"))
            p.drawText(QRectF(10, 0, self.width() - 20, ROW), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       "目前没有适用或可能适用的政策。回答问卷后，这里会显示它们的有效期和截止时间。")
        for i, row in enumerate(lines):
            y = i * ROW
            if i % 2:
                p.fillRect(QRectF(0, y, self.width(), ROW), QColor("#f6f7f9"))
            if row is None:
                self._paint_group(p, fm, y)
            elif is_undated(row):
                self._paint_undated(p, fm, row, y, left)
            else:
                self._paint_bar(p, fm, row, y, left, right)
        x = self._x(self.as_of)  # the evaluation date
        line = QColor("#d32f2f")
        line.setAlpha(170)
        p.setPen(QPen(line, 2))
        p.drawLine(QPointF(x, 0), QPointF(x, bottom + 4))
        if self.hasFocus() and lines:
            p.setPen(QPen(QColor("#1f5fa8"), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(1, self.current * ROW + 1, self.width() - 2, ROW - 2))
        p.end()

    def _title(self, p: QPainter, fm: QFontMetrics, row: Row, y: float) -> None:
        m = row.result.measure
        p.setPen(QColor("#222222") if row.result.status == "applies" else QColor("#555555"))
        title = ("［方向］" if m.programme_level else "") + m.title
        p.drawText(QRectF(8, y, LABEL_W - 8, ROW), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   fm.elidedText(title, Qt.TextElideMode.ElideRight, LABEL_W - 12))

    def _paint_group(self, p: QPainter, fm: QFontMetrics, y: float) -> None:
        p.setPen(QColor("#1f5fa8"))
        arrow = "▾" if self.expanded else "▸"
        action = "收起" if self.expanded else "展开"
        text = f"{arrow} 未规定截止时间的政策（{len(self.undated)} 条）：长期有效或文件未写明终止日期，点击或按回车{action}"
        p.drawText(QRectF(8, y, self.width() - 16, ROW), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   fm.elidedText(text, Qt.TextElideMode.ElideRight, self.width() - 16))

    def _paint_undated(self, p: QPainter, fm: QFontMetrics, row: Row, y: float, left: float) -> None:
        self._title(p, fm, row, y)
        since = f"自 {row.start.isoformat()} 起，" if row.start else ""
        p.setPen(QColor("#777777"))
        p.drawText(QRectF(left, y, self.width() - left - 8, ROW), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   f"{since}未规定截止时间")

    def _paint_bar(self, p: QPainter, fm: QFontMetrics, row: Row, y: float, left: float, right: float) -> None:
        m = row.result.measure
        self._title(p, fm, row, y)
        colour = COLOURS.get(row.result.status, QColor("#999999"))
        x1 = self._x(row.start) if row.start else float(left)
        x2 = self._x(row.end) if row.end else float(right)
        bar = QRectF(x1, y + 6, max(3.0, x2 - x1), ROW - 12)
        grad = QLinearGradient(bar.topLeft(), bar.topRight())
        fill = QColor(colour)
        if m.programme_level:
            fill.setAlpha(120)
        faded = QColor(fill)
        faded.setAlpha(25)
        grad.setColorAt(0.0, fill if row.start else faded)
        grad.setColorAt(0.15, fill)
        grad.setColorAt(0.85, fill)
        grad.setColorAt(1.0, fill if row.end else faded)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(grad))
        p.drawRoundedRect(bar, 3, 3)
        if row.end:
            label = f"至 {row.end.isoformat()}"
            width = fm.horizontalAdvance(label) + 8
            if bar.width() > width + 40:
                x = bar.right() - width
                p.setPen(QColor("#ffffff"))
            else:  # outside: after the bar, or before it when there is no room on the right
                x = bar.right() + 4 if bar.right() + 4 + width <= self.width() - 4 else bar.left() - width - 4
                p.setPen(QColor("#333333"))
            p.drawText(QRectF(x, y, width, ROW), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)
        if row.deadline:
            x = self._x(row.deadline)
            cy = y + ROW / 2
            p.setBrush(QColor("#d32f2f"))
            p.setPen(QPen(QColor("#ffffff"), 1))
            p.drawPolygon(QPolygonF([QPointF(x, cy - 7), QPointF(x + 7, cy), QPointF(x, cy + 7), QPointF(x - 7, cy)]))

    # ------------------------------------------------------------------ interaction

    def mouseMoveEvent(self, event) -> None:
        row = self.row_at(event.position().y())
        if row is None:
            QToolTip.hideText()
            return
        m = row.result.measure
        lines = [m.title, f"状态：{STATUS_LABELS[row.result.status]}",
                 f"有效期：{m.valid_from or '未规定'} 至 {m.valid_to or '未规定'}（{m.validity_note}）"]
        if m.deadline:
            lines.append(f"时限：{m.deadline}")
        lines.append(f"部门：{m.department}")
        QToolTip.showText(event.globalPosition().toPoint(), "\n".join(lines), self)

    def mousePressEvent(self, event) -> None:
        i = self.line_at(event.position().y())
        if i is not None:
            self._move(i)
            self._activate()

    def _move(self, i: int) -> None:
        n = len(self.lines())
        if not n:
            return
        self.current = max(0, min(i, n - 1))
        self.current_moved.emit(self.current * ROW, ROW)
        self.update()

    def _activate(self) -> None:
        lines = self.lines()
        if not lines:
            return
        row = lines[self.current]
        if row is None:
            self.toggle_undated()
        else:
            self.measure_clicked.emit(row.result.id)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        page = max(1, self.parentWidget().height() // ROW - 1) if self.parentWidget() else 10
        moves = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -page, Qt.Key.Key_PageDown: page}
        if key in moves:
            self._move(self.current + moves[key])
        elif key == Qt.Key.Key_Home:
            self._move(0)
        elif key == Qt.Key.Key_End:
            self._move(len(self.lines()) - 1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._activate()
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()


class TimelineAxis(QWidget):
    """The year labels and the evaluation-date tag, fixed above the scrolling rows."""

    def __init__(self, canvas: TimelineCanvas, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas = canvas
        self.setFixedHeight(HEAD)

    def paintEvent(self, _event) -> None:
        c = self.canvas
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().base())
        fm = QFontMetrics(self.font())
        lo, hi = c._range
        left, right = LABEL_W + 10, c.width() - 20
        p.setPen(QColor("#555555"))
        p.drawText(QRectF(8, 4, LABEL_W - 8, HEAD - 6), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   f"政策（{len(c.dated)} 条有截止时间）")
        for year in range(lo.year, hi.year + 1):
            x = c._x(dt.date(year, 1, 1))
            if left - 1 <= x <= right + 1:
                p.setPen(QPen(QColor("#bbbbbb"), 1))
                p.drawLine(QPointF(x, HEAD - 8), QPointF(x, HEAD))
                if x + fm.horizontalAdvance(f"{year}年") + 6 < right:
                    p.setPen(QColor("#555555"))
                    p.drawText(QRectF(x + 3, HEAD - 22, 60, 16), Qt.AlignmentFlag.AlignLeft, f"{year}年")
        x = c._x(c.as_of)
        tag = f"评估日 {c.as_of.isoformat()}"
        w = fm.horizontalAdvance(tag) + 10
        tx = min(max(x - w / 2, left), right - w)
        p.fillRect(QRectF(tx, 1, w, 16), QColor("#d32f2f"))
        p.setPen(QColor("#ffffff"))
        p.drawText(QRectF(tx, 1, w, 16), Qt.AlignmentFlag.AlignCenter, tag)
        p.setPen(QPen(QColor("#d32f2f"), 2))
        p.drawLine(QPointF(x, 17), QPointF(x, HEAD))
        p.setPen(QPen(QColor("#cccccc"), 1))
        p.drawLine(QPointF(0, HEAD - 1), QPointF(self.width(), HEAD - 1))
        p.end()


class TimelineView(QWidget):
    """The timeline tab: legend, options, the fixed axis and the scrolling canvas."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(2)
        head = QHBoxLayout()
        legend = QLabel(
            "<span style='color:#2e9d55'>■</span> 适用　<span style='color:#e0a030'>■</span> 可能适用　"
            "<span style='color:#8a6fc6'>■</span> 尚未生效　<span style='color:#a0a0a0'>■</span> 已失效　"
            "<span style='color:#d32f2f'>◆</span> 截止时间　<span style='color:#d32f2f'>│</span> 评估日期　"
            "渐隐：起止日未规定"
        )
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setWordWrap(True)
        self.inactive_box = QCheckBox("已失效和尚未生效的(&I)")
        self.inactive_box.toggled.connect(lambda _on: self._refresh())
        self.directions_box = QCheckBox("政策方向(&D)")
        self.directions_box.toggled.connect(lambda _on: self._refresh())
        head.addWidget(legend, 1)
        head.addWidget(QLabel("同时显示："))
        head.addWidget(self.inactive_box)
        head.addWidget(self.directions_box)
        layout.addLayout(head)
        self.canvas = TimelineCanvas()
        self.axis = TimelineAxis(self.canvas)
        self.rows_area = QScrollArea()
        self.rows_area.setFrameShape(QFrame.Shape.NoFrame)  # the axis and the rows share their x
        self.rows_area.setWidgetResizable(True)
        self.rows_area.setWidget(self.canvas)
        self.canvas.current_moved.connect(lambda y, h: self.rows_area.ensureVisible(0, y + h // 2, 0, h))
        layout.addWidget(self.axis)
        layout.addWidget(self.rows_area, 1)
        self._results: list[MeasureResult] = []
        self._as_of = dt.date.today()

    def set_results(self, results: list[MeasureResult], as_of: dt.date) -> None:
        self._results = results
        self._as_of = as_of
        self._refresh()

    def _refresh(self) -> None:
        self.canvas.set_rows(timeline_rows(self._results, self.inactive_box.isChecked(),
                                           self.directions_box.isChecked()), self._as_of)
        self.axis.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.axis.update()
