"""The curators' checker (python -m desktop.rules.check): a good file passes, each kind of break is
reported. It runs on a small resources folder of its own: the real questionnaire, reference data and
seeds, plus one measure file and its situations written here."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from desktop.rules import check

ROOT = Path(__file__).resolve().parent.parent

# One real clause of 京医保发〔2025〕6号 (seed 003, lines 414-428), quoted verbatim.
MEASURES = textwrap.dedent(
    """\
    document:
      title: 北京市医疗保障局关于调整本市城镇职工基本医疗保险脑深部电极置入系统、神经刺激器及配件报销标准有关问题的通知
      doc_number: 京医保发〔2025〕6号
      source_file: 003_a1e385b6e813c592.txt
      lines: [414, 428]
      issuers: [北京市医疗保障局]
      issued: 2025-04-08
      valid_from: 2025-04-26
      valid_to: null
      validity_note: 本通知自2025年4月26日起执行。
    measures:
      - id: checktest-dbs
        kind: fee_reduction
        programme_level: false
        title: 神经刺激器及配件医保支付范围标准调整
        summary: 单项费用1000元(含)以上的，80%的费用纳入基本医疗保险支付范围。
        benefit: 80%的费用纳入基本医疗保险支付范围
        requirement: null
        amounts: []
        when:
          industries: {has: medical_devices}
        procedure: 未规定
        department: 北京市医疗保障局
        deadline: null
        source:
          clause: 正文
          quote: 单项费用1000元(含)以上的,80%的费用纳入基本医疗保险支付范围
          line: 422
    """
)

SITUATIONS = textwrap.dedent(
    """\
    - name: 医疗器械生产企业
      as_of: 2025-06-01
      profile: {industries: [medical_devices]}
      expect: {checktest-dbs: applies}
    - name: 软件企业
      as_of: 2025-06-01
      profile: {industries: [software_it]}
      expect: {checktest-dbs: not_applicable}
    """
)


@pytest.fixture
def folders(tmp_path):
    resources = tmp_path / "resources"
    (resources / "measures").mkdir(parents=True)
    for shared in ("questionnaire", "reference", "corpus"):
        (resources / shared).symlink_to(ROOT / "resources" / shared, target_is_directory=True)
    situations = tmp_path / "situations"
    situations.mkdir()
    return resources, situations


def run(folders, measures: str = MEASURES, situations: str | None = SITUATIONS) -> tuple[int, list[str]]:
    resources, situations_dir = folders
    path = resources / "measures" / "dbs_check.yaml"
    path.write_text(measures, encoding="utf-8")
    if situations is not None:
        (situations_dir / "dbs_check.yaml").write_text(situations, encoding="utf-8")
    said: list[str] = []
    failures = check.check_files([path], resources, situations_dir, say=said.append)
    return failures, said


def test_a_good_file_passes(folders):
    failures, said = run(folders)
    assert failures == 0 and said == ["dbs_check.yaml: 1 measures, 0 problems"]


def test_the_command_line_takes_the_folders(folders, capsys):
    run(folders)
    resources, situations = folders
    argv = [str(resources / "measures" / "dbs_check.yaml"), "--resources", str(resources), "--situations", str(situations)]
    assert check.main(argv) == 0
    assert "0 problems" in capsys.readouterr().out


def test_a_quote_not_in_the_seed_is_reported(folders):
    failures, said = run(folders, MEASURES.replace("80%的费用纳入", "90%的费用纳入"))
    assert failures == 1
    assert "checktest-dbs: quote not in the document's lines 414-428 (found nowhere in the seed)" in said[0]


def test_a_quote_at_the_wrong_line_is_reported(folders):
    failures, said = run(folders, MEASURES.replace("line: 422", "line: 426"))
    assert failures == 1 and "checktest-dbs: quote does not start at line 426" in said[0]


def test_a_condition_on_an_unknown_fact_is_reported(folders):
    failures, said = run(folders, MEASURES.replace("industries: {has: medical_devices}", "no_such_fact: true"))
    assert failures >= 1 and "no_such_fact" in said[0] and said[0].startswith("ERROR")


def test_a_situation_that_does_not_hold_is_reported(folders):
    failures, said = run(folders, situations=SITUATIONS.replace("checktest-dbs: not_applicable", "checktest-dbs: applies"))
    assert failures == 2  # the mismatch, and now no situation where it does not apply
    assert any("软件企业: checktest-dbs expected applies, got not_applicable" in line for line in said)
    assert any("no situation expects it not to apply" in line for line in said)


def test_a_malformed_situations_file_or_none_is_reported(folders):
    failures, said = run(folders, situations="- name: 缺少日期和期望\n  profile: {}\n")
    assert failures == 1 and "a situation needs name, as_of, profile and expect" in said[0]
    resources, situations = folders
    (situations / "dbs_check.yaml").unlink()
    failures, said = run(folders, situations=None)
    assert failures == 1 and "no situations file" in said[0]
