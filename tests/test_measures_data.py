"""The curated measures: cited, quoted verbatim, dated, and each tested both ways."""

import re
from pathlib import Path

import pytest

from desktop.rules.situations import coverage_gaps, load_situations, situation_files
from situation_items import SITUATIONS_DIR, resources_sources

ROOT = Path(__file__).resolve().parent.parent
# Each situation runs as its own item (resources/situations/<file>.yaml::<name>, see situation_items.py).
SITUATIONS = situation_files(SITUATIONS_DIR)


@pytest.fixture(scope="module")
def sources():
    return resources_sources()  # the same read as the situations' (situation_items.py)


def test_there_are_measures(sources):
    engine, files, _pages = sources
    assert len(files) >= 10 and len(engine.measures) >= 300


@pytest.mark.slow
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


def test_every_measure_applies_somewhere_and_not_elsewhere(sources):
    engine = sources[0]
    situations = [s for path in SITUATIONS for s in load_situations(path)]
    lacking = coverage_gaps((m.id for m in engine.measures), situations)
    assert not lacking, f"{len(lacking)} gaps:\n" + "\n".join(lacking[:20])


# "未规定（…）": the document names no responsible unit, and the brackets say so from the document.
NOT_STATED_WITH_REASON = re.compile(r"^未规定（[^（）]{6,}.*）$")


def responsible_unit_problem(department: str) -> str | None:
    """Why a programme-level measure's department does not tell the reader who is responsible."""
    if not department.strip():
        return "empty"
    if department.startswith("未规定") and not NOT_STATED_WITH_REASON.match(department):
        return "未规定 without the document's reason in （…）"
    return None


def test_responsible_unit_rule_rejects_a_bare_not_stated():
    assert responsible_unit_problem("未规定") and responsible_unit_problem("") and responsible_unit_problem("未规定（）")
    assert responsible_unit_problem("市商务局") is None
    assert responsible_unit_problem("未规定（本实施方案未逐项列明责任单位）") is None


def test_programme_level_measures_name_a_responsible_unit(sources):
    """Shown as a related policy direction "with the responsible unit": a unit as printed, or an
    explicit, documented reason why the document names none."""
    engine = sources[0]
    problems = [f"{m.id}: {why}: {m.department!r}" for m in engine.measures
                if m.programme_level and (why := responsible_unit_problem(m.department))]
    assert not problems, f"{len(problems)} programme-level measures:\n" + "\n".join(problems[:30])


@pytest.mark.slow
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
