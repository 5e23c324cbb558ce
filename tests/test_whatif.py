"""What-if: the recognitions and choices that would open more support."""

import datetime as dt
import json
from pathlib import Path

from desktop.rules.facts import read_profile_file
import pytest

from desktop.rules.whatif import status_label, what_if, within_reach

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
    assert any(not r.measure.programme_level for r in zjtx.measures)  # money or procedures, not only directions
    for r in zjtx.measures:  # a direction it opens is shown as a related direction, never as "you qualify"
        assert r.status == ("related" if r.measure.programme_level else r.status) and r.status in ("applies", "maybe", "related")


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
    assert ("in_free_trade_zone", True) not in _by_change(what_if(policy_data.engine, profile, AS_OF))
    unlocks = _by_change(what_if(policy_data.engine, profile, AS_OF, include_relocation=True))
    ftz = unlocks.get(("in_free_trade_zone", True))
    assert ftz is not None and ftz.relocation
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
    keys = [(-u.money_stated, -len(u.usable)) for u in unlocks]
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


# ----------------------------------------------------------------------- within reach (issue 12)

EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.json") if p.name != "empty.json")
RELOCATION = {"in_free_trade_zone", "in_zhongguancun", "in_economic_dev_zone"}


def test_pharmacy_is_told_about_the_second_insurance_manager(policy_data):
    profile = _profile(policy_data, "retail_pharmacy.json")
    assert profile["pharmacy_insurance_managers"] == 1
    unlocks = what_if(policy_data.engine, profile, AS_OF)
    second = _by_change(unlocks)[("pharmacy_insurance_managers", 2)]
    assert "医保管理" in second.label
    opened = {r.id: r.status for r in second.measures}
    assert opened.get("rpd-designation-apply") == "applies", opened
    assert unlocks[0] is second or second.money_stated >= unlocks[0].money_stated
    # Nothing out of a pharmacy's reach.
    facts = {u.fact for u in unlocks}
    assert not facts & RELOCATION
    assert not [u for u in unlocks if u.fact == "sme_tier" and u.value in ("little_giant", "single_champion")]


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_relocation_or_unreachable_recognition(policy_data, name):
    profile = _profile(policy_data, name)
    unlocks = what_if(policy_data.engine, profile, AS_OF)
    assert not [u for u in unlocks if u.fact in RELOCATION or u.relocation], name
    manufacturer = "manufacturing" in profile.get("industries", [])
    for u in unlocks:
        if u.fact == "sme_tier" and u.value == "single_champion":
            assert manufacturer, name
        for r in u.measures:
            if r.measure.programme_level:
                assert status_label(r) == "相关政策方向"


def test_single_champion_only_for_manufacturers(policy_data):
    software = _profile(policy_data, "software_sme_haidian.json", sme_tier="little_giant",
                        zjtx_recognition="municipal_little_giant")
    assert not [u for u in what_if(policy_data.engine, software, AS_OF) if u.value == "single_champion"]
    sme_tier = policy_data.questionnaire.by_fact["sme_tier"]
    maker = _profile(policy_data, "small_manufacturer.json")
    assert within_reach(sme_tier, "single_champion", policy_data.engine.facts_of(maker))
    assert not within_reach(sme_tier, "single_champion", policy_data.engine.facts_of(software))
    pharmacy = _profile(policy_data, "retail_pharmacy.json")
    assert not within_reach(sme_tier, "little_giant", policy_data.engine.facts_of(pharmacy))


def test_coupled_recognitions_change_together(policy_data):
    profile = _profile(policy_data, "software_sme_haidian.json")
    giant = _by_change(what_if(policy_data.engine, profile, AS_OF)).get(("sme_tier", "little_giant"))
    assert giant is not None
    assert giant.changes == {"sme_tier": "little_giant", "zjtx_recognition": "municipal_little_giant"}


def test_money_first_with_amounts(policy_data):
    profile = _profile(policy_data, "small_manufacturer.json")
    unlocks = what_if(policy_data.engine, profile, AS_OF)
    zjtx = _by_change(unlocks)[("sme_tier", "specialised_sme")]
    assert zjtx.money_stated >= 3
    first = zjtx.measures[: zjtx.money_stated]
    assert all(r.measure.amounts and r.measure.kind in ("subsidy", "award", "tax_relief", "fee_reduction", "financing")
               for r in first)
    # Directions come after everything the company can use.
    kinds = [r.measure.programme_level for r in zjtx.measures]
    assert kinds == sorted(kinds)
    data = zjtx.to_json()
    assert any("万元" in a for m in data["measures"] for a in m["amounts"])
    assert all(m["status_label"] == "相关政策方向" for m in data["measures"] if m["programme_level"])


def test_cli_relocation_flag(db_path, capsys):
    from desktop.cli import main

    path = str(ROOT / "examples" / "small_manufacturer.json")
    main(["--db", str(db_path), "match", path, "--as-of", "2022-07-01", "--what-if", "--format", "json"])
    without = {u["fact"] for u in json.loads(capsys.readouterr().out)["unlocks"]}
    main(["--db", str(db_path), "match", path, "--as-of", "2022-07-01", "--what-if", "--relocation", "--format", "json"])
    with_move = {u["fact"] for u in json.loads(capsys.readouterr().out)["unlocks"]}
    assert not without & RELOCATION and with_move & RELOCATION
