"""The source reader: a document of the library, its outline, the cited quote highlighted.

Opening a measure's source finds its quote in the document's display text (Library.find_quote
via desktop.session.citations), selects and highlights it and scrolls it into the middle of the
view. Wherever the cursor stands, the panel on the left lists the clause and the measures that
cite it.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPalette, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.session.citations import CitationIndex
from desktop.session.docstatus import DOC_STATUS_LABELS, document_status, document_window
from desktop.service import STATUS_LABELS, DocumentRow, Library, MeasureResult, SectionRow, locate_all

SECTION_ROLE = Qt.ItemDataRole.UserRole
MEASURE_ROLE = Qt.ItemDataRole.UserRole
QUOTE_BG = QColor("#ffc107")
CITED_BG = QColor("#fff6d6")
WORD_BG = QColor("#c8f0c8")


def _utf16_offsets(text: str):
    """A function from Python string offsets to Qt (UTF-16) positions."""
    if all(ord(ch) <= 0xFFFF for ch in text):
        return lambda i: i
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return lambda i: prefix[max(0, min(i, len(text)))]


class ReaderView(QWidget):
    """The reader tab."""

    measure_requested = Signal(str)  # show this measure in the results

    def __init__(self, library: Library, citations: CitationIndex, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self.citations = citations
        self.doc: DocumentRow | None = None
        self.sections: list[SectionRow] = []
        self.results: dict[str, MeasureResult] = {}
        self.measure_titles: dict[str, str] = {}
        self.as_of = dt.date.today()
        self.quote_span: tuple[int, int] | None = None
        self.word_spans: list[tuple[int, int]] = []
        self._q = lambda i: i
        self._section: SectionRow | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        doc_label = QLabel("文件(&W)：")
        self.doc_combo = QComboBox()
        self.doc_combo.setMinimumContentsLength(20)
        self.doc_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for d in library.documents():
            self.doc_combo.addItem(d.label, d.id)
            self.doc_combo.setItemData(self.doc_combo.count() - 1, d.label, Qt.ItemDataRole.ToolTipRole)
        doc_label.setBuddy(self.doc_combo)
        self.doc_combo.activated.connect(lambda i: self.open_document(self.doc_combo.itemData(i)))
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("在本文件中查找（回车：下一个）")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setMaximumWidth(220)
        self.find_edit.returnPressed.connect(self.find_next)
        top.addWidget(doc_label)
        top.addWidget(self.doc_combo, 1)
        top.addWidget(self.find_edit)
        layout.addLayout(top)

        self.header = QLabel()
        self.header.setObjectName("docHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.header)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QSplitter(Qt.Orientation.Vertical)
        self.outline = QTreeWidget()
        self.outline.setHeaderLabels(["目录"])
        self.outline.setAccessibleName("文件目录")
        self.outline.itemActivated.connect(self._outline_activated)
        self.outline.itemClicked.connect(self._outline_activated)
        left.addWidget(self.outline)
        cite_box = QWidget()
        cl = QVBoxLayout(cite_box)
        cl.setContentsMargins(0, 4, 0, 0)
        self.clause_label = QLabel("引用本条款的政策")
        self.clause_label.setObjectName("clauseLabel")
        self.clause_label.setWordWrap(True)
        cl.addWidget(self.clause_label)
        self.citing_list = QListWidget()
        self.citing_list.setAccessibleName("引用本条款的政策")
        self.citing_list.setWordWrap(True)
        self.citing_list.itemActivated.connect(self._citing_activated)
        cl.addWidget(self.citing_list, 1)
        self.show_in_results = QPushButton("在结果中查看(&J)")
        self.show_in_results.clicked.connect(self._show_in_results)
        cl.addWidget(self.show_in_results)
        left.addWidget(cite_box)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        self.splitter.addWidget(left)

        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setAccessibleName("文件原文")
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        palette = self.text.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Highlight, QUOTE_BG)
            palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#000000"))
        self.text.setPalette(palette)
        font = self.text.font()
        font.setPointSizeF(font.pointSizeF() + 1)
        self.text.setFont(font)
        self.text.cursorPositionChanged.connect(self._cursor_moved)
        self.splitter.addWidget(self.text)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([270, 620])
        layout.addWidget(self.splitter, 1)
        if self.doc_combo.count():  # never a blank page: the first document until one is asked for
            self.open_document(self.doc_combo.itemData(0))

    # ------------------------------------------------------------------ state from the window

    def set_results(self, results: list[MeasureResult], titles: dict[str, str]) -> None:
        self.results = {r.id: r for r in results}
        self.measure_titles = titles
        self._update_clause()

    def set_as_of(self, as_of: dt.date) -> None:
        self.as_of = as_of
        if self.doc is not None:
            self._fill_header()

    # ------------------------------------------------------------------ opening

    def open_document(self, doc_id: str, span: tuple[int, int] | None = None,
                      words: list[str] | None = None, at: int | None = None) -> bool:
        """Show a document; select ``span`` (the cited quote) or move to offset ``at``."""
        doc = self.library.document(doc_id)
        if doc is None:
            return False
        if self.doc is None or self.doc.id != doc.id:
            self.doc = doc
            self.sections = self.library.sections(doc.id)
            self._q = _utf16_offsets(doc.text)
            self.text.setPlainText(doc.text)
            self._fill_outline()
            i = self.doc_combo.findData(doc.id)
            if i >= 0:
                self.doc_combo.setCurrentIndex(i)
        self._fill_header()
        self.quote_span = span
        self.word_spans = []
        if words:
            lo, hi = (self._section_range_at(at) if at is not None else (0, len(doc.text)))
            for w in words:
                self.word_spans += [(a + lo, b + lo) for a, b in locate_all(doc.text[lo:hi], w)]
        self._highlight()
        if span is not None:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(self._q(span[0]))
            cursor.setPosition(self._q(span[1]), QTextCursor.MoveMode.KeepAnchor)
            self.text.setTextCursor(cursor)
            self.text.centerCursor()
            QTimer.singleShot(0, self.text.centerCursor)  # again once the tab is laid out
        else:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(self._q(at or 0))
            self.text.setTextCursor(cursor)
            self._scroll_to_top(cursor)
        self._update_clause()
        return True

    def open_measure(self, measure_id: str) -> bool:
        """Open the document a measure cites, with its quote selected; False if it cannot be found."""
        doc_id = self.citations.doc_of.get(measure_id)
        if doc_id is None:
            return False
        return self.open_document(doc_id, self.citations.span(measure_id))

    def open_section(self, doc_id: str, section_id: str | None, words: list[str] | None = None) -> bool:
        """Open a search hit: the section's start at the top, the query words highlighted in it."""
        at = 0
        if section_id:
            for s in self.library.sections(doc_id):
                if s.id == section_id:
                    at = s.char_start
                    break
        return self.open_document(doc_id, None, words, at=at)

    def selected_text(self) -> str:
        return self.text.textCursor().selectedText().replace("\u2029", "\n")

    # ------------------------------------------------------------------ drawing

    def _fill_header(self) -> None:
        d = self.doc
        if d is None:
            return
        status = document_status(d, self.as_of)
        start, end = document_window(d)
        bits = []
        if d.doc_number:
            bits.append(html.escape(d.doc_number))
        if d.issuers:
            bits.append("发文：" + html.escape("、".join(d.issuers[:3]) + ("等" if len(d.issuers) > 3 else "")))
        if d.issue_date:
            bits.append(f"发布 {d.issue_date}")
        if start or end:
            bits.append(f"有效期 {start or '未规定'} 至 {end or '未规定'}")
        colour = {"in_force": "#1b7f3b", "expired": "#a33", "not_yet": "#6a4fa3"}.get(status, "#555")
        bits.append(f"<span style='color:{colour}'>{self.as_of.isoformat()}：{DOC_STATUS_LABELS[status]}</span>")
        self.header.setText(f"<b>{html.escape(d.title)}</b><br/><span style='color:#444'>{'　'.join(bits)}</span>")

    def _fill_outline(self) -> None:
        self.outline.clear()
        items: dict[str, QTreeWidgetItem] = {}
        for s in self.sections:
            if s.kind == "preamble" and not s.label:
                label = "正文前言"
            else:
                heading = s.heading if len(s.heading) <= 18 else s.heading[:17] + "…"
                label = f"{s.label} {heading}".strip() or s.path
            parent = items.get(s.parent_id or "")
            item = QTreeWidgetItem(parent if parent is not None else self.outline, [label])
            item.setData(0, SECTION_ROLE, s.id)
            item.setToolTip(0, s.path)
            cited = self.citations.citing_section(s)
            if cited:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
                item.setToolTip(0, f"{s.path}\n被 {len(cited)} 条政策引用")
            items[s.id] = item
        self.outline.expandToDepth(0)

    def _highlight(self) -> None:
        if self.doc is None:
            return
        selections: list[QTextEdit.ExtraSelection] = []

        def add(a: int, b: int, colour: QColor, bold: bool = False) -> None:
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(self._q(a))
            cursor.setPosition(self._q(b), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(QBrush(colour))
            if bold:
                fmt.setFontWeight(700)
            sel.cursor = cursor
            sel.format = fmt
            selections.append(sel)

        for span in self.citations.spans(self.doc.id).values():
            if span is not None and span != self.quote_span:
                add(*span, CITED_BG)
        for a, b in self.word_spans:
            add(a, b, WORD_BG)
        if self.quote_span is not None:
            add(*self.quote_span, QUOTE_BG, bold=True)
        self.text.setExtraSelections(selections)

    def _scroll_to_top(self, cursor: QTextCursor) -> None:
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())  # then back: the position ends up at the top of the view
        self.text.setTextCursor(cursor)
        self.text.ensureCursorVisible()

    def _section_range_at(self, offset: int) -> tuple[int, int]:
        s = self.library.section_at(self.doc.id, offset) if self.doc else None
        if s is None or self.doc is None:
            return 0, len(self.doc.text) if self.doc else 0
        return s.char_start, max(s.char_end, s.char_start + 1)

    # ------------------------------------------------------------------ reactions

    def _cursor_moved(self) -> None:
        self._update_clause()

    def _offset_at_cursor(self) -> int:
        pos = self.text.textCursor().selectionStart()
        if self.doc is None:
            return 0
        # Qt positions equal Python offsets unless the text has characters outside the BMP.
        if self._q(len(self.doc.text)) == len(self.doc.text):
            return pos
        lo, hi = 0, len(self.doc.text)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._q(mid) < pos:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def current_section(self) -> SectionRow | None:
        if self.doc is None:
            return None
        return self.library.section_at(self.doc.id, self._offset_at_cursor())

    def citing_ids(self) -> list[str]:
        """Measures citing the clause at the cursor (shown in the list)."""
        return [self.citing_list.item(i).data(MEASURE_ROLE) for i in range(self.citing_list.count())]

    def _update_clause(self) -> None:
        section = self.current_section()
        self._section = section
        self.citing_list.clear()
        if section is None:
            self.clause_label.setText("引用本条款的政策")
            return
        ids = self.citations.citing_section(section)
        where = section.path or section.label or "本段"
        self.clause_label.setText(f"<b>{html.escape(where)}</b><br/>引用本条款的政策：{len(ids)} 条")
        for mid in ids:
            r = self.results.get(mid)
            status = f"（{STATUS_LABELS[r.status]}）" if r else ""
            item = QListWidgetItem(f"{self.measure_titles.get(mid, mid)}{status}")
            item.setData(MEASURE_ROLE, mid)
            item.setToolTip(r.measure.summary if r else mid)
            self.citing_list.addItem(item)
        self.show_in_results.setEnabled(bool(ids))

    def _outline_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        sid = item.data(0, SECTION_ROLE)
        for s in self.sections:
            if s.id == sid and self.doc is not None:
                cursor = QTextCursor(self.text.document())
                cursor.setPosition(self._q(s.char_start))
                self._scroll_to_top(cursor)
                return

    def _citing_activated(self, item: QListWidgetItem) -> None:
        mid = item.data(MEASURE_ROLE)
        if mid:  # after the signal returns: opening refills this list
            QTimer.singleShot(0, lambda: self.open_measure(mid))

    def _show_in_results(self) -> None:
        item = self.citing_list.currentItem() or (self.citing_list.item(0) if self.citing_list.count() else None)
        if item is not None:
            self.measure_requested.emit(item.data(MEASURE_ROLE))

    def find_next(self) -> None:
        needle = self.find_edit.text()
        if not needle:
            return
        if not self.text.find(needle):
            cursor = self.text.textCursor()
            cursor.movePosition(QTextCursor.MoveOperation.Start)
            self.text.setTextCursor(cursor)
            self.text.find(needle, QTextDocument.FindFlag(0))
