"""Issue 11, content half: dates that follow the text, event-relative duties, and who a benefit is for."""

import datetime as dt
from pathlib import Path

import pytest

from desktop.rules.conditions import ConditionError, FactInfo, evaluate, parse_condition
from desktop.rules.store import load_sources

ROOT = Path(__file__).resolve().parent.parent

# A measure may start before its document was issued only where the text itself says so. Each entry names the
# words of the text that fix the earlier start: they must stand in the measure's validity_note AND in the
# document's text (checked against the library), so a title label such as "(2025年)" cannot qualify.
EARLIER_START_STATED = {
    "hpf_contribution_2021.yaml": "本通知自2021年7月1日起施行",
    "kangyang_training.yaml": "2020年至2022年，在全市实施康养职业技能培训计划",
    "huitian_action_plan.yaml": "實施期限為2021年至2025年",
}
EARLIER_START_MEASURES = {"kangyang-open-eligibility": "自2020年10月9日起执行"}


@pytest.fixture(scope="module")
def sources():
    return load_sources(ROOT / "resources")


def test_no_measure_starts_before_its_document_was_issued(sources, library):
    _engine, files, _pages = sources
    problems = []
    for mf in files:
        issued = mf.document.issued
        if not issued:
            continue
        doc = library.find_document(title=mf.document.title, doc_number=mf.document.doc_number)
        for m in mf.measures:
            if not m.valid_from or m.valid_from >= issued:
                continue
            words = EARLIER_START_MEASURES.get(m.id) or EARLIER_START_STATED.get(mf.path.name)
            stated = (
                words is not None
                and words in m.validity_note
                and doc is not None
                and library.find_quote(doc.id, words) is not None
            )
            if not stated:
                problems.append(f"{m.id}: starts {m.valid_from}, before its document was issued on {issued}")
    assert not problems, "\n".join(problems)


def test_the_allowed_earlier_starts_are_still_used(sources):
    """The allow-list above names only files and measures that still start early (no dead entries)."""
    _engine, files, _pages = sources
    early_files = {
        mf.path.name
        for mf in files
        if mf.document.issued and mf.document.valid_from and mf.document.valid_from < mf.document.issued
    }
    assert set(EARLIER_START_STATED) <= early_files
    early_ids = {m.id for mf in files for m in mf.measures if m.valid_from and mf.document.issued and m.valid_from < mf.document.issued}
    assert set(EARLIER_START_MEASURES) <= early_ids


# ------------------------------------------------------------------ within_days (event-relative duties)

FACTS = {"filed_on": FactInfo("filed_on", "date", "备案日期"), "n": FactInfo("n", "int", "人数")}
WITHIN_30 = parse_condition({"filed_on": {"within_days": 30}}, FACTS)
AS_OF = dt.date(2026, 1, 31)


@pytest.mark.parametrize(
    "filed_on, expected",
    [
        ("2026-01-31", True),  # the event day itself
        ("2026-01-01", True),  # exactly 30 days before
        ("2025-12-31", False),  # 31 days before
        ("2026-02-01", False),  # after the evaluation date: not yet happened
        (None, None),  # unknown date: unknown, never false
    ],
)
def test_within_days_is_three_valued(filed_on, expected):
    profile = {"filed_on": filed_on} if filed_on else {}
    assert evaluate(WITHIN_30, profile, str, AS_OF).value is expected


def test_within_days_without_an_evaluation_date_is_unknown():
    assert evaluate(WITHIN_30, {"filed_on": "2026-01-20"}, str).value is None


@pytest.mark.parametrize("spec", [{"n": {"within_days": 30}}, {"filed_on": {"within_days": -1}}, {"filed_on": {"within_days": "30"}}])
def test_within_days_needs_a_date_fact_and_a_day_count(spec):
    with pytest.raises(ConditionError):
        parse_condition(spec, FACTS)


# ------------------------------------------------------------------ whose benefit it is


# Benefits the text gives to a group the company is not: shown as services (a channel or a rule to pass on),
# or as the addressee's duty, never in the money groups (资金补贴与奖励, 税费减免, 融资支持).
NOT_THE_COMPANYS_MONEY = {
    # 京政办发〔2021〕13号 二、(二)："依照相关规定对举报人予以奖励"
    "mifund-whistleblower-reward": "service",
    # 京人社能发〔2021〕3号 三、(二)：生活费补贴 for 农村转移就业劳动力和就业困难人员 themselves
    "kangyang-living-allowance": "service",
    # 京医保发〔2025〕6号："减轻个人医疗费用负担"; 各定点医疗机构 settle by the new standard
    "dbs25-reimbursement-standard": "obligation",
}


@pytest.mark.parametrize("measure_id, kind", sorted(NOT_THE_COMPANYS_MONEY.items()))
def test_benefits_for_others_are_not_the_companys_money(sources, measure_id, kind):
    engine = sources[0]
    measure = engine.by_id[measure_id]
    assert measure.kind == kind
    assert measure.group not in ("money", "tax", "finance")
