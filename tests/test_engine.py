"""The rules engine: three-valued conditions, statuses, dates and reasons."""

import datetime as dt

import pytest

from desktop.rules.conditions import ConditionError, FactInfo, evaluate, parse_condition
from desktop.rules.facts import ProfileError, parse_profile_text

FACTS = {
    "a": FactInfo("a", "bool"),
    "b": FactInfo("b", "bool"),
    "n": FactInfo("n", "int"),
    "tier": FactInfo("tier", "choice", choices={"x": "X", "y": "Y"}),
    "inds": FactInfo("inds", "multi", choices={"m": "M", "s": "S", "r": "R"}),
}


def value(cond, profile):
    return evaluate(parse_condition(cond, FACTS), profile, str).value


@pytest.mark.parametrize(
    "cond, profile, expected",
    [
        ({"a": True}, {}, None),
        ({"a": True}, {"a": False}, False),
        ({"all": [{"a": True}, {"b": True}]}, {"a": False}, False),  # false wins over unknown
        ({"all": [{"a": True}, {"b": True}]}, {"a": True}, None),
        ({"any": [{"a": True}, {"b": True}]}, {"b": True}, True),  # true wins over unknown
        ({"any": [{"a": True}, {"b": True}]}, {"b": False}, None),
        ({"not": {"a": True}}, {}, None),
        ({"not": {"a": True}}, {"a": False}, True),
        ({"n": {"gte": 20}}, {"n": 20}, True),
        ({"n": {"lt": 20}}, {"n": 20}, False),
        ({"tier": {"in": ["x"]}}, {"tier": "y"}, False),
        ({"inds": "m"}, {"inds": ["s", "m"]}, True),
        ({"inds": {"has_any": ["r", "s"]}}, {"inds": ["m"]}, False),
        ({"inds": {"has_none": ["r"]}}, {"inds": []}, True),
        ({"a": {"known": True}}, {}, None),  # a missing answer never rules out
        ({"a": {"known": True}}, {"a": False}, True),
        ({"a": {"known": False}}, {"a": True}, False),
    ],
)
def test_three_valued_logic(cond, profile, expected):
    assert value(cond, profile) is expected


@pytest.mark.parametrize(
    "bad",
    [{"zzz": True}, {"a": {"gt": 1}}, {"tier": "q"}, {"inds": {"eq": "m"}}, {"n": {"gte": "20"}}, {"all": []}, "text", {"a": {"eval": "1"}}],
)
def test_malformed_conditions_are_refused(bad):
    with pytest.raises(ConditionError):
        parse_condition(bad, FACTS)


def test_empty_profile_never_gives_not_applicable(engine):
    """With nothing answered, nothing can be ruled out: only maybe, or applies for everyone."""
    results = engine.evaluate({}, dt.date(2022, 7, 1))
    for r in results:
        assert r.status != "not_applicable", (r.id, r.reasons)
        if r.status == "applies":
            assert r.measure.condition is None
        if r.status == "maybe":
            assert r.missing_facts


def test_dates_turn_applying_measures_into_expired_or_not_yet(engine):
    dated = [m for m in engine.measures if m.valid_from and m.valid_to and m.condition is None]
    if not dated:
        dated = [m for m in engine.measures if m.valid_from and m.valid_to]
    m = dated[0]
    start, end = dt.date.fromisoformat(m.valid_from), dt.date.fromisoformat(m.valid_to)
    facts = engine.facts_of({})
    assert engine.evaluate_one(m, facts, start - dt.timedelta(days=1)).status == "not_yet_in_force"
    assert engine.evaluate_one(m, facts, end + dt.timedelta(days=1)).status == "expired"
    assert engine.evaluate_one(m, facts, start).status in ("applies", "maybe", "related")


def test_every_status_carries_reasons(engine):
    profile = {"district": "海淀区", "industries": ["software_it"], "employees": 80, "annual_revenue_wan": 3000}
    for r in engine.evaluate(profile, dt.date(2022, 7, 1)):
        assert r.reasons, r.id


def test_size_class_is_derived_from_the_national_standard(engine):
    f = engine.facts_of
    assert f({"industries": ["manufacturing"], "employees": 350, "annual_revenue_wan": 5000})["enterprise_size"] == "medium"
    assert f({"industries": ["manufacturing"], "employees": 19, "annual_revenue_wan": 5000})["enterprise_size"] == "micro"
    assert f({"industries": ["software_it"], "employees": 50, "annual_revenue_wan": 800})["enterprise_size"] == "small"
    assert f({"industries": ["retail"], "employees": 400, "annual_revenue_wan": 30000})["enterprise_size"] == "large"
    assert f({"industries": ["retail"], "employees": 5})["enterprise_size"] == "micro"  # decided without revenue
    assert "enterprise_size" not in f({"industries": ["retail"], "employees": 60})  # revenue decides
    assert f({"industries": ["catering"], "employees": 12, "annual_revenue_wan": 150})["is_small_micro"] is True


@pytest.mark.parametrize(
    "text, field",
    [
        ("{not json", None),
        ("[1, 2]", None),
        ('{"employees": "many"}', "employees"),
        ('{"employees": true}', "employees"),
        ('{"district": "浦东新区"}', "district"),
        ('{"industries": "software_it"}', "industries"),
        ('{"industries": ["spaceships"]}', "industries"),
        ('{"high_tech_enterprise": "yes"}', "high_tech_enterprise"),
        ('{"shoe_size": 42}', "shoe_size"),
        ('{"enterprise_size": "small"}', "enterprise_size"),
        ('{"name": "' + "长" * 600 + '"}', "name"),
        ('{"annual_revenue_wan": NaN}', "annual_revenue_wan"),
        ("[" * 100000 + "]" * 100000, None),
    ],
)
def test_malformed_profiles_name_the_field(engine, text, field):
    with pytest.raises(ProfileError) as info:
        parse_profile_text(text, engine.questionnaire)
    assert str(info.value)
    if field:
        assert info.value.field == field and field in str(info.value)


def test_huge_profile_file_is_refused(engine, tmp_path):
    from desktop.rules.facts import read_profile_file

    big = tmp_path / "big.json"
    big.write_text('{"name": "' + "x" * (10 * 1024 * 1024) + '"}', encoding="utf-8")
    with pytest.raises(ProfileError, match="过大"):
        read_profile_file(big, engine.questionnaire)


def test_questionnaire_keeps_its_order_in_the_database(engine, resources_engine):
    """Choices, questions and pages come back from policies.db in the order the YAML gives."""
    db_q, yaml_q = engine.questionnaire, resources_engine.questionnaire
    assert [q.fact for q in db_q.questions] == [q.fact for q in yaml_q.questions]
    for fact in ("sme_tier", "listing_stage", "district", "industries"):
        assert list(db_q.by_fact[fact].choices) == list(yaml_q.by_fact[fact].choices)
    assert list(db_q.by_fact["sme_tier"].choices)[0] == "none"
