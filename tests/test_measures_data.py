"""The curated measures: cited, quoted verbatim, dated, and each tested both ways."""

from collections import defaultdict
from pathlib import Path

import pytest

from desktop.rules.situations import load_situations, run_situation
from desktop.rules.store import load_sources

ROOT = Path(__file__).resolve().parent.parent
SITUATIONS = sorted((ROOT / "tests" / "situations").glob("*.yaml"))


@pytest.fixture(scope="module")
def sources():
    return load_sources(ROOT / "resources")


def test_there_are_measures(sources):
    engine, files, _pages = sources
    assert len(files) >= 10 and len(engine.measures) >= 300


def test_every_quote_occurs_in_its_cited_document(sources, library):
    """The quote is in the library text of the document the measure cites (same normalisation)."""
    engine, files, _ = sources
    problems = []
    for mf in files:
        doc = library.find_document(title=mf.document.title, doc_number=mf.document.doc_number)
        if doc is None:
            problems.append(f"{mf.path.name}: document not in the library: {mf.document.title}")
            continue
        for m in mf.measures:
            if library.find_quote(doc.id, m.source.quote) is None:
                problems.append(f"{m.id}: quote not in {doc.title[:30]}: {m.source.quote}")
    assert not problems, "\n".join(problems)


def test_every_cited_doc_number_exists(sources, library):
    engine, files, _ = sources
    numbers = {d.doc_number for d in library.documents() if d.doc_number}
    for mf in files:
        if mf.document.doc_number:
            assert mf.document.doc_number.replace(" ", "") in numbers, mf.path.name


def test_every_measure_file_has_situations(sources):
    _, files, _ = sources
    stems = {p.stem for p in SITUATIONS}
    missing = [mf.path.name for mf in files if mf.path.stem not in stems]
    assert not missing


@pytest.mark.parametrize("path", SITUATIONS, ids=lambda p: p.stem)
def test_situations_hold(sources, path):
    engine = sources[0]
    problems = []
    for situation in load_situations(path):
        problems.extend(run_situation(engine, situation))
    assert not problems, "\n".join(problems)


def test_every_measure_applies_somewhere_and_not_elsewhere(sources):
    engine = sources[0]
    seen: dict[str, set[str]] = defaultdict(set)
    for path in SITUATIONS:
        for situation in load_situations(path):
            for mid, status in situation.expect.items():
                seen[mid].add("applies" if status in ("applies", "related") else "other")
    lacking = [m.id for m in engine.measures if seen[m.id] != {"applies", "other"}]
    assert not lacking, f"{len(lacking)} measures lack a situation where they apply and one where they do not: {lacking[:20]}"


def test_programme_level_measures_name_a_responsible_unit(sources):
    engine = sources[0]
    for m in engine.measures:
        if m.programme_level:
            assert m.department and m.department != "未规定" or "未规定" in m.department, m.id


def test_generated_docs_are_current(root):
    from desktop.rules.measures_doc import render_facts_doc, render_measures_doc

    assert (root / "docs" / "measures.md").read_text(encoding="utf-8") == render_measures_doc(root), \
        "docs/measures.md is stale: run `policy-desk build --measures-doc`"
    assert (root / "docs" / "facts.md").read_text(encoding="utf-8") == render_facts_doc(root), \
        "docs/facts.md is stale: run `policy-desk build --measures-doc`"


INVENTORIES = ("000", "001_A", "001_B", "001_C", "001_D", "001_E", "001_F", "002_004", "003")


@pytest.mark.parametrize("inventory", INVENTORIES)
def test_every_inventory_item_is_covered_or_explained(inventory, sources):
    """resources/reference/inventory_map/<inventory>.yaml maps each item of the reader's inventory
    to the measures that cover it, or says why it is not a measure (government-only, individuals,
    duplicate of an overlapping slice)."""
    import yaml

    engine = sources[0]
    ids = {m.id for m in engine.measures}
    path = ROOT / "resources" / "reference" / "inventory_map" / f"{inventory}.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(entries, list) and entries
    items = [e["item"] for e in entries]
    assert len(items) == len(set(items)), "an item is mapped twice"
    for e in entries:
        if "measures" in e:
            assert e["measures"], e["item"]
            missing = [m for m in e["measures"] if m not in ids]
            assert not missing, f"{e['item']} maps to unknown measures {missing}"
        else:
            assert isinstance(e.get("omitted"), str) and len(e["omitted"]) >= 8, e["item"]
