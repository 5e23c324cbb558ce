"""The parser finds exactly the documents the inventories list, with their titles and 文号."""

from pathlib import Path

import pytest
import yaml

from desktop.corpus.documents import split_documents
from desktop.corpus.normalize import normalize_for_match

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = yaml.safe_load((Path(__file__).parent / "data" / "expected_documents.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_documents_match_inventory(seed):
    raw = (ROOT / "resources" / "corpus" / seed).read_text(encoding="utf-8")
    found = [(normalize_for_match(d.title), d.doc_number) for d in split_documents(seed, raw)]
    expected = [(normalize_for_match(e["title"]), e.get("doc_number")) for e in EXPECTED[seed]]
    missing = [e for e in expected if e not in found]
    spurious = [f for f in found if f not in expected]
    assert not missing, f"documents not found: {missing}"
    assert not spurious, f"documents not in the inventory: {spurious}"
    assert found == expected, "documents are found in a different order"


def test_duplicate_regulation_is_one_document_with_two_sources(library):
    docs = [d for d in library.documents() if "零售药店医疗保障定点管理暂行办法" in d.title]
    assert len(docs) == 1
    doc = docs[0]
    assert doc.doc_number == "京医保发〔2021〕31号"
    assert {s["file"] for s in doc.sources} == {"000_a756e98e1f412de2.txt", "001_9a41e59a668629ac.txt"}


def test_metadata_read_from_text(library):
    prepaid = library.find_document(title="北京市单用途预付卡管理条例")
    assert prepaid.effective_date == "2022-06-01"
    assert prepaid.domain == "优化营商环境"
    dispatch = library.find_document(doc_number="京人社发〔2021〕8 号")
    assert dispatch is not None and dispatch.issue_date == "2021-08-26"
    assert dispatch.issuers == ["北京市人力资源和社会保障局"]
    icc = library.find_document(title="中共北京市委办公厅 北京市人民政府办公厅关于印发《北京培育建设国际消费中心城市实施方案(2021—2025 年)》的通知")
    assert icc is not None
    assert (icc.plan_start, icc.plan_end) == ("2021-01-01", "2025-12-31")
    assert icc.english_title.startswith("Circular of the General Office of CPC Beijing Municipal Committee")
    clinic = library.find_document(doc_number="京卫医〔2021〕19号")
    assert clinic.effective_date == "2021-03-01"
    assert clinic.category == "【部门文件】"


def test_inventory_titles_with_issuers():
    """Where the inventory writes the issuer lines into the title, issuers + title give it back."""
    checked = 0
    for seed, entries in EXPECTED.items():
        raw = (ROOT / "resources" / "corpus" / seed).read_text(encoding="utf-8")
        docs = {normalize_for_match(d.title): d for d in split_documents(seed, raw)}
        for e in entries:
            if "inventory_title" in e:
                doc = docs[normalize_for_match(e["title"])]
                assert normalize_for_match("".join(doc.issuers) + doc.title) == normalize_for_match(e["inventory_title"])
                checked += 1
    assert checked == 7
