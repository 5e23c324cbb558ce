"""One input widget per question type: bool, int, number, choice, multi, string, date.

Every editor offers ``value() -> (ok, value, message)``, ``set_value(value)`` and
``focus_first()``, and emits ``submitted`` when the user presses Enter in it.

Keyboard: a group of options is one stop in the Tab order (the option last focused); the arrow
keys move between options (Home / End to the first / last), Space ticks a check box, the arrows
also choose a radio button, and the focused option is tinted so it is seen at a glance.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, cast

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDoubleValidator, QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QScrollArea,
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.service import Question

Result = tuple[bool, Any, str]


class AnswerEditor(QWidget):
    """Base class: an editor for one question."""

    submitted = Signal()
    edited = Signal()

    def __init__(self, question: Question, parent: QWidget | None = None):
        super().__init__(parent)
        self.question = question

    def value(self) -> Result:  # pragma: no cover - overridden
        raise NotImplementedError

    def set_value(self, value: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def focus_first(self) -> None:
        self.setFocus()

    def buttons(self) -> list[QAbstractButton]:
        """The clickable options (radio buttons / check boxes), for keyboard focus and tests."""
        return []


class _ClickLabel(QLabel):
    """The wrapping text of an option: clicking it clicks the option."""

    def __init__(self, text: str, button: QAbstractButton):
        super().__init__(text)
        self.button = button
        self.setWordWrap(True)
        self.setBuddy(button)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)  # beside its box
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.button.click()
            self.button.setFocus(Qt.FocusReason.MouseFocusReason)


class _WrappedOption(QWidget):
    """A radio button / check box followed by a label that wraps."""

    def __init__(self, button: QAbstractButton, text: str):
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.label = _ClickLabel(text, button)
        row.addWidget(self.label, 1)


def display_choices(question: Question) -> list[tuple[str, str]]:
    """The options in a sensible order: the question's ladder if it has one, "other / none of
    these" last. (Choices read back from policies.db may come sorted by their keys.)"""
    items = list(question.choices.items())
    ladder = list((question.actionable or {}).get("ladder") or [])
    if ladder:
        items.sort(key=lambda kv: ladder.index(kv[0]) if kv[0] in ladder else len(ladder))
    def last(kv: tuple[str, str]) -> bool:
        return kv[0] in ("other", "none_of_these") or kv[1].startswith(("以上都", "以上均", "均不", "都不", "其他"))
    return [kv for kv in items if not last(kv)] + [kv for kv in items if last(kv)]


def _columns(labels: list[str]) -> int:
    longest = max((len(s) for s in labels), default=0)
    if len(labels) <= 5 or longest > 16:
        return 1
    if longest > 8:
        return 2
    return 3 if len(labels) <= 18 else 4


FOCUS_TINT = "background-color: #d7e6f7; border-radius: 3px;"


class _OptionsEditor(AnswerEditor):
    """Radio buttons or check boxes in a grid, operable from the keyboard (see the module text)."""

    exclusive = True

    def __init__(self, question: Question, options: list[tuple[Any, str]], parent: QWidget | None = None):
        super().__init__(question, parent)
        self.options = options
        self.group = QButtonGroup(self)
        self.group.setExclusive(self.exclusive)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        cols = _columns([label for _, label in options])
        self._rows = rows = math.ceil(len(options) / cols)
        self._buttons: list[QAbstractButton] = []
        self._cells: list[QWidget] = []
        for i, (_value, label) in enumerate(options):
            # Every label wraps (a short one just fits on its line): a narrow window never clips it.
            button: QAbstractButton = QRadioButton() if self.exclusive else QCheckBox()
            button.setAccessibleName(label)
            self.group.addButton(button, i)
            self._buttons.append(button)
            cell: QWidget = _WrappedOption(button, label)
            cell.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
            self._cells.append(cell)
            grid.addWidget(cell, i % rows, i // rows)  # fill down the columns, like a list
            button.toggled.connect(lambda _checked: self.edited.emit())
            button.installEventFilter(self)
        grid.setColumnStretch(cols, 1)
        self._rove(0)

    def buttons(self) -> list[QAbstractButton]:
        return list(self._buttons)

    def button_for(self, value: Any) -> QAbstractButton | None:
        for (v, _), b in zip(self.options, self._buttons):
            if v == value:
                return b
        return None

    def focus_first(self) -> None:
        checked = [b for b in self._buttons if b.isChecked()]
        button = (checked or self._buttons)[0]
        self._rove(self._buttons.index(button))
        button.setFocus(Qt.FocusReason.TabFocusReason)

    # ------------------------------------------------------------------ keyboard

    def _rove(self, index: int) -> None:
        """Only the option at ``index`` takes Tab focus: Tab enters and leaves the group as one."""
        for i, b in enumerate(self._buttons):
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus if i == index else Qt.FocusPolicy.ClickFocus)

    def _target(self, index: int, key: int) -> int | None:
        n, rows = len(self._buttons), self._rows
        step: dict[int, int] = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_Right: rows, Qt.Key.Key_Left: -rows}
        if key == Qt.Key.Key_Home:
            return 0
        if key == Qt.Key.Key_End:
            return n - 1
        if key in step:
            j = index + step[key]
            return j if 0 <= j < n else None
        return None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj in self._buttons:
            i = self._buttons.index(obj)
            kind = event.type()
            if kind == QEvent.Type.FocusIn:
                self._rove(i)
                self._cells[i].setStyleSheet(FOCUS_TINT)
            elif kind == QEvent.Type.FocusOut:
                self._cells[i].setStyleSheet("")
            elif kind == QEvent.Type.KeyPress:
                event = cast(QKeyEvent, event)
                key = event.key()
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self.submitted.emit()
                    return True
                if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                    return False  # Alt+arrow and the like belong to the window
                j = self._target(i, key)
                if j is not None or key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right):
                    if j is not None:
                        self._move_to(j)
                    return True  # at the edge of the group the arrow does nothing (no jump out)
        return super().eventFilter(obj, event)

    def _move_to(self, index: int) -> None:
        button = self._buttons[index]
        self._rove(index)
        button.setFocus(Qt.FocusReason.TabFocusReason)
        if self.exclusive:
            button.setChecked(True)  # radio buttons: the arrows choose, as everywhere
        self._scroll_into_view(button)

    def _scroll_into_view(self, button: QAbstractButton) -> None:
        """Keep the focused option in view when the options are taller than their scroll area."""
        area = self.parentWidget()
        while area is not None and not hasattr(area, "ensureWidgetVisible"):
            area = area.parentWidget()
        if area is not None:
            cast(QScrollArea, area).ensureWidgetVisible(button)


class BoolEditor(_OptionsEditor):
    def __init__(self, question: Question, parent: QWidget | None = None):
        super().__init__(question, [(True, "是"), (False, "否")], parent)

    def value(self) -> Result:
        checked = self.group.checkedId()
        if checked < 0:
            return False, None, "请选择“是”或“否”；不清楚时请点“不确定 / 跳过”。"
        return True, self.options[checked][0], ""

    def set_value(self, value: Any) -> None:
        button = self.button_for(value) if isinstance(value, bool) else None
        if button:
            button.setChecked(True)


class ChoiceEditor(_OptionsEditor):
    def __init__(self, question: Question, parent: QWidget | None = None):
        super().__init__(question, display_choices(question), parent)

    def value(self) -> Result:
        checked = self.group.checkedId()
        if checked < 0:
            return False, None, "请选择一项；不清楚时请点“不确定 / 跳过”。"
        return True, self.options[checked][0], ""

    def set_value(self, value: Any) -> None:
        button = self.button_for(value)
        if button:
            button.setChecked(True)


NONE_KEYS = ("none",)
NONE_LABEL = "以上均不涉及"


class MultiEditor(_OptionsEditor):
    """Check boxes. An empty answer must be chosen, never assumed: the question's own "以上都没有"
    option (or, when it has none and no "其他", an added 以上均不涉及 box) says so, and ticking it
    clears the others (and the other way round)."""

    exclusive = False

    def __init__(self, question: Question, parent: QWidget | None = None):
        options = display_choices(question)
        keys = [k for k, _ in options]
        self.none_value: Any = next((k for k in keys if k in NONE_KEYS), None)
        self.added_none = self.none_value is None and "other" not in keys
        if self.added_none:
            options = options + [(None, NONE_LABEL)]  # type: ignore[list-item]  # None: the added 以上均不涉及
        super().__init__(question, options, parent)
        for button in self._buttons:
            button.clicked.connect(lambda checked, b=button: self._exclusive_none(b, checked))

    @property
    def none_button(self) -> QAbstractButton | None:
        if self.added_none:
            return self._buttons[-1]
        return self.button_for(self.none_value) if self.none_value is not None else None

    def _exclusive_none(self, button: QAbstractButton, checked: bool) -> None:
        none = self.none_button
        if not checked or none is None:
            return
        for b in self._buttons:
            if (b is not button) and (button is none or b is none):
                b.setChecked(False)

    def _empty_hint(self) -> str:
        none = self.none_button
        if none is not None:
            return f"请至少选择一项，或选择「{none.accessibleName()}」。"
        return "请至少选择一项（都不符合时选「其他」）；不清楚时请点“不确定 / 跳过”。"

    def value(self) -> Result:
        checked = {v for (v, _), b in zip(self.options, self._buttons) if b.isChecked()}
        if not checked:
            return False, None, self._empty_hint()
        return True, [v for v in self.question.choices if v in checked], ""

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for (v, _), b in zip(self.options, self._buttons):
            b.setChecked(v in chosen)
        if isinstance(value, list) and not value and self.none_button is not None:
            self.none_button.setChecked(True)  # an empty answer given earlier


class _LineEditor(AnswerEditor):
    def __init__(self, question: Question, parent: QWidget | None = None):
        super().__init__(question, parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        # Enter always submits, also when the validator finds the text incomplete (QLineEdit's
        # returnPressed stays silent then): the question says what is missing.
        self.edit.installEventFilter(self)
        self.edit.textEdited.connect(lambda _t: self.edited.emit())
        row.addWidget(self.edit, 1)
        self.hint = QLabel(self._hint())
        self.hint.setObjectName("hint")
        row.addWidget(self.hint)
        self.setFocusProxy(self.edit)

    def _hint(self) -> str:
        return ""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.edit and event.type() == QEvent.Type.KeyPress \
                and cast(QKeyEvent, event).key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            return True
        return super().eventFilter(obj, event)

    def focus_first(self) -> None:
        self.edit.setFocus(Qt.FocusReason.TabFocusReason)
        self.edit.selectAll()


class NumberEditor(_LineEditor):
    """Integers and decimal numbers, with the question's bounds."""

    def __init__(self, question: Question, parent: QWidget | None = None):
        super().__init__(question, parent)
        self.edit.setMaximumWidth(220)
        if question.type == "int":
            lo = int(question.minimum) if question.minimum is not None else -2_000_000_000
            hi = int(question.maximum) if question.maximum is not None else 2_000_000_000
            self.edit.setValidator(QIntValidator(lo, hi, self.edit))
        else:
            validator = QDoubleValidator(self.edit)
            validator.setNotation(QDoubleValidator.Notation.StandardNotation)
            if question.minimum is not None:
                validator.setBottom(float(question.minimum))
            self.edit.setValidator(validator)
        self.edit.setPlaceholderText("整数" if question.type == "int" else "数字，可带小数")

    def _hint(self) -> str:
        q = self.question
        parts = []
        if q.minimum is not None:
            parts.append(f"最小 {q.minimum:g}")
        if q.maximum is not None:
            parts.append(f"最大 {q.maximum:g}")
        return "（" + "，".join(parts) + "）" if parts else ""

    def value(self) -> Result:
        q = self.question
        text = self.edit.text().strip().replace(",", "").replace("，", "")
        if not text:
            return False, None, "请输入数字；不清楚时请点“不确定 / 跳过”。"
        try:
            number: float = float(text)
        except ValueError:
            return False, None, f"“{text}”不是数字。"
        if not math.isfinite(number):
            return False, None, f"“{text}”不是有效数字。"
        if q.type == "int" and not number.is_integer():
            return False, None, "请输入整数。"
        if q.minimum is not None and number < q.minimum:
            return False, None, f"不能小于 {q.minimum:g}。"
        if q.maximum is not None and number > q.maximum:
            return False, None, f"不能大于 {q.maximum:g}。"
        value: int | float = int(number) if (q.type == "int" or number.is_integer()) else number
        return True, value, ""

    def set_value(self, value: Any) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.edit.setText(f"{value:g}" if isinstance(value, float) else str(value))


class StringEditor(_LineEditor):
    def __init__(self, question: Question, parent: QWidget | None = None):
        super().__init__(question, parent)
        self.edit.setMaxLength(500)

    def value(self) -> Result:
        text = self.edit.text().strip()
        if not text:
            return False, None, "请填写；不清楚时请点“不确定 / 跳过”。"
        return True, text, ""

    def set_value(self, value: Any) -> None:
        if isinstance(value, str):
            self.edit.setText(value)


class DateEditor(AnswerEditor):
    def __init__(self, question: Question, parent: QWidget | None = None):
        super().__init__(question, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QDateEdit(QDate.currentDate())
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setMaximumWidth(180)
        layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def value(self) -> Result:
        d = self.edit.date()
        return True, dt.date(d.year(), d.month(), d.day()).isoformat(), ""

    def set_value(self, value: Any) -> None:
        if isinstance(value, str):
            try:
                d = dt.date.fromisoformat(value)
            except ValueError:
                return
            self.edit.setDate(QDate(d.year, d.month, d.day))

    def focus_first(self) -> None:
        self.edit.setFocus(Qt.FocusReason.TabFocusReason)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


EDITORS: dict[str, type[AnswerEditor]] = {
    "bool": BoolEditor,
    "int": NumberEditor,
    "number": NumberEditor,
    "choice": ChoiceEditor,
    "multi": MultiEditor,
    "string": StringEditor,
    "date": DateEditor,
}


def make_editor(question: Question, parent: QWidget | None = None) -> AnswerEditor:
    return EDITORS[question.type](question, parent)


def format_answer(question: Question | None, value: Any) -> str:
    """An answer as the person would say it: 是/否, choice labels, numbers as typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if question is not None and question.type == "multi" and isinstance(value, list):
        return "、".join(question.choices.get(v, v) for v in value) or "（均不涉及）"
    if question is not None and question.type == "choice":
        return question.choices.get(value, str(value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
