"""Issue 11, second reading: kinds the second reader corrected against the seed (docs/reviews/money-second-reading.md).

Status changes are tested by situations (resources/situations/*.yaml); a kind change moves a measure between the
checklist's groups, which a situation cannot express, so it is pinned here with the clause that decides it.
"""

from pathlib import Path

import pytest

from desktop.rules.store import load_sources

ROOT = Path(__file__).resolve().parent.parent

# measure id -> (kind after the second reading, the group it must not be shown in, why)
KIND_CORRECTIONS = {
    # 《北京市培育和激发市场主体活力持续优化营商环境实施方案》二、(一)4.(10)一是："持续扩大涉税资料由事前报送改为
    # 留存备查的范围" is the tax authorities' reform (fewer documents to submit), not a duty the text puts on companies.
    "bizenv-tax-docs-retained": ("service", "duty"),
    # 《北京市贯彻〈小微型客车租赁经营服务管理办法〉的实施意见》三、(七)："机动车使用性质登记为租赁的小微型客车不得擅自用于
    # 道路运输经营" binds every rental operator; the licence is needed only by one that "利用租赁小微型客车从事道路运输经营",
    # so the item is the operator's duty (a prohibition), not a licence every rental company must obtain.
    "carrental-no-road-transport": ("obligation", "procedure"),
}


@pytest.fixture(scope="module")
def engine():
    return load_sources(ROOT / "resources")[0]


@pytest.mark.parametrize("measure_id, expected", sorted(KIND_CORRECTIONS.items()))
def test_corrected_kind(engine, measure_id, expected):
    kind, not_in_group = expected
    measure = engine.by_id[measure_id]
    assert measure.kind == kind
    assert measure.group != not_in_group
