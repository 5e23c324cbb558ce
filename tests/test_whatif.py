"""What-if: the recognitions and choices that would open more support."""

import datetime as dt
import json
from pathlib import Path

from desktop.rules.facts import read_profile_file
from desktop.rules.whatif import what_if

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2022, 7, 1)


def _profile(policy_data, name, **changes):
    profile = read_profile_file(ROOT / "examples" / name, policy_data.questionnaire)
    profile.update(changes)
    return profile


def _by_change(unlocks):
    return {(u.fact, u.value): u for u in unlocks}


def test_manufacturer_without_recognitions_is_told_about_zjtx(policy_data):
    profile = _profile(policy_data, "small_manufacturer.json")
    unlocks = _by_change(what_if(policy_data.engine, profile, AS_OF))
    zjtx = unlocks.get(("sme_tier", "specialised_sme"))
    assert zjtx is not None, sorted(unlocks)
    docs = {r.measure.source.document for r in zjtx.measures}
    assert any("专精特新" in d for d in docs), docs
    for r in zjtx.measures:
        assert r.status in ("applies", "maybe")


def test_highest_tier_is_not_told_to_get_it(policy_data):
    profile = _profile(policy_data, "small_manufacturer.json", sme_tier="single_champion")
    unlocks = what_if(policy_data.engine, profile, AS_OF)
    assert not [u for u in unlocks if u.fact == "sme_tier"]


def test_lower_tiers_are_only_told_about_higher_ones(policy_data):
    profile = _profile(policy_data, "software_sme_haidian.json")  # already 专精特新中小企业
    for u in what_if(policy_data.engine, profile, AS_OF):
        if u.fact == "sme_tier":
            assert u.value in ("little_giant", "single_champion")


def test_free_trade_zone_change_shows_zone_only_measures(policy_data):
    profile = _profile(policy_data, "labour_dispatch_ftz.json", in_free_trade_zone=False)
    unlocks = _by_change(what_if(policy_data.engine, profile, AS_OF))
    ftz = unlocks.get(("in_free_trade_zone", True))
    assert ftz is not None
    for r in ftz.measures:
        assert "in_free_trade_zone" in r.measure.condition.facts()
    assert any("劳务派遣" in r.measure.title for r in ftz.measures) or ftz.measures


def test_descriptive_facts_are_never_suggested(policy_data):
    profile = _profile(policy_data, "small_manufacturer.json")
    facts = {u.fact for u in what_if(policy_data.engine, profile, AS_OF)}
    assert not facts & {"industries", "ownership", "district", "employees", "annual_revenue_wan", "name"}
    actionable = {q.fact for q in policy_data.questionnaire.questions if q.actionable}
    assert facts <= actionable


def test_unanswered_facts_are_questions_not_suggestions(policy_data):
    unlocks = what_if(policy_data.engine, {"industries": ["manufacturing"]}, AS_OF)
    assert unlocks == []


def test_every_suggested_measure_is_in_the_corpus(policy_data):
    profile = _profile(policy_data, "small_manufacturer.json")
    lib = policy_data.library
    for u in what_if(policy_data.engine, profile, AS_OF):
        for r in u.measures:
            doc = lib.find_document(title=r.measure.source.document, doc_number=r.measure.source.doc_number)
            assert doc is not None and lib.find_quote(doc.id, r.measure.source.quote) is not None


def test_best_first_ordering(policy_data):
    profile = _profile(policy_data, "small_manufacturer.json")
    unlocks = what_if(policy_data.engine, profile, AS_OF)
    keys = [(-len(u.measures), -u.money_stated) for u in unlocks]
    assert keys == sorted(keys)


def test_cli_what_if_json(db_path, capsys):
    from desktop.cli import main

    code = main(["--db", str(db_path), "match", str(ROOT / "examples" / "small_manufacturer.json"),
                 "--as-of", "2022-07-01", "--what-if", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["unlocks"]
    first = data["unlocks"][0]
    assert {"fact", "value", "measures"} <= set(first)
    assert {"id", "title", "kind", "status"} <= set(first["measures"][0])


def test_how_to_links_name_existing_measures(resources_engine):
    ids = {m.id for m in resources_engine.measures}
    linked = 0
    for q in resources_engine.questionnaire.questions:
        for targets in ((q.actionable or {}).get("how_to") or {}).values():
            for mid in targets:
                assert mid in ids, f"{q.fact}: how_to names unknown measure {mid}"
                linked += 1
    assert linked >= 5


def test_zjtx_unlock_links_how_to_get_there(policy_data):
    profile = _profile(policy_data, "small_manufacturer.json")
    unlocks = _by_change(what_if(policy_data.engine, profile, AS_OF))
    assert [r.id for r in unlocks[("sme_tier", "specialised_sme")].how_to] == ["smeh-zjtx-tier-cultivation"]
