"""The search tab: search as one types, hits grouped by document with honest counts, all opened."""

from __future__ import annotations

from PySide6.QtCore import Qt

from test_gui_support import gui_app, make_window, messages, window  # noqa: F401


def _ready(qtbot, window):
    view = window.search_view
    view.prepare()
    qtbot.waitUntil(lambda: view.ready, timeout=60_000)
    return view


def test_typing_searches_after_a_pause(qtbot, window):
    view = _ready(qtbot, window)
    # Typed through the IME: Qt's test key events cannot carry CJK text, insert() edits as a user.
    view.query_edit.insert("劳务派遣许可证怎么办")
    assert view.typing_timer.isActive() and view.list.count() == 0
    qtbot.waitUntil(lambda: view.list.count() > 0, timeout=5_000)
    assert view.hits[0]["doc_number"] == "京人社发〔2021〕8号"


def test_hits_grouped_by_document_and_all_of_a_document_listed(qtbot, window, searcher):
    view = _ready(qtbot, window)
    view.query_edit.setText("预付卡")
    view.run_search()
    doc_ids = [h["doc_id"] for h in view.hits]
    assert len(doc_ids) == len(set(doc_ids))  # one row per document
    row = next(i for i, h in enumerate(view.hits) if "单用途预付卡管理条例" in h["doc_title"])
    hit = view.hits[row]
    html_text = view.list.item(row).data(Qt.ItemDataRole.UserRole + 1)
    assert f"该文件还有 {hit['doc_hits'] - 1} 处" in html_text and hit["doc_hits"] > 20
    assert f"共 {sum(max(h['doc_hits'], 1) for h in view.hits)} 处" in view.count_label.text()

    view.list.setCurrentRow(row)
    qtbot.mouseClick(view.all_in_doc_button, Qt.MouseButton.LeftButton)
    assert {h["doc_id"] for h in view.hits} == {hit["doc_id"]}
    sections = {h["section_id"] for h in view.hits if h["section_id"]}
    assert len(sections) == hit["doc_hits"]  # every matching clause, none capped
    assert not view.back_button.isHidden() and "共" in view.count_label.text()

    qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
    assert [h["doc_id"] for h in view.hits] == doc_ids and view.back_button.isHidden()


def test_all_of_a_document_are_the_clauses_with_every_word(qtbot, window):
    view = _ready(qtbot, window)
    view.query_edit.setText("预付卡备案")
    view.run_search()
    row = next(i for i, h in enumerate(view.hits) if "单用途预付卡管理条例" in h["doc_title"])
    count = view.hits[row]["doc_hits"]
    view.list.setCurrentRow(row)
    view.list_all_in_document()
    assert len(view.hits) == count and all(h["match"] == "all" for h in view.hits)
    assert f"共 {count} 处" in view.count_label.text()


def test_partial_hits_are_marked(qtbot, window):
    view = _ready(qtbot, window)
    view.query_edit.setText("预付卡 火星殖民")
    view.run_search()
    assert view.hits and all(h["match"] == "partial" for h in view.hits)
    assert "部分匹配" in view.list.item(0).data(Qt.ItemDataRole.UserRole + 1)
    assert "只含部分词语" in view.count_label.text()
