"""The Qt-free parts of the GUI: atomic profile store and history, the consultation's navigation."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from desktop.session.consultation import Consultation
from desktop.session.profiles_store import ProfileStore, StoreError, atomic_write_text, safe_file_stem
from desktop.rules.facts import ProfileError

DAY = dt.date(2025, 6, 1)


def test_atomic_write_replaces_whole_file(tmp_path):
    path = tmp_path / "p.json"
    atomic_write_text(path, "first")
    atomic_write_text(path, "second")
    assert path.read_text(encoding="utf-8") == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    atomic_write_text(path, '{"name": "旧"}')

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(StoreError) as err:
        atomic_write_text(path, '{"name": "新"}')
    assert "原文件未被改动" in str(err.value)
    assert path.read_text(encoding="utf-8") == '{"name": "旧"}'
    assert [p.name for p in tmp_path.iterdir()] == ["p.json"]


def test_profile_round_trip_with_notes(tmp_path, engine):
    store = ProfileStore(tmp_path)
    q = engine.questionnaire
    profile = {"name": "某公司", "employees": 12, "industries": ["catering"], "issues_prepaid_cards": True}
    path = store.suggest_path("某公司")
    assert path.parent == store.profiles_dir and path.name == "某公司.json"
    store.save_profile(path, profile, q, skipped=["district", "ownership"], as_of=DAY)
    loaded = store.load_profile(path, q)
    assert loaded.profile == profile and loaded.skipped == ["district", "ownership"] and loaded.as_of == DAY
    assert store.suggest_path("某公司").name == "某公司（2）.json"
    assert safe_file_stem('a/b:c*?"<>|') == "abc" and safe_file_stem("  ") == "未命名企业"


def test_load_refuses_broken_files(tmp_path, engine):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(ProfileError):
        ProfileStore(tmp_path).load_profile(bad, engine.questionnaire)
    with pytest.raises(ProfileError):
        ProfileStore(tmp_path).load_profile(tmp_path / "missing.json", engine.questionnaire)


def test_history_is_newest_first_one_entry_per_file_and_survives_corruption(tmp_path):
    store = ProfileStore(tmp_path)
    store.record("甲公司", tmp_path / "a.json", DAY, {"applies": 3})
    store.record("乙公司", tmp_path / "b.json", DAY, {"applies": 1})
    store.record("甲公司", tmp_path / "a.json", DAY, {"applies": 4})
    entries = store.history()
    assert [e.company for e in entries] == ["甲公司", "乙公司"] and entries[0].counts == {"applies": 4}
    store.record("丙公司", None, None)
    assert [e.company for e in ProfileStore(tmp_path).history()] == ["丙公司", "甲公司", "乙公司"]
    assert store.records.count() == 4  # append-only: the earlier 甲公司 entry is kept as a record


def test_consultation_navigation_keeps_answers(policy_data):
    engine = policy_data.engine
    questions = engine.questionnaire.by_fact
    c = Consultation(as_of=DAY)
    first = c.start(c.evaluate(policy_data), questions, engine)
    assert first is not None
    c.set_answer(first, ["catering"] if questions[first].type == "multi" else None)
    second = c.forward(c.evaluate(policy_data), questions, engine)
    assert second not in (None, first)
    c.skip(second)
    third = c.forward(c.evaluate(policy_data), questions, engine)
    assert third not in (first, second)
    assert c.back(questions, engine) == second and c.back(questions, engine) == first
    assert c.forward(c.evaluate(policy_data), questions, engine) == second  # the trail, not a new question
    assert second in c.skipped and second not in c.evaluate(policy_data).open_facts


def test_hidden_answers_are_kept_but_not_counted(policy_data):
    engine = policy_data.engine
    gated = next(q for q in engine.questionnaire.questions
                 if q.ask_if is not None and q.type == "bool" and "district" in q.ask_if.facts())
    c = Consultation(as_of=DAY)
    c.set_answer("district", "昌平区")
    c.set_answer(gated.fact, True)
    shown = c.effective_profile(engine)
    c.set_answer("district", "海淀区")
    hidden = c.effective_profile(engine)
    if shown.get(gated.fact) is True:  # the gate accepts 昌平区 (回天地区)
        assert gated.fact not in hidden
    assert c.answers[gated.fact] is True  # kept for when the district goes back
