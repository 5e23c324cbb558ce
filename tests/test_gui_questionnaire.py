"""The questionnaire and the live results, driven through the real window (offscreen)."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QKeySequence

from desktop.cli import main as cli_main
from test_gui_support import AS_OF, CATERING, drive, make_window, messages, gui_app, service_statuses, window  # noqa: F401


def _same(a, b) -> bool:
    """Answers are equal; a multi-choice answer is a set of choices (its order is the editor's)."""
    return sorted(a) == sorted(b) if isinstance(a, list) and isinstance(b, list) else a == b


def test_answering_by_clicking_matches_service_and_cli(qtbot, window, policy_data, db_path, tmp_path, capsys):
    steps = drive(qtbot, window, CATERING)
    answered = [f for f, how in steps if how == "answered"]
    assert len(answered) >= 4, steps
    # The window asked the engine's best question first: nothing has been answered before it.
    assert steps[0][0] == window.consultation.trail[0]

    profile = window.consultation.effective_profile(policy_data.engine)
    assert profile["name"] == CATERING["name"]
    assert all(_same(profile[k], CATERING[k]) for k in profile), "every answer is the example profile's"
    shown = window.results_view.displayed_statuses()
    assert shown == service_statuses(policy_data, profile, AS_OF)
    assert window.evaluation.report.as_of == AS_OF

    # The same profile through `policy-desk match` gives the same list.
    path = tmp_path / "catering.json"
    assert window.save_to(path)
    code = cli_main(["--db", str(db_path), "match", str(path), "--as-of", AS_OF.isoformat(), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {r["id"]: r["status"] for r in out["results"]} == shown


def test_results_show_the_model_sections_and_kinds(qtbot, window):
    drive(qtbot, window, CATERING, max_steps=6)
    tree = window.results_view.tree
    tops = [tree.topLevelItem(i).text(0).split("（")[0] for i in range(tree.topLevelItemCount())]
    assert tops == ["必须办理和遵守", "可以申请和使用", "需要确认", "相关政策方向", "对所有企业适用的一般规定",
                    "已失效或尚未生效", "不适用"]
    # programme-level items never show as applying: they are all under 相关政策方向 (or inactive / not applicable)
    results = {r.id: r for r in window.evaluation.report.results}
    for key in ("must_do", "can_apply", "to_confirm", "every_company"):
        assert not any(results[mid].measure.programme_level for mid in window.results_view.section_members(key))
    related = window.results_view.section_members("related")
    assert related and all(results[mid].measure.programme_level and results[mid].status == "related" for mid in related)
    # the tree shows the model: the same sections, the same ranked order
    model = window.evaluation.report.model
    for section in model.sections:
        shown = window.results_view.section_members(section.key)
        assert sorted(shown) == sorted(i.id for i in section.items)
        assert shown == [i.id for g in section.groups for i in g.items]
    kind_labels = {"资金补贴与奖励", "税费减免", "融资支持", "备案与许可", "合规义务", "政务服务与便利"}
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        groups = {top.child(j).text(0).split("（")[0] for j in range(top.childCount())}
        assert groups <= kind_labels


def test_results_update_after_every_answer(qtbot, window, policy_data):
    before = window.results_view.displayed_statuses()
    assert set(before.values()) <= {"maybe", "applies", "related", "expired", "not_yet_in_force"}  # nothing is 'no' yet
    drive(qtbot, window, {"industries": CATERING["industries"]}, max_steps=1)
    after = window.results_view.displayed_statuses()
    assert after != before
    assert after == service_statuses(policy_data, {"industries": CATERING["industries"]}, AS_OF)


def test_skip_leads_to_maybe_not_to_no(qtbot, window, policy_data):
    first = window.questionnaire.question.fact
    empty = service_statuses(policy_data, {}, AS_OF)
    qtbot.mouseClick(window.questionnaire.skip_button, Qt.MouseButton.LeftButton)
    assert first in window.consultation.skipped and first not in window.consultation.answers
    assert window.questionnaire.question is None or window.questionnaire.question.fact != first
    shown = window.results_view.displayed_statuses()
    assert shown == empty  # unknown stays unknown: no measure turned into 不适用
    assert not any(s == "not_applicable" for s in shown.values())


def test_back_and_forward_keep_every_answer(qtbot, window):
    steps = drive(qtbot, window, CATERING, max_steps=4)
    facts = [f for f, _ in steps]
    view = window.questionnaire
    current = view.question.fact
    for expected in reversed(facts[-2:]):
        qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
        assert view.question.fact == expected
        ok, value, _ = view.current_value()
        if expected in CATERING:
            assert ok and _same(value, CATERING[expected])  # the editor shows the earlier answer
    # Forward again (下一题 keeps the shown answer) returns to where we were.
    for _ in range(2):
        qtbot.mouseClick(view.next_button if view.current_value()[0] else view.skip_button, Qt.MouseButton.LeftButton)
    assert view.question.fact == current
    for fact, how in steps:
        if how == "answered":
            assert _same(window.consultation.answers[fact], CATERING[fact])


def test_back_action_goes_back(qtbot, window):
    drive(qtbot, window, CATERING, max_steps=2)
    first = window.consultation.trail[0]
    window.act_back.trigger()
    window.act_back.trigger()
    assert window.questionnaire.question.fact == first
    assert window.act_back.shortcut() == QKeySequence(QKeySequence.StandardKey.Back)


def test_maybe_result_links_to_the_question_that_settles_it(qtbot, window):
    maybe = window.results_view.section_members("maybe")
    assert maybe
    result = next(r for r in window.evaluation.report.results if r.id == maybe[0])
    fact = result.missing_facts[0]
    window.left_tabs.setCurrentIndex(window.ANSWERS)
    assert window.results_view.select_measure(result.id)
    assert f"question:{fact}" in window.results_view.detail.toHtml()
    window.results_view.detail.anchorClicked.emit(QUrl(f"question:{fact}"))  # the click on the link
    assert window.left_tabs.currentIndex() == window.QUESTIONS
    assert window.questionnaire.question.fact == fact


def test_number_editor_refuses_empty_and_out_of_range(qtbot, window):
    window.goto_question("employees")
    view = window.questionnaire
    assert view.question.fact == "employees"
    qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert view.error_label.isVisibleTo(view) and "employees" not in window.consultation.answers
    qtbot.keyClicks(view.editor.edit, "-5")  # the validator takes no minus sign (min 0)
    assert not view.editor.edit.text().startswith("-")
    view.editor.edit.clear()
    qtbot.keyClicks(view.editor.edit, "42")
    qtbot.keyClick(view.editor.edit, Qt.Key.Key_Return)
    assert window.consultation.answers["employees"] == 42


def test_answers_list_shows_and_edits_answers(qtbot, window):
    drive(qtbot, window, CATERING, max_steps=3)
    view = window.answers_view
    items = [view.tree.topLevelItem(i).child(j) for i in range(view.tree.topLevelItemCount())
             for j in range(view.tree.topLevelItem(i).childCount())]
    answered = {it.data(0, Qt.ItemDataRole.UserRole): it.text(1) for it in items}
    fact = window.consultation.trail[0]
    assert fact in answered and answered[fact] not in ("未回答", "")
    item = next(it for it in items if it.data(0, Qt.ItemDataRole.UserRole) == fact)
    view.tree.setCurrentItem(item)
    qtbot.mouseClick(view.edit_button, Qt.MouseButton.LeftButton)
    assert window.questionnaire.question.fact == fact


def test_date_change_re_evaluates(qtbot, window, policy_data):
    drive(qtbot, window, CATERING, max_steps=4)
    profile = window.consultation.effective_profile(policy_data.engine)
    day = dt.date(2021, 3, 1)
    window.set_as_of(day)
    assert window.asof_label.text().endswith(day.isoformat())
    assert window.results_view.displayed_statuses() == service_statuses(policy_data, profile, day)
    assert day.isoformat() in window.results_view.summary_label.text()
