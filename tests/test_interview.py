"""The desk interview: 25 questions at most, by value, nothing irrelevant or presumptive."""

import datetime as dt
from pathlib import Path

import pytest

from desktop.rules.facts import read_profile_file
from desktop.rules.questions import MAX_QUESTIONS, interview, open_questions

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2022, 7, 1)
EXAMPLES = sorted(p.name for p in (ROOT / "examples").glob("*.json") if p.name != "empty.json")


def replay(engine, full: dict, as_of=AS_OF):
    """Answer the interview from ``full``; a fact it lacks is answered 不确定. Returns (profile, asked, states)."""
    profile: dict = {}
    unsure: list[str] = []
    asked: list[str] = []
    states = []
    while True:
        state = interview(engine, profile, as_of, unsure=unsure)
        states.append(state)
        if state.done:
            return profile, unsure, asked, states
        fact = state.next[0].question.fact
        assert fact not in asked, f"{fact} asked twice"
        asked.append(fact)
        if fact in full:
            profile[fact] = full[fact]
        else:
            unsure.append(fact)


def company_facing_applies(engine, profile, as_of=AS_OF):
    return {r.id for r in engine.evaluate(profile, as_of) if r.status == "applies" and not r.measure.programme_level}


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2025, 6, 1)])
@pytest.mark.parametrize("name", EXAMPLES)
def test_interview_finds_what_the_full_profile_finds(engine, name, as_of):
    full = read_profile_file(ROOT / "examples" / name, engine.questionnaire)
    profile, unsure, asked, states = replay(engine, full, as_of)
    assert len(asked) <= MAX_QUESTIONS
    want = company_facing_applies(engine, full, as_of)
    got = company_facing_applies(engine, profile, as_of)
    assert want, name
    assert len(want & got) >= 0.9 * len(want), (name, sorted(want - got))
    # The interview's answers are the company's own: nothing applies that the full profile rules out.
    assert got <= want
    # The counter of remaining questions never rises by more than a few.
    counts = [s.remaining for s in states]
    assert all(b - a <= 3 for a, b in zip(counts, counts[1:])), counts
    assert states[-1].remaining == 0


@pytest.mark.parametrize("name", EXAMPLES)
def test_intake_comes_first(engine, name):
    full = read_profile_file(ROOT / "examples" / name, engine.questionnaire)
    _, _, asked, _ = replay(engine, full)
    assert asked[0] == "industries"
    assert {"district", "ownership", "employees"} <= set(asked[:6]), asked[:6]


def _asked(engine, full):
    return replay(engine, full)[2]


def test_software_firm_in_haidian_is_not_asked_irrelevant_things(engine):
    full = read_profile_file(ROOT / "examples" / "software_sme_haidian.json", engine.questionnaire)
    asked = set(_asked(engine, full))
    proposed = {q.question.fact for q in open_questions(engine, full, AS_OF) if q.worth_asking}
    for facts in (asked, proposed):
        assert "in_economic_dev_zone" not in facts  # 亦庄 is in 大兴/通州, not 海淀
        assert not {f for f in facts if f.startswith(("broadcast_", "medical_", "comp_", "fdi_"))}, facts
        assert "issues_prepaid_cards" not in facts


def test_haidian_rules_out_yizhuang(engine):
    facts = engine.facts_of({"district": "海淀区"})
    assert not facts["in_economic_dev_zone"]
    assert "in_economic_dev_zone" not in {q.question.fact for q in open_questions(engine, {"district": "海淀区"}, AS_OF)}
    daxing = {q.question.fact for q in open_questions(engine, {"district": "大兴区", "industries": ["manufacturing"]}, AS_OF)}
    assert "in_economic_dev_zone" in daxing


@pytest.mark.parametrize("name", ["retail_pharmacy.json", "private_clinic.json"])
def test_no_pending_penalty_is_presumed(engine, name):
    full = read_profile_file(ROOT / "examples" / name, engine.questionnaire)
    profile = {k: v for k, v in full.items() if k != "medical_insurance_penalty_notice"}
    proposed = {q.question.fact for q in open_questions(engine, profile, AS_OF)}
    assert "medical_insurance_proposed_fine_wan" not in proposed
    assert "medical_insurance_proposed_fine_wan" not in _asked(engine, full)
    # Only a company that says it received a penalty notice is asked the proposed amount.
    noticed = {q.question.fact for q in open_questions(engine, {**profile, "medical_insurance_penalty_notice": True}, AS_OF)}
    assert "medical_insurance_proposed_fine_wan" in noticed


def test_a_filed_clinic_is_not_asked_whether_it_is_a_township_health_centre(engine):
    full = read_profile_file(ROOT / "examples" / "private_clinic.json", engine.questionnaire)
    profile = {**full, "clinic_status": "filed"}
    profile.pop("medical_community_centre", None)
    assert "medical_community_centre" not in {q.question.fact for q in open_questions(engine, profile, AS_OF)}
    assert engine.facts_of(profile)["medical_community_centre"] is not True


def test_private_firm_gets_no_foreign_investment_only_question(engine):
    for name in EXAMPLES:
        full = read_profile_file(ROOT / "examples" / name, engine.questionnaire)
        assert full.get("ownership") == "private"
        asked = _asked(engine, full)
        assert not [f for f in asked if f.startswith("fdi_")], (name, asked)


def test_programme_level_measures_never_drive_a_question(engine):
    from desktop.rules.questions import measure_value

    directions = [m for m in engine.measures if m.programme_level]
    assert directions and all(measure_value(m) == 0 for m in directions)
    # A question bearing only on directions is not worth asking.
    for oq in open_questions(engine, {"industries": ["software_it"]}, AS_OF):
        if all(engine.by_id[i].programme_level for i in oq.measure_ids):
            assert oq.value == 0 and not oq.worth_asking


def test_money_outweighs_services(engine):
    from desktop.rules.questions import measure_value

    by_kind = {}
    for m in engine.measures:
        by_kind.setdefault((m.kind, bool(m.amounts), m.programme_level), measure_value(m))
    assert by_kind[("subsidy", True, False)] >= 5 * by_kind[("service", False, False)]


def test_unsure_facts_are_not_proposed_again(engine):
    profile = {"industries": ["catering"], "district": "朝阳区"}
    first = open_questions(engine, profile, AS_OF)[0].question.fact
    again = {q.question.fact for q in open_questions(engine, {**profile, "_unsure": [first]}, AS_OF)}
    assert first not in again


def test_small_labour_dispatch_firm_size_is_derived_not_asked(engine):
    profile = {"industries": ["hr_services"], "employees": 12, "district": "朝阳区", "ownership": "private"}
    facts = engine.facts_of(profile)
    assert facts["is_sme"] is True and facts["is_small_micro"] is True
    assert "enterprise_size" not in facts  # small or micro: the assets decide which, and nothing asks
    state = interview(engine, profile, AS_OF)
    assert state.next[0].question.fact != "total_assets_wan"
    sme_maybe = [r for r in engine.evaluate(profile, AS_OF)
                 if r.status == "maybe" and {"is_sme", "is_small_micro"} & set(r.missing_facts)]
    assert not sme_maybe


def test_cli_questions_honours_unsure_and_reports_the_interview(db_path, capsys, tmp_path):
    import json

    from desktop.cli import main

    path = tmp_path / "p.json"
    path.write_text(json.dumps({"industries": ["catering"], "_unsure": ["district"]}), encoding="utf-8")
    assert main(["--db", str(db_path), "questions", str(path), "--as-of", "2022-07-01", "--format", "json", "--all"]) == 0
    facts = [q["fact"] for q in json.loads(capsys.readouterr().out)]
    assert facts and "district" not in facts
    assert main(["--db", str(db_path), "questions", str(path), "--as-of", "2022-07-01", "--format", "json", "--interview"]) == 0
    state = json.loads(capsys.readouterr().out)
    assert state["done"] is False and state["asked"] == 2 and state["remaining"] <= MAX_QUESTIONS - 2
    assert "district" not in [q["fact"] for q in state["next"] + state["to_confirm"]]


def test_old_internet_hospital_key_reads_as_the_route(engine):
    from desktop.rules.facts import validate_profile

    q = engine.questionnaire
    assert "medical_has_internet_hospital" not in q.by_fact
    no = validate_profile({"industries": ["healthcare_services"], "medical_has_internet_hospital": False}, q)
    assert no["medical_internet_hospital_route"] == "none"
    yes = validate_profile({"industries": ["healthcare_services"], "medical_has_internet_hospital": True}, q)
    assert "medical_internet_hospital_route" not in yes  # the route is asked, not guessed
    assert "medical_internet_hospital_route" in {
        x.question.fact for x in open_questions(engine, {**yes, "medical_institution_type": "hospital"}, AS_OF)}


def test_childcare_is_answered_once(engine):
    facts = engine.facts_of({"industries": ["education_training"], "bizenv_trades": ["childcare"]})
    assert facts["childcare_provider"] is True
    asked = {x.question.fact for x in open_questions(
        engine, {"industries": ["education_training"], "bizenv_trades": ["childcare"]}, AS_OF)}
    assert "childcare_provider" not in asked
