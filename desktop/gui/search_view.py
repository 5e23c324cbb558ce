"""Library search: highlighted snippets grouped by document, filters, and hits opened in the reader.

Opening the index is instant for a built database; an older data pack gets its index built on
first use on a worker thread (with a progress bar), and queries typed meanwhile run when it is
ready. A search runs as the user pauses typing; each search has a time budget in the library
(desktop.library.search), so the window never waits long. Hits come one per document with the
number of its clauses that match ("该文件还有 N 处"); "列出本文件全部匹配" lists all of them.
Filters: issuer and year go to the index; in-force status on the evaluation date and policy kind
(documents that carry measures of that kind group) are applied to the hits.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from typing import Any
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop.session.docstatus import DOC_STATUS_LABELS, document_status, document_year
from desktop.gui.workers import start_task
from desktop.service import KIND_GROUPS, Library, Measure, PolicyData

HIT_ROLE = Qt.ItemDataRole.UserRole
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
FETCH = 200  # documents asked of the index before the status / kind filters
TYPING_PAUSE_MS = 400  # search this long after the last key press
SHOW = 60
STYLE = "b { color: #9a1b00; background-color: #fff1a8; } .meta { color: #555; } .title { font-weight: bold; }"
STATUS_FILTERS = [
    ("", "全部"),
    ("current", "有效或未规定有效期"),
    ("expired", "已过有效期"),
    ("not_yet", "尚未施行"),
]
# The library's in_force filter counts a document that states no dates as in force.
STATUS_QUERY = {"current": "in_force", "expired": "expired", "not_yet": "not_yet"}


class HtmlDelegate(QStyledItemDelegate):
    """Draws an item's HTML_ROLE text (wrapped) instead of its plain text."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex, width: float) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDefaultStyleSheet(STYLE)
        doc.setHtml(index.data(HTML_ROLE) or "")
        doc.setTextWidth(max(50.0, width))
        return doc

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(opt, index, opt.rect.width() - 12)
        painter.save()
        painter.translate(opt.rect.left() + 6, opt.rect.top() + 4)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        if opt.state & QStyle.StateFlag.State_Selected:
            ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(QPalette.ColorRole.HighlightedText))
        ctx.clip = QRectF(0, 0, opt.rect.width(), opt.rect.height())
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        view = self.parent()
        width = view.viewport().width() - 12 if isinstance(view, QListView) else option.rect.width()
        doc = self._document(option, index, width)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 8)


def marked_words(snippet: str) -> list[str]:
    """The words the index marked in a snippet (<b>…</b>), to highlight them in the reader."""
    return list(dict.fromkeys(w for w in re.findall(r"<b>(.*?)</b>", snippet) if w.strip()))


def safe_snippet(snippet: str) -> str:
    """Escape the snippet's text but keep its <b> marks."""
    return html.escape(snippet).replace("&lt;b&gt;", "<b>").replace("&lt;/b&gt;", "</b>")


class SearchView(QWidget):
    """The search tab."""

    hit_opened = Signal(str, str, list)  # doc_id, section_id ('' for the title), words
    status_message = Signal(str)

    def __init__(self, data: PolicyData, measures: list[Measure], doc_of_measure: Callable[[str], str | None],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.data = data
        self.library: Library = data.library
        self.as_of = dt.date.today()
        self.ready = False
        self.building = False
        self.pending: str | None = None
        self.last: dict[str, Any] | None = None
        self.hits: list[dict] = []
        self.docs = {d.id: d for d in self.library.documents()}
        self.group_docs: dict[str, set[str]] = {}
        for m in measures:
            doc_id = doc_of_measure(m.id)
            if doc_id:
                self.group_docs.setdefault(m.group, set()).add(doc_id)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()
        label = QLabel("检索(&Q)：")
        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText("直接输入要找的内容，如：预付卡备案、劳务派遣许可证怎么办；\"…\" 为短语；OR / 或 表示任一")
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.setAccessibleName("检索词")
        label.setBuddy(self.query_edit)
        self.query_edit.returnPressed.connect(self.run_search)
        # Search as the user types: after a short pause, not on every key.
        self.typing_timer = QTimer(self)
        self.typing_timer.setSingleShot(True)
        self.typing_timer.setInterval(TYPING_PAUSE_MS)
        self.typing_timer.timeout.connect(self._typed)
        self.query_edit.textEdited.connect(lambda _t: self.typing_timer.start())
        self.doc_filter: str | None = None  # a document whose matches are all listed
        self.search_button = QPushButton("搜索(&S)")
        self.search_button.clicked.connect(self.run_search)
        row.addWidget(label)
        row.addWidget(self.query_edit, 1)
        row.addWidget(self.search_button)
        layout.addLayout(row)

        filters = QHBoxLayout()
        self.issuer_combo = self._combo(filters, "发文机关：", [("", "全部")] + self._issuers(), True)
        self.year_combo = self._combo(filters, "年份：", [("", "全部")] + self._years(), True)
        self.status_combo = self._combo(filters, "有效状态：", STATUS_FILTERS, True)
        self.kind_combo = self._combo(filters, "政策类型：", [("", "全部")] + [(k, l) for k, l, _ in KIND_GROUPS], True)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.progress = QProgressBar()
        self.progress.setFormat("正在建立检索索引（仅首次使用时）… %p%")
        self.progress.hide()
        layout.addWidget(self.progress)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        layout.addWidget(self.count_label)

        self.list = QListWidget()
        self.list.setAccessibleName("检索结果")
        self.list.setItemDelegate(HtmlDelegate(self.list))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._activated)
        layout.addWidget(self.list, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("回车或双击在原文中打开所选结果。"))
        bottom.addStretch(1)
        self.all_in_doc_button = QPushButton("列出本文件全部匹配(&A)")
        self.all_in_doc_button.setToolTip("在结果中列出所选文件中所有匹配的条款")
        self.all_in_doc_button.clicked.connect(self.list_all_in_document)
        bottom.addWidget(self.all_in_doc_button)
        self.back_button = QPushButton("返回全部结果(&B)")
        self.back_button.clicked.connect(self.back_to_all)
        self.back_button.hide()
        bottom.addWidget(self.back_button)
        self.open_button = QPushButton("在原文中打开(&O)")
        self.open_button.clicked.connect(lambda: self._activated(self.list.currentItem()))
        bottom.addWidget(self.open_button)
        layout.addLayout(bottom)
        self.count_label.setText("可检索全部政策文件的标题和正文。")

    def _combo(self, row: QHBoxLayout, label: str, items: list[tuple[Any, str]], index_side: bool = False) -> QComboBox:
        lab = QLabel(label)
        combo = QComboBox()
        for value, text in items:
            combo.addItem(text, value)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        combo.setMaximumWidth(230)
        lab.setBuddy(combo)
        combo.currentIndexChanged.connect(lambda _i: self._filter_changed(index_side))
        row.addWidget(lab)
        row.addWidget(combo)
        return combo

    def _issuers(self) -> list[tuple[str, str]]:
        counts = Counter(i for d in self.docs.values() for i in d.issuers)
        return [(name, name) for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    def _years(self) -> list[tuple[int, str]]:
        years = sorted({y for d in self.docs.values() if (y := document_year(d))}, reverse=True)
        return [(y, str(y)) for y in years]

    # ------------------------------------------------------------------ index

    def prepare(self) -> None:
        """Open (or build, on a worker thread) the search index."""
        if self.ready or self.building:
            return
        self.building = True
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status_message.emit("正在准备检索索引…")
        start_task(lambda progress: self.data.searcher(progress), on_done=self._ready,
                   on_error=self._failed, on_progress=self._progress)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _ready(self, _searcher: Any) -> None:
        self.ready = True
        self.building = False
        self.progress.hide()
        self.status_message.emit("检索索引已就绪。")
        if self.pending is not None:
            self.pending = None
            self.run_search()

    def _failed(self, message: str) -> None:
        self.building = False
        self.progress.hide()
        self.count_label.setText(f"无法建立检索索引：{message}")
        self.status_message.emit("检索索引建立失败。")

    # ------------------------------------------------------------------ searching

    def set_as_of(self, as_of: dt.date) -> None:
        self.as_of = as_of
        if self.last is not None:  # the in-force filter depends on the date: ask the library again
            self.run_search() if self.status_combo.currentData() else self._show_hits()

    def focus_query(self) -> None:
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()
        self.prepare()

    def _typed(self) -> None:
        if len(self.query_edit.text().strip()) >= 2:
            self.doc_filter = None
            self.run_search()

    def list_all_in_document(self) -> None:
        """Every matching clause of the selected hit's document, in the same list."""
        item = self.list.currentItem()
        if item is None:
            return
        self.doc_filter = item.data(HIT_ROLE)["doc_id"]
        self.run_search()

    def back_to_all(self) -> None:
        self.doc_filter = None
        self.run_search()

    def run_search(self) -> None:
        self.typing_timer.stop()
        query = self.query_edit.text().strip()
        if not query:
            self.count_label.setText("请输入要搜索的词语。")
            return
        if not self.ready:
            self.pending = query
            self.count_label.setText("检索索引准备好后将自动搜索…")
            self.prepare()
            return
        filters = {}
        if self.issuer_combo.currentData():
            filters["issuer"] = self.issuer_combo.currentData()
        if self.year_combo.currentData():
            filters["year"] = self.year_combo.currentData()
        if self.doc_filter:
            filters["doc_id"] = self.doc_filter
        # Status and kind are filtered by the library too (its in-force rule: desktop/validity.py).
        if self.status_combo.currentData():
            filters["in_force"] = STATUS_QUERY[self.status_combo.currentData()]
            filters["as_of"] = self.as_of.isoformat()
        if self.kind_combo.currentData():
            filters["doc_ids"] = self.group_docs.get(self.kind_combo.currentData(), set())
        self.back_button.setVisible(bool(self.doc_filter))
        self.last = self.data.search(query, FETCH if not self.doc_filter else 500, filters or None, html=True)
        self._show_hits()

    def _filter_changed(self, _index_side: bool) -> None:
        if self.last is not None:
            self.run_search()  # every filter is applied by the library: ask it again

    def _show_hits(self) -> None:
        if self.last is None:
            return
        result = self.last
        self.list.clear()
        if result.get("error"):
            self.hits = []
            self.count_label.setText(result["error"])
            return
        hits = []
        for hit in result["hits"]:  # filtered by the library; the status is shown beside each
            doc = self.docs.get(hit["doc_id"])
            hits.append((hit, document_status(doc, self.as_of) if doc else "unstated"))
        shown = hits if self.doc_filter else hits[:SHOW]
        self.hits = [h for h, _ in shown]
        for hit, status in shown:
            number = f"　{html.escape(hit['doc_number'])}" if hit.get("doc_number") else ""
            more = hit.get("doc_hits", 1) - (1 if hit.get("section_id") else 0)
            extra = f"　·　该文件还有 {more} 处" if more > 0 and not self.doc_filter else ""
            partial = (f"<div class='meta'>部分匹配：不含“{html.escape('、'.join(hit.get('missing', [])))}”</div>"
                       if hit.get("match") == "partial" else "")
            body = (
                f"<div class='title'>{html.escape(hit['doc_title'])}{number}</div>"
                f"<div class='meta'>{html.escape(hit['section'])}　·　{self.as_of.isoformat()} "
                f"{DOC_STATUS_LABELS[status]}{extra}</div>{partial}"
                f"<div>{safe_snippet(hit['snippet'])}</div>"
            )
            item = QListWidgetItem(re.sub(r"</?b>", "", f"{hit['doc_title']} {hit['section']} {hit['snippet']}"))
            item.setData(HIT_ROLE, hit)
            item.setData(HTML_ROLE, body)
            item.setToolTip(f"{hit['doc_title']}\n{hit['section']}")
            self.list.addItem(item)
        self.count_label.setText(self._count_text(result, [h for h, _ in hits]))
        if self.list.count():
            self.list.setCurrentRow(0)
        self.all_in_doc_button.setEnabled(bool(self.list.count()) and not self.doc_filter)
        self.status_message.emit(self.count_label.text())

    def _count_text(self, result: dict, hits: list[dict]) -> str:
        """Honest counts: documents, and clauses (every matching clause is counted, not only shown)."""
        query = result["query"]
        if not hits:
            return f"“{query}”：没有找到匹配的内容。"
        if self.doc_filter:
            return f"“{query}”：《{hits[0]['doc_title']}》中共 {len(hits)} 处。"
        clauses = sum(max(h.get("doc_hits", 1), 1) for h in hits)
        partial = sum(1 for h in hits if h.get("match") == "partial")
        text = f"“{query}”：{len(hits)} 份文件，共 {clauses} 处"
        if partial:
            text += f"（其中 {partial} 份只含部分词语）"
        if len(hits) > SHOW:
            text += f"；显示前 {SHOW} 份"
        return text + "。"

    def _activated(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        hit = item.data(HIT_ROLE)
        self.hit_opened.emit(hit["doc_id"], hit.get("section_id") or "", marked_words(hit["snippet"]))
