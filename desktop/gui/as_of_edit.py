"""The 评估日期 control: a date field that waits for a complete date, a 今天 button, a range check.

Typing a date changes the field several times (2021-06-01, 2021-03-01, 2021-03-02 while typing
2021-03-02); the match runs once, when the person presses Enter, leaves the field or stops typing
for a moment. A date the data cannot judge is refused with a Chinese message and the field goes
back to the date in use. Focus stays in the field throughout.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QHBoxLayout, QLabel, QMessageBox, QToolButton, QWidget

from desktop.session.as_of import LATEST, as_of_problem

SETTLE_MS = 900  # a pause in typing this long means the date is complete


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(qdate: QDate) -> dt.date:
    return dt.date(qdate.year(), qdate.month(), qdate.day())


class AsOfEdit(QWidget):
    """评估日期(&T)：[yyyy-MM-dd ▾] [今天]. Emits ``chosen`` once per accepted new date."""

    chosen = Signal(object)  # datetime.date

    def __init__(self, earliest: dt.date | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.earliest = earliest
        self.current = dt.date.today()
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 0, 6, 0)
        row.setSpacing(4)
        label = QLabel("评估日期(&T)：")
        self.edit = QDateEdit(_qdate(self.current))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        # Wide on purpose: a typed date outside the sensible range gets a message, not a silent fix.
        self.edit.setDateRange(QDate(1900, 1, 1), QDate(9999, 12, 31))
        self.edit.setToolTip(f"按这一天判断政策是否有效（{self._range_text()}）；打印和导出的清单上也写明这一天。"
                             "输入完整日期后按回车，或稍等片刻")
        self.edit.setAccessibleName("评估日期")
        label.setBuddy(self.edit)
        self.today_button = QToolButton()
        self.today_button.setText("今天")
        self.today_button.setToolTip("把评估日期设为今天")
        self.today_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.today_button.clicked.connect(lambda: self.set_date(dt.date.today()))
        row.addWidget(label)
        row.addWidget(self.edit)
        row.addWidget(self.today_button)

        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.commit)
        self.edit.dateChanged.connect(lambda _d: self._settle.start())
        self.edit.editingFinished.connect(self.commit)
        self.edit.calendarWidget().clicked.connect(lambda _d: QTimer.singleShot(0, self.commit))

    def _range_text(self) -> str:
        return f"{self.earliest.isoformat() if self.earliest else '2000-01-01'} 至 {LATEST.isoformat()}"

    def set_date(self, day: dt.date) -> None:
        """Put ``day`` in the field and use it at once (今天, opening a profile, tests)."""
        self.edit.blockSignals(True)
        self.edit.setDate(_qdate(day))
        self.edit.blockSignals(False)
        self.commit()

    def show_date(self, day: dt.date) -> None:
        """Show the date in use without announcing it (a new or opened consultation)."""
        self.current = day
        self.edit.blockSignals(True)
        self.edit.setDate(_qdate(day))
        self.edit.blockSignals(False)

    def commit(self) -> None:
        """Use the date in the field if it is new and sensible; refuse it with a message otherwise."""
        self._settle.stop()
        day = _day(self.edit.date())
        if day == self.current:
            return
        problem = as_of_problem(day, self.earliest)
        if problem:
            self.show_date(self.current)
            QMessageBox.warning(self.window(), "评估日期超出范围", problem)
            self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
            self.edit.setSelectedSection(QDateTimeEdit.Section.YearSection)  # ready to type again
            return
        self.current = day
        self.chosen.emit(day)
