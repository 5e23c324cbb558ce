"""The overview picture: each applying measure's validity window and deadline against the as-of date.

One row per measure: a bar from its first to its last valid day (an open end fades out and says
"未规定"), a red diamond where its deadline names a calendar date, and a red vertical line at the
evaluation date. Click a row to see the measure in the results.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QLinearGradient, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QScrollArea, QToolTip, QVBoxLayout, QWidget

from desktop.service import STATUS_LABELS, MeasureResult

ROW = 26
HEAD = 40
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


class TimelineCanvas(QWidget):
    """Paints the rows; sized to its content (it lives in a scroll area)."""

    measure_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[Row] = []
        self.as_of = dt.date.today()
        self.setMouseTracking(True)
        self.setMinimumWidth(600)
        self._range = (dt.date(self.as_of.year - 1, 1, 1), dt.date(self.as_of.year + 2, 1, 1))

    def set_rows(self, rows: list[Row], as_of: dt.date) -> None:
        self.rows = rows
        self.as_of = as_of
        days = [as_of] + [d for r in rows for d in (r.start, r.end, r.deadline) if d]
        lo = min(days)
        hi = max(days)
        self._range = (dt.date(lo.year, 1, 1), dt.date(hi.year + 1, 1, 1))
        self.setMinimumHeight(HEAD + ROW * max(1, len(rows)) + 12)
        self.updateGeometry()
        self.update()

    # ------------------------------------------------------------------ geometry

    def _x(self, day: dt.date) -> float:
        lo, hi = self._range
        left, right = LABEL_W + 10, self.width() - 20
        span = max(1, (hi - lo).days)
        return left + (right - left) * ((day - lo).days / span)

    def row_at(self, y: float) -> Row | None:
        i = int((y - HEAD) // ROW)
        return self.rows[i] if 0 <= i < len(self.rows) and y >= HEAD else None

    # ------------------------------------------------------------------ painting

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        fm = QFontMetrics(self.font())
        lo, hi = self._range
        left, right = LABEL_W + 10, self.width() - 20
        bottom = HEAD + ROW * max(1, len(self.rows))
        # year grid
        p.setPen(QPen(QColor("#d8d8d8"), 1))
        for year in range(lo.year, hi.year + 1):
            x = self._x(dt.date(year, 1, 1))
            if left - 1 <= x <= right + 1:
                p.drawLine(QPointF(x, HEAD - 6), QPointF(x, bottom))
                p.setPen(QColor("#555555"))
                if x + fm.horizontalAdvance(f"{year}年") + 6 < right:
                    p.drawText(QRectF(x + 3, HEAD - 22, 60, 16), Qt.AlignmentFlag.AlignLeft, f"{year}年")
                p.setPen(QPen(QColor("#d8d8d8"), 1))
        if not self.rows:
            p.setPen(QColor("#777777"))
            p.drawText(QRectF(10, HEAD, self.width() - 20, ROW), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       "目前没有适用或可能适用的政策。回答问卷后，这里会显示它们的有效期和截止时间。")
        for i, row in enumerate(self.rows):
            y = HEAD + i * ROW
            if i % 2:
                p.fillRect(QRectF(0, y, self.width(), ROW), QColor("#f6f7f9"))
            m = row.result.measure
            p.setPen(QColor("#222222") if row.result.status == "applies" else QColor("#555555"))
            title = ("［方向］" if m.programme_level else "") + m.title
            p.drawText(QRectF(8, y, LABEL_W - 8, ROW), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                       fm.elidedText(title, Qt.TextElideMode.ElideRight, LABEL_W - 12))
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
            label = f"至 {row.end.isoformat()}" if row.end else "未规定截止日期"
            if not row.start and not row.end:
                label = "未规定有效期"
            width = fm.horizontalAdvance(label) + 8
            if bar.width() > width + 40:
                # inside the bar: at its end when it has one, else at its start (away from the date line)
                x = bar.right() - width if row.end else bar.left() + (40 if not row.start else 6)
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
        # the evaluation date
        x = self._x(self.as_of)
        line = QColor("#d32f2f")
        line.setAlpha(170)
        p.setPen(QPen(line, 2))
        p.drawLine(QPointF(x, HEAD - 8), QPointF(x, bottom + 4))
        tag = f"评估日 {self.as_of.isoformat()}"
        w = fm.horizontalAdvance(tag) + 10
        tx = min(max(x - w / 2, left), right - w)
        p.fillRect(QRectF(tx, 2, w, 18), QColor("#d32f2f"))
        p.setPen(QColor("#ffffff"))
        p.drawText(QRectF(tx, 2, w, 18), Qt.AlignmentFlag.AlignCenter, tag)
        p.end()

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
        row = self.row_at(event.position().y())
        if row is not None:
            self.measure_clicked.emit(row.result.id)


class TimelineView(QWidget):
    """The timeline tab: legend, option, and the scrolling canvas."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        head = QHBoxLayout()
        legend = QLabel(
            "<span style='color:#2e9d55'>■</span> 适用　<span style='color:#e0a030'>■</span> 可能适用　"
            "<span style='color:#8a6fc6'>■</span> 尚未生效　<span style='color:#a0a0a0'>■</span> 已失效　"
            "<span style='color:#d32f2f'>◆</span> 截止时间　<span style='color:#d32f2f'>│</span> 评估日期"
        )
        legend.setTextFormat(Qt.TextFormat.RichText)
        self.inactive_box = QCheckBox("已失效和尚未生效的")
        self.inactive_box.toggled.connect(lambda _on: self._refresh())
        self.directions_box = QCheckBox("政策方向")
        self.directions_box.toggled.connect(lambda _on: self._refresh())
        head.addWidget(legend, 1)
        head.addWidget(QLabel("同时显示："))
        head.addWidget(self.inactive_box)
        head.addWidget(self.directions_box)
        layout.addLayout(head)
        self.canvas = TimelineCanvas()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.canvas)
        layout.addWidget(self.scroll, 1)
        self._results: list[MeasureResult] = []
        self._as_of = dt.date.today()

    def set_results(self, results: list[MeasureResult], as_of: dt.date) -> None:
        self._results = results
        self._as_of = as_of
        self._refresh()

    def _refresh(self) -> None:
        self.canvas.set_rows(timeline_rows(self._results, self.inactive_box.isChecked(),
                                           self.directions_box.isChecked()), self._as_of)
