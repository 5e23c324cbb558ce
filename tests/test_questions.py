"""Adaptive questioning: only questions that can still change a result, best first."""

import datetime as dt
import json
from pathlib import Path

from desktop.rules.questions import gate_state, open_questions

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2022, 7, 1)


def test_empty_profile_asks_the_intake_first(engine):
    ranked = open_questions(engine, {}, AS_OF)
    assert ranked
    assert ranked[0].question.fact == "industries"
    rest = [q.value for q in ranked if not q.intake]
    assert rest == sorted(rest, reverse=True)
    # Facts no measure depends on are never asked.
    assert "registered_year" not in {q.question.fact for q in ranked}
    assert "name" not in {q.question.fact for q in ranked}


def test_every_open_question_bears_on_a_maybe_measure(engine):
    profile = {"industries": ["software_it"], "district": "海淀区"}
    results = engine.evaluate(profile, AS_OF)
    maybe = {r.id: r for r in results if r.status == "maybe"}
    for q in open_questions(engine, profile, AS_OF, results):
        assert q.question.fact not in profile
        assert q.measure_ids and all(mid in maybe for mid in q.measure_ids)
        for mid in q.measure_ids:
            # Either the measure waits on this fact, or on a question gated by it (asked first).
            waiting = set(maybe[mid].missing_facts)
            gates = {g for f in waiting if f in engine.questionnaire.by_fact
                     for c in (engine.questionnaire.by_fact[f].ask_if, engine.questionnaire.by_fact[f].page_ask_if) if c
                     for g in c.facts()}
            assert q.question.fact in waiting | gates, (q.question.fact, mid)


def test_gated_questions_wait_for_their_gate(engine):
    """Clinic questions are not asked of a software company."""
    q = engine.questionnaire
    gated = [x for x in q.questions if x.fact.startswith(("medical_", "pharmacy_", "clinic_")) and (x.ask_if or x.page_ask_if)]
    assert gated
    profile = {"industries": ["software_it"], "district": "海淀区", "ownership": "private"}
    facts = engine.facts_of(profile)
    asked = open_questions(engine, profile, AS_OF)
    for x in asked:
        assert gate_state(x.question, facts) is True, x.question.fact
    hidden = {x.fact for x in gated if gate_state(x, facts) is False}
    assert hidden and not hidden & {x.question.fact for x in asked}


def test_answering_the_best_question_settles_measures(engine):
    profile: dict = {}
    before = sum(1 for r in engine.evaluate(profile, AS_OF) if r.status == "maybe")
    best = open_questions(engine, profile, AS_OF)[0]
    q = best.question
    value = {"bool": True, "choice": next(iter(q.choices or {"x": 1})), "multi": [next(iter(q.choices or {"x": 1}))],
             "int": 10, "number": 10.0}.get(q.type, "x")
    profile[q.fact] = value
    after = sum(1 for r in engine.evaluate(profile, AS_OF) if r.status == "maybe")
    assert after < before


def test_cli_questions_json(db_path, capsys, tmp_path):
    from desktop.cli import main

    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"industries": ["catering"]}), encoding="utf-8")
    code = main(["--db", str(db_path), "questions", str(profile), "--as-of", "2022-07-01", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data and {"fact", "question", "measures"} <= set(data[0])
