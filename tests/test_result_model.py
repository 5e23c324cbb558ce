"""One answer: statuses (related), the window's path and the command line agree, the ranked model.

The window evaluates through desktop.session.consultation.Consultation (the answers as the user
gave them, hidden ones included); the command line reads the saved file. Both must give the same
status for every measure, for every example and for 200 generated profiles (random, seeded,
valid per the questionnaire, hidden answers included on purpose).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from desktop.rules.facts import read_profile_file, validate_profile
from desktop.rules.result import ACTIVE_SECTIONS, for_every_company
from desktop.session.consultation import Consultation
from desktop.session.profiles_store import ProfileStore

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
AS_OF = dt.date(2025, 6, 1)
GENERATED = 200


def generated_profiles(questionnaire, n: int = GENERATED, seed: int = 20261206) -> list[dict]:
    """Random profiles that the questionnaire accepts; about half the questions answered."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        profile: dict = {"name": f"生成企业{i}"}
        for q in questionnaire.questions:
            if q.fact == "name" or rng.random() < 0.5:
                continue
            if q.type == "bool":
                profile[q.fact] = rng.random() < 0.5
            elif q.type == "choice":
                profile[q.fact] = rng.choice(list(q.choices))
            elif q.type == "multi":
                profile[q.fact] = rng.sample(list(q.choices), rng.randint(1, min(3, len(q.choices))))
            elif q.type in ("int", "number"):
                low = int(q.minimum) if q.minimum is not None else 0
                high = int(q.maximum) if q.maximum is not None else 5000
                value = rng.randint(low, min(high, low + 5000))
                profile[q.fact] = value
            elif q.type == "date":
                profile[q.fact] = (dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 4000))).isoformat()
            elif q.type == "string":
                profile[q.fact] = "某某"
        out.append(validate_profile(profile, questionnaire))
    return out


def window_statuses(policy_data, profile: dict, as_of: dt.date) -> dict[str, str]:
    """The statuses the window shows: a consultation holding the answers as given."""
    consultation = Consultation(answers=dict(profile), as_of=as_of)
    report = consultation.evaluate(policy_data).report
    return {r.id: r.status for r in report.results}


def cli_statuses(capsys, db_path, path: Path, as_of: dt.date) -> dict:
    code = cli_main(["--db", str(db_path), "match", str(path), "--as-of", as_of.isoformat(), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    return out


def test_window_and_command_line_agree_on_every_measure(policy_data, db_path, tmp_path, capsys):
    q = policy_data.questionnaire
    profiles = [read_profile_file(p, q) for p in EXAMPLES] + generated_profiles(q)
    hidden_seen = 0
    for i, profile in enumerate(profiles):
        path = tmp_path / f"p{i}.json"
        path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
        out = cli_statuses(capsys, db_path, path, AS_OF)
        shown = window_statuses(policy_data, profile, AS_OF)
        assert {r["id"]: r["status"] for r in out["results"]} == shown, f"profile {i}"
        assert out["counts"] == {s: list(shown.values()).count(s) for s in out["counts"]}
        hidden_seen += len(profile) - len(policy_data.engine.effective_profile(profile))
    assert hidden_seen > 50  # the generated profiles do carry answers to hidden questions


def test_hidden_answers_count_nowhere(policy_data):
    """An answer whose question is not shown (回天地区 for a 海淀区 company) changes nothing."""
    base = {"name": "甲", "district": "海淀区", "industries": ["software_it"]}
    with_hidden = dict(base, in_huitian_area=True)
    assert policy_data.engine.effective_profile(with_hidden) == base
    a = policy_data.match(base, AS_OF)
    b = policy_data.match(with_hidden, AS_OF)
    assert [r.status for r in a.results] == [r.status for r in b.results]
    huitian = [m for m in policy_data.engine.measures if "in_huitian_area" in policy_data.engine.facts_by_measure[m.id]]
    assert huitian
    # where the question is shown (昌平区), the same answer does count
    changping = dict(base, district="昌平区")
    shown = {r.id: r.status for r in policy_data.match(dict(changping, in_huitian_area=False), AS_OF).results}
    unanswered = {r.id: r.status for r in policy_data.match(changping, AS_OF).results}
    assert any(shown[m.id] != unanswered[m.id] for m in huitian)


def test_no_programme_level_measure_is_applies_or_maybe(policy_data):
    q = policy_data.questionnaire
    for profile in [read_profile_file(p, q) for p in EXAMPLES] + generated_profiles(q, 40, seed=7):
        report = policy_data.match(profile, AS_OF)
        data = report.to_json()
        for r in data["results"]:
            if r["programme_level"]:
                assert r["status"] not in ("applies", "maybe"), r["id"]
            else:
                assert r["status"] != "related", r["id"]
        assert data["counts"]["related"] == sum(1 for r in data["results"] if r["status"] == "related")
        for key in ACTIVE_SECTIONS + ("every_company",):
            assert not any(i.measure.programme_level for i in report.model.section(key).items)


def test_related_keeps_dates(engine):
    """Expired / not yet in force still apply to directions by date."""
    dated = next(m for m in engine.measures if m.programme_level and m.valid_from and m.valid_to)
    facts = engine.facts_of({})
    start, end = dt.date.fromisoformat(dated.valid_from), dt.date.fromisoformat(dated.valid_to)
    assert engine.evaluate_one(dated, facts, start - dt.timedelta(days=1)).status == "not_yet_in_force"
    assert engine.evaluate_one(dated, facts, end + dt.timedelta(days=1)).status == "expired"
    assert engine.evaluate_one(dated, facts, start).status == "related"


def _ordered(items) -> None:
    """Own facts before rules for every company; then money with amounts / duties with penalties."""
    for a, b in zip(items, items[1:]):
        assert bool(a.own_facts) >= bool(b.own_facts), (a.id, b.id)
        if bool(a.own_facts) == bool(b.own_facts):
            assert a.weight >= b.weight, (a.id, b.id)


def test_sections_are_ranked_and_every_company_rules_collapse(policy_data):
    q = policy_data.questionnaire
    for path in EXAMPLES:
        report = policy_data.match(read_profile_file(path, q), AS_OF)
        model = report.model
        placed = [i.id for s in model.sections for i in s.items]
        assert sorted(placed) == sorted(r.id for r in report.results)  # every result exactly once
        for key in ACTIVE_SECTIONS:
            items = model.section(key).items
            _ordered(items)
            assert all(not for_every_company(i.measure, q) for i in items)
        for item in model.section("every_company").items:
            assert for_every_company(item.measure, q) and item.status in ("applies", "maybe")
        assert sum(s.count for s in model.sections) == sum(model.counts.values())


def test_catering_duties_come_before_rules_for_everyone(policy_data):
    """The restaurant's prepaid-card duties lead; the whistleblower reward and 12345 items do not."""
    report = policy_data.match(read_profile_file(ROOT / "examples" / "catering_chain_prepaid.json",
                                                 policy_data.questionnaire), AS_OF)
    model = report.model
    must = model.section("must_do").items
    assert must and all(i.own_facts for i in must)
    prepaid = [i for i in must if "issues_prepaid_cards" in i.own_facts]
    assert prepaid and must[0] in prepaid  # a prepaid-card duty with a deadline leads
    assert must[0].weight == 2
    general_titles = [i.measure.title for i in model.section("every_company").items]
    assert any("12345" in t for t in general_titles)
    for key in ("must_do", "can_apply"):  # (SME-only 12345 services stay "to confirm" while the size is open)
        assert not any("12345" in i.measure.title for i in model.section(key).items)
    assert not any("举报奖励" in i.measure.title for i in model.section("can_apply").items)


def test_saved_profiles_open_unchanged(policy_data, tmp_path):
    """A profile saved by this version reads back the same, with the same statuses."""
    store = ProfileStore(tmp_path)
    q = policy_data.questionnaire
    for path in EXAMPLES:
        profile = read_profile_file(path, q)
        out = store.save_profile(tmp_path / path.name, profile, q, ["employees"] if "employees" not in profile else [],
                                 AS_OF)
        loaded = store.load_profile(out, q)
        assert loaded.profile == profile and loaded.as_of == AS_OF
        before = [r.status for r in policy_data.match(profile, AS_OF).results]
        after = [r.status for r in policy_data.match(loaded.profile, AS_OF).results]
        assert before == after


@pytest.mark.parametrize("name", ["catering_chain_prepaid", "software_sme_haidian"])
def test_text_lists_sections_in_model_order(policy_data, name):
    from desktop.report.text import format_report

    report = policy_data.match(read_profile_file(ROOT / "examples" / f"{name}.json", policy_data.questionnaire), AS_OF)
    text = format_report(report, policy_data.engine)
    assert report.model.counts_text("  ") in text
    positions = [text.index(f"== {s.label}（") for s in report.model.sections
                 if s.items and s.key != "not_applicable"]
    assert positions == sorted(positions)
    assert not any(line.strip() == "办理部门：未规定    办理：未规定" for line in text.splitlines())
    assert "办理部门和办理方式：文件未写明" in text
