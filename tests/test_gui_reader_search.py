"""The source reader and the library search, through the real window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.session.docstatus import document_status, document_year
from test_gui_support import (  # noqa: F401
    AS_OF, CATERING, drive, gui_app, make_window, messages, normalized, window,
)


def _cited_result(window, section: str = "applies"):
    """A listed result whose quote the library can locate (picked at test time: data changes)."""
    for mid in window.results_view.section_members(section):
        if window.citations.span(mid) is not None:
            return next(r for r in window.evaluation.report.results if r.id == mid)
    raise AssertionError(f"no {section} result with a located quote")


def test_open_result_source_highlights_the_quote(qtbot, window, library):
    drive(qtbot, window, CATERING, max_steps=8)
    result = _cited_result(window)
    assert window.results_view.select_measure(result.id)
    qtbot.mouseClick(window.results_view.source_button, Qt.MouseButton.LeftButton)

    assert window.right_tabs.currentIndex() == window.READER
    reader = window.reader_view
    doc = library.find_document(title=result.measure.source.document, doc_number=result.measure.source.doc_number)
    assert reader.doc.id == doc.id
    # The selection is the quote (modulo white space and line breaks of the source layout).
    assert normalized(reader.selected_text()) == normalized(result.measure.source.quote)
    start, end = library.find_quote(doc.id, result.measure.source.quote)
    assert reader.text.textCursor().selectionStart() == start and reader.text.textCursor().selectionEnd() == end
    # …highlighted as well as selected, and scrolled into view.
    spans = [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in reader.text.extraSelections()]
    assert (start, end) in spans
    qtbot.waitUntil(lambda: reader.text.cursorRect().top() >= 0
                    and reader.text.cursorRect().bottom() <= reader.text.viewport().height())
    # The clause panel names the clause and lists this measure among those that cite it.
    assert result.id in reader.citing_ids()
    section = library.section_at(doc.id, start)
    assert section.path in reader.clause_label.text() or section.label in reader.clause_label.text()


def test_clause_lists_every_measure_citing_it(qtbot, window, library, engine):
    # the document cited most often, and its most cited clause
    counts: dict[str, int] = {}
    for m in engine.measures:
        doc_id = window.citations.doc_of.get(m.id)
        if doc_id:
            counts[doc_id] = counts.get(doc_id, 0) + 1
    doc_id = max(counts, key=counts.get)
    per_section: dict[str, list[str]] = {}
    for m in engine.measures:
        if window.citations.doc_of.get(m.id) != doc_id:
            continue
        span = library.find_quote(doc_id, m.source.quote)
        if span:
            per_section.setdefault(library.section_at(doc_id, span[0]).id, []).append(m.id)
    section_id = max(per_section, key=lambda k: len(per_section[k]))
    section = next(s for s in library.sections(doc_id) if s.id == section_id)

    reader = window.reader_view
    assert reader.open_document(doc_id, at=section.char_start)
    assert sorted(reader.citing_ids()) == sorted(per_section[section_id])
    # choosing one shows it in the results
    chosen = reader.citing_ids()[-1]
    reader.citing_list.setCurrentRow(reader.citing_list.count() - 1)
    qtbot.mouseClick(reader.show_in_results, Qt.MouseButton.LeftButton)
    assert window.right_tabs.currentIndex() == window.RESULTS
    assert window.results_view.selected_id() == chosen


def test_outline_jumps_to_a_clause(qtbot, window, library):
    doc = max(library.documents(), key=lambda d: len(library.sections(d.id)))
    reader = window.reader_view
    reader.open_document(doc.id)
    item = reader.outline.topLevelItem(reader.outline.topLevelItemCount() - 1)
    reader.outline.setCurrentItem(item)
    reader._outline_activated(item)
    sid = item.data(0, Qt.ItemDataRole.UserRole)
    section = next(s for s in library.sections(doc.id) if s.id == sid)
    assert reader.text.textCursor().position() == section.char_start
    assert reader.current_section().char_start >= section.char_start


def test_search_and_open_a_hit(qtbot, window, searcher):
    window.act_find.trigger()  # Ctrl+F
    view = window.search_view
    assert window.right_tabs.currentIndex() == window.SEARCH
    qtbot.waitUntil(lambda: view.ready, timeout=60_000)
    qtbot.keyClicks(view.query_edit, "prepaid")  # ASCII first, then replace: typing works
    view.query_edit.clear()
    view.query_edit.setText("预付卡 备案")
    qtbot.keyClick(view.query_edit, Qt.Key.Key_Return)
    assert view.list.count() >= 1
    first = view.list.item(0).data(Qt.ItemDataRole.UserRole)
    assert "预付卡" in first["doc_title"] + first["snippet"]
    html_text = view.list.item(0).data(Qt.ItemDataRole.UserRole + 1)
    assert "<b>预付卡</b>" in html_text or "<b>备案</b>" in html_text  # highlighted snippet

    view.list.setCurrentRow(0)
    qtbot.mouseClick(view.open_button, Qt.MouseButton.LeftButton)
    assert window.right_tabs.currentIndex() == window.READER
    reader = window.reader_view
    assert reader.doc.id == first["doc_id"]
    if first["section_id"]:
        section = reader.current_section()
        assert section is not None and section.doc_id == first["doc_id"]
        hit_section = next(s for s in reader.sections if s.id == first["section_id"])
        assert section.char_start >= hit_section.char_start
    # the query words are highlighted in the opened clause
    assert reader.word_spans
    for a, b in reader.word_spans:
        assert reader.doc.text[a:b].replace("\n", "") in ("预付卡", "备案")


def test_search_filters(qtbot, window, searcher, library):
    view = window.search_view
    view.prepare()
    qtbot.waitUntil(lambda: view.ready, timeout=60_000)
    view.query_edit.setText("企业")
    view.run_search()
    all_hits = list(view.hits)
    assert all_hits
    # year (index-side filter)
    docs = {d.id: d for d in library.documents()}
    year = document_year(docs[all_hits[0]["doc_id"]])
    if year:
        view.year_combo.setCurrentIndex(view.year_combo.findData(year))
        assert view.hits and all(document_year(docs[h["doc_id"]]) == year for h in view.hits)
        view.year_combo.setCurrentIndex(0)
    # in-force status on the evaluation date (applied to the hits)
    view.status_combo.setCurrentIndex(view.status_combo.findData("current"))
    assert all(document_status(docs[h["doc_id"]], AS_OF) in ("in_force", "unstated") for h in view.hits)
    view.status_combo.setCurrentIndex(view.status_combo.findData("expired"))
    assert all(document_status(docs[h["doc_id"]], AS_OF) == "expired" for h in view.hits)
    view.status_combo.setCurrentIndex(0)
    # kind: only documents carrying measures of that group
    view.kind_combo.setCurrentIndex(view.kind_combo.findData("money"))
    money_docs = {window.citations.doc_of[m.id] for m in window.data.engine.measures
                  if m.group == "money" and m.id in window.citations.doc_of}
    assert all(h["doc_id"] in money_docs for h in view.hits)
    # issuer
    view.kind_combo.setCurrentIndex(0)
    issuer = view.issuer_combo.itemData(1)
    view.issuer_combo.setCurrentIndex(1)
    assert all(issuer in docs[h["doc_id"]].issuers for h in view.hits)


def test_bad_query_gives_a_message_not_an_error(qtbot, window, searcher):
    view = window.search_view
    view.prepare()
    qtbot.waitUntil(lambda: view.ready, timeout=60_000)
    view.query_edit.setText("OR")
    view.run_search()
    assert view.list.count() == 0 and "OR" in view.count_label.text()
