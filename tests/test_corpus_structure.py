"""Repair of the PDF layout and the structure found inside documents."""

from pathlib import Path

from desktop.corpus.layout import clean_lines, join_paragraphs

ROOT = Path(__file__).resolve().parent.parent
SEED_001 = ROOT / "resources" / "corpus" / "001_9a41e59a668629ac.txt"


def test_prepaid_card_regulation_has_5_chapters_and_35_articles(library):
    doc = library.find_document(title="北京市单用途预付卡管理条例")
    sections = library.sections(doc.id)
    chapters = [s for s in sections if s.kind == "chapter"]
    articles = [s for s in sections if s.kind == "article"]
    assert [c.label for c in chapters] == ["第一章", "第二章", "第三章", "第四章", "第五章"]
    assert len(articles) == 35 and articles[-1].label == "第三十五条"
    art19 = next(a for a in articles if a.label == "第十九条")
    assert library.sections(doc.id)[[s.id for s in sections].index(art19.parent_id)].label == "第二章"
    assert art19.path.startswith("第二章") and art19.path.endswith("第十九条")
    # Items (一)… nest under their article.
    items = [s for s in sections if s.kind == "item" and s.parent_id == next(a.id for a in articles if a.label == "第十二条")]
    assert len(items) >= 5


def test_nesting_of_parts_items_points(library):
    doc = library.find_document(title="北京市培育和激发市场主体活力持续优化营商环境实施方案")
    sections = {s.id: s for s in library.sections(doc.id)}
    sub = next(s for s in sections.values() if s.kind == "subpoint" and s.text.startswith("(1)完善告知承诺审批制度"))
    point = sections[sub.parent_id]
    item = sections[point.parent_id]
    part = sections[item.parent_id]
    assert (point.label, item.kind, part.label) == ("1.", "item", "二、")
    assert sub.path.split(" > ")[0].startswith("二、")


def test_responsible_units_attached_to_their_measure(library):
    doc = library.find_document(title="北京市关于应对疫情防控常态化促进中小企业健康发展若干措施")
    with_units = [s for s in library.sections(doc.id) if s.responsible]
    assert len(with_units) >= 10
    first = with_units[0]
    assert first.label == "1." and "市财政局" in first.responsible[0]


def test_labour_dispatch_notice_sections(library):
    doc = library.find_document(doc_number="京人社发〔2021〕8号")
    labels = [s.label for s in library.sections(doc.id) if s.kind == "part"]
    assert labels[:3] == ["一、", "二、", "三、"]
    assert any(s.kind == "attachment" for s in library.sections(doc.id))


def test_words_broken_across_lines_are_joined():
    raw = SEED_001.read_text(encoding="utf-8")
    # L2602 "…数字贸" / page number "59" / L2608 "易园区…"
    text = "\n".join(p.text for p in join_paragraphs(clean_lines(raw, 2590, 2620)))
    assert "数字贸易园区" in text
    assert "\n59\n" not in text


def test_page_furniture_is_not_in_document_text(library):
    for doc in library.documents():
        assert "北京市人民政府公报" not in doc.text
        assert "GAZETTE" not in doc.text
        for line in doc.text.split("\n"):
            assert not line.strip().isdigit() or len(line.strip()) > 3, (doc.title, line)


def test_quote_offsets_map_back_to_display_text(library):
    doc = library.find_document(title="北京市单用途预付卡管理条例")
    span = library.find_quote(doc.id, "本条例自 2022 年 6 月 1 日起施行")
    assert span is not None
    assert doc.text[span[0]:span[1]].replace(" ", "") == "本条例自2022年6月1日起施行"
    section = library.section_at(doc.id, span[0])
    assert section.label == "第三十五条"
