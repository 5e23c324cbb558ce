"""Library search: the gold sets, query semantics, the thesaurus, counts and bad queries."""

import re
from pathlib import Path

import pytest
import yaml

from desktop.library.analyzer import ChineseTokenizer, index_words, query_words
from desktop.library.query import MAX_WORDS, parse_query
from desktop.library.search_index import fold_text
from desktop.library.thesaurus import groups, variants

DATA = Path(__file__).parent / "data"
GOLD = yaml.safe_load((DATA / "search_gold.yaml").read_text(encoding="utf-8"))
NATURAL = yaml.safe_load((DATA / "search_gold_natural.yaml").read_text(encoding="utf-8"))
TOP_N = 10


def _doc_id(library, key: str) -> str:
    docs = [d for d in library.documents() if d.doc_number == key or key in d.title]
    assert len(docs) == 1, f"gold key {key!r} names {len(docs)} documents"
    return docs[0].id


def _recall(searcher, library, gold) -> tuple[float, list]:
    expected = found = 0
    misses = []
    for g in gold:
        ids = {h["doc_id"] for h in searcher.search(g["q"], limit=TOP_N)["hits"]}
        for key in g["expect"]:
            expected += 1
            if _doc_id(library, key) in ids:
                found += 1
            else:
                misses.append((g["q"], key))
    return found / expected, misses


def test_gold_sets_are_large_and_varied():
    assert len(GOLD) >= 60 and len(NATURAL) >= 60
    assert {"word2", "domain", "docnum", "and", "phrase", "broken"} <= {g["kind"] for g in GOLD}
    assert {"nospace", "question", "docnum", "title", "abbrev", "traditional"} <= {g["kind"] for g in NATURAL}
    # Natural queries are typed without spaces, and the 文号 ones with round brackets.
    assert not any(" " in g["q"] for g in NATURAL)
    assert all(re.search(r"[(（]\d{4}[)）]", g["q"]) for g in NATURAL if g["kind"] == "docnum")


def test_earlier_gold_recall_at_10(searcher, library):
    recall, misses = _recall(searcher, library, GOLD)
    assert recall >= 0.95, misses


def test_natural_gold_recall_at_10(searcher, library):
    recall, misses = _recall(searcher, library, NATURAL)
    assert recall >= 0.95, misses


@pytest.mark.parametrize("g", GOLD + NATURAL, ids=lambda g: g["q"])
def test_no_answerable_query_is_empty(searcher, g):
    result = searcher.search(g["q"], limit=TOP_N)
    assert result["hits"] and "error" not in result


def _wanted_words(query: str) -> list[list[str]]:
    """Per query word, the spellings a hit may show: phrases as typed, words with thesaurus variants."""
    out = []
    for phrase, word in re.findall(r'"([^"]+)"|(\S+)', query):
        out.append([fold_text(phrase)] if phrase else [fold_text(v) for v in variants(fold_text(word))])
    return out


@pytest.mark.parametrize("g", [g for g in GOLD if g["kind"] in ("and", "phrase")], ids=lambda g: g["q"])
def test_full_hits_hold_every_word(searcher, policy_data, g):
    hits = searcher.search(g["q"], limit=TOP_N)["hits"]
    assert hits
    seen_partial = False
    for hit in hits:
        if hit["match"] == "partial":
            seen_partial = True
            continue
        assert not seen_partial, "a partial hit ranked above a hit with every word"
        text = fold_text(hit["doc_title"] + (hit["doc_number"] or "") + _section_text(policy_data, hit))
        for spellings in _wanted_words(g["q"]):
            assert any(s in text for s in spellings), (g["q"], spellings, hit["section"])


def _section_text(policy_data, hit) -> str:
    if not hit["section_id"]:
        return ""
    row = policy_data.library.conn.execute("SELECT text FROM sections WHERE id = ?", (hit["section_id"],)).fetchone()
    return row[0]


def test_hits_carry_the_spec_fields(searcher):
    result = searcher.search("单用途预付卡", limit=5)
    assert result["query"] == "单用途预付卡" and "error" not in result
    hit = result["hits"][0]
    assert set(hit) >= {"doc_title", "doc_number", "section", "snippet", "score", "match", "doc_hits"}
    assert hit["match"] == "all" and "missing" not in hit
    assert "【" in hit["snippet"] and "】" in hit["snippet"]
    scores = [h["score"] for h in result["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_scores_fall_down_the_list_across_full_and_partial_hits(searcher):
    hits = searcher.search("预付卡备案", limit=30)["hits"]
    assert {h["match"] for h in hits} == {"all", "partial"}
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_partial_hits_say_which_words_they_lack(searcher):
    hits = searcher.search("预付卡 火星殖民", limit=5)["hits"]
    assert hits and all(h["match"] == "partial" and h["missing"] for h in hits)
    assert all("预付卡" not in h["missing"] and "".join(h["missing"]) == "火星殖民" for h in hits)
    assert "单用途预付卡管理条例" in hits[0]["doc_title"]


def test_question_and_filler_words_are_dropped():
    assert [c.label for c in parse_query("劳务派遣许可证怎么办").clauses] == ["劳务派遣", "许可证"]
    assert [c.label for c in parse_query("诊所备案需要哪些材料").clauses] == ["诊所备案", "材料"]
    # A query of question words only is still searched.
    assert [c.label for c in parse_query("怎么办").clauses] == ["怎么办"]


def test_repeated_words_count_once_and_words_are_capped(searcher):
    parsed = parse_query("预付卡 " * 100)
    assert len(parsed.clauses) == 1
    assert searcher.search("预付卡 " * 100, limit=10)["hits"] == searcher.search("预付卡", limit=10)["hits"]
    many = " ".join(f"词{i}" for i in range(40))
    assert len(parse_query(many).clauses) == MAX_WORDS and parse_query(many).notes


def test_thesaurus_is_data_and_finds_the_other_spelling(searcher, library):
    assert all(len(g) >= 2 for g in groups()) and len(groups()) >= 20
    assert "医疗保障" in variants("医保") and "医疗保障定点" in variants("医保定点")
    ids = {h["doc_id"] for h in searcher.search("低保", limit=10)["hits"]}
    assert _doc_id(library, "京民社救发〔2021〕87号") in ids  # the text says 最低生活保障, never 低保


def test_traditional_characters_are_folded(searcher):
    trad = searcher.search("單用途預付卡", limit=10)["hits"]
    simp = searcher.search("单用途预付卡", limit=10)["hits"]
    assert trad and [h["section_id"] for h in trad] == [h["section_id"] for h in simp]
    # and the other way round: the title prints 推進, a simplified query finds it, highlighted.
    hit = searcher.search("深入推进回龙观", limit=1)["hits"][0]
    assert hit["doc_number"] == "京政办发〔2021〕11号" and "推進" in hit["snippet"]


def test_doc_number_in_any_spelling(searcher):
    for q in ("京人社发〔2021〕8号", "京人社发〔2021〕8 号", "京人社发[2021]8号", "京人社发(2021)8号", "京人社发（2021）8号"):
        hits = searcher.search(q, limit=3)["hits"]
        assert hits and hits[0]["doc_number"] == "京人社发〔2021〕8号", q


def test_or_still_works(searcher):
    both = {h["doc_id"] for h in searcher.search("算力券 OR 脑深部电极", limit=10)["hits"]}
    one = {h["doc_id"] for h in searcher.search("算力券", limit=10)["hits"] if h["match"] == "all"}
    other = {h["doc_id"] for h in searcher.search("脑深部电极", limit=10)["hits"] if h["match"] == "all"}
    assert one | other <= both and one and other
    assert {h["doc_id"] for h in searcher.search("算力券或脑深部电极", limit=10)["hits"]} == both


def test_hits_are_grouped_by_document_with_honest_counts(searcher, policy_data):
    hits = searcher.search("预付卡", limit=10)["hits"]
    assert len({h["doc_id"] for h in hits}) == len(hits)  # one hit per document
    regulation = next(h for h in hits if "单用途预付卡管理条例" in h["doc_title"])
    texts = [r[0] for r in policy_data.library.conn.execute(
        "SELECT text FROM sections WHERE doc_id = ?", (regulation["doc_id"],))]
    using_word = sum(1 for t in texts if "预付卡" in fold_text(t))
    assert regulation["doc_hits"] == using_word > 20
    # Opening the document's hits lists every one of them.
    all_in_doc = searcher.search("预付卡", limit=500, filters={"doc_id": regulation["doc_id"]})["hits"]
    assert len(all_in_doc) == using_word + 1  # its sections, and its title


def test_subword_finds_longer_word(searcher, policy_data):
    """A section that says only 单用途预付卡 (never 预付卡 alone) is found by the word 预付卡."""
    from whoosh.query import Term

    rows = set(searcher.whoosh.docs_for_query(Term("body", "预付卡")))  # whoosh docnum = rowid
    norms = dict(searcher.conn.execute("SELECT rowid, norm FROM search_sections"))
    assert any("预付卡" not in norms[r].replace("单用途预付卡", "") for r in rows)


@pytest.mark.parametrize(
    "query",
    ['"预付卡', "AND", "OR", "补贴 OR", "OR 补贴", "!!!", "。，、", "x" * 5000, "", "   ", "(((", "*", "补贴 AND", '""'],
)
def test_bad_queries_give_a_message_or_nothing(searcher, query):
    result = searcher.search(query, limit=5)
    assert isinstance(result["hits"], list)
    if result.get("error"):
        assert result["hits"] == [] and isinstance(result["error"], str) and result["error"]


def test_unbalanced_quote_still_searches(searcher):
    result = searcher.search('"预付卡', limit=3)
    assert result["hits"] and "error" not in result


def test_index_words_hold_subwords_and_queries_do_not():
    words = index_words(fold_text("对单用途预付卡发卡企业规定补贴。"))
    assert "单用途预付卡" in words and "预付卡" in words and "补贴" in words
    assert query_words("单用途预付卡") == ["单用途预付卡"]


def test_the_whoosh_analyzer_keeps_positions_and_original_offsets():
    """One position per word, sub-words at the word's position, offsets into the unfolded text."""
    text = "对 單用途預付卡\n发卡企业规定补贴。"
    tokens = [(t.text, t.pos, t.startchar, t.endchar)
              for t in ChineseTokenizer()(text, positions=True, chars=True)]
    by_word = {w: (pos, a, b) for w, pos, a, b in tokens}
    assert by_word["单用途预付卡"][0] == by_word["预付卡"][0]  # same position: phrases stay adjacent
    assert text[by_word["单用途预付卡"][1]:by_word["单用途预付卡"][2]] == "單用途預付卡"
    assert text[by_word["预付卡"][1]:by_word["预付卡"][2]] == "預付卡"
    assert by_word["补贴"][0] > by_word["发卡"][0] > by_word["单用途预付卡"][0]
    assert [t.text for t in ChineseTokenizer()("单用途预付卡", mode="query")] == ["单用途预付卡"]


def test_filters_by_document_type_and_in_force_status(searcher):
    regs = searcher.search("备案", limit=10, filters={"doc_type": "条例"})["hits"]
    assert regs and all(h["doc_type"] == "条例" for h in regs)
    expired = searcher.search("医保", limit=20, filters={"in_force": "expired", "as_of": "2026-07-01"})["hits"]
    assert all(h["in_force"] == "expired" for h in expired)
    current = searcher.search("医保", limit=20, filters={"in_force": "in_force", "as_of": "2026-07-01"})["hits"]
    assert current and all(h["in_force"] == "in_force" for h in current)
    assert {h["doc_id"] for h in expired}.isdisjoint({h["doc_id"] for h in current})


def test_a_query_over_its_time_budget_stops_with_a_message(searcher, monkeypatch):
    import desktop.library.search as search_module

    monkeypatch.setattr(search_module, "TIME_BUDGET_SECONDS", -1.0)
    result = searcher.search("企业 发展 服务", limit=10)
    assert result["hits"] == [] and "用时过长" in result["error"]
    monkeypatch.undo()
    assert searcher.search("企业 发展 服务", limit=10)["hits"]  # the next query is not affected


def test_a_hundred_distinct_words_are_capped_not_refused(searcher):
    words = " ".join(["预付卡", "备案"] + [f"第{i}条" for i in range(98)])
    result = searcher.search(words, limit=10)
    assert "error" not in result and result.get("note")


def test_quotes_force_the_phrase_as_typed():
    quoted = parse_query('"医保定点"').clauses
    assert [c.alternatives for c in quoted] == [("医保定点",)] and quoted[0].phrase
    assert "医疗保障定点" in parse_query("医保定点").clauses[0].alternatives


def test_status_and_document_filters_live_in_the_library(searcher, library):
    """The window's 有效状态 and 政策类型 filters are the library's: in force by the shared rule
    (desktop/validity.py, a document without dates counts as in force), and a set of document ids."""
    import datetime as dt

    from desktop.session.docstatus import document_status

    as_of = dt.date(2026, 12, 6)
    docs = {d.id: d for d in library.documents()}
    expired = searcher.search("企业", limit=50, filters={"in_force": "expired", "as_of": as_of.isoformat()})["hits"]
    assert expired and all(document_status(docs[h["doc_id"]], as_of) == "expired" for h in expired)
    current = searcher.search("企业", limit=50, filters={"in_force": "in_force", "as_of": as_of.isoformat()})["hits"]
    assert current and all(document_status(docs[h["doc_id"]], as_of) in ("in_force", "unstated") for h in current)
    one = next(iter(docs))
    hits = searcher.search("企业", limit=50, filters={"doc_ids": {one}})["hits"]
    assert {h["doc_id"] for h in hits} <= {one}
    assert searcher.search("企业", limit=50, filters={"doc_ids": set()})["hits"] == []
