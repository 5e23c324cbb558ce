"""The hand-out checklist: page 1 a client reads in a minute, ≤ 12 pages, the same counts as JSON.

Every example profile is printed by default (no appendix) and read back with pdftotext.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.cli import main as cli_main
from desktop.corpus.normalize import normalize_for_match
from desktop.report.checklist import render_checklist
from desktop.rules.facts import read_profile_file
from desktop.rules.measures import GROUP_LABEL

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
AS_OF = dt.date(2025, 6, 1)
PRINTED = dt.date(2026, 1, 15)
MAX_PAGES = 12

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

HEADING = re.compile(  # a section heading is "三、需要确认…"; a wrapped clause list "二、(一)(4)；…" is not
    r"^([一二三四五六七八九十]、(?![(（])|附录|问：)"
    r"|^(" + "|".join(GROUP_LABEL.values()) + r")（\d+）$"
    r"|（\d+ 项）$"
)
FOOTER = re.compile(r"本清单依据所列政策文件|^评估日期 \d{4}-\d\d-\d\d|^第 \d+ 页")


def pages_of(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def counts_on(text: str) -> dict[str, int]:
    flat = " ".join(text.split())
    found = {}
    for status, label in (("applies", r"(?<!可能)(?<!不)适用"), ("maybe", "可能适用"), ("related", "相关政策方向"),
                          ("expired", "已失效"), ("not_yet_in_force", "尚未生效"), ("not_applicable", "不适用")):
        match = re.search(label + r"\s*(\d+)", flat)
        if match:
            found[status] = int(match.group(1))
    return found


@pytest.fixture(scope="module")
def printed(policy_data, db_path, tmp_path_factory, capsys_module=None):
    """Each example: (report, CLI JSON, default PDF path)."""
    folder = tmp_path_factory.mktemp("checklists")
    out = {}
    for path in EXAMPLES:
        report = policy_data.match(read_profile_file(path, policy_data.questionnaire), AS_OF)
        pdf = folder / f"{path.stem}.pdf"
        pdf.write_bytes(render_checklist(report, policy_data.questionnaire, printed=PRINTED))
        out[path.stem] = (report, pdf)
    return out


def test_cli_json_counts_equal_page_one_counts(printed, db_path, capsys):
    for name, (_report, pdf) in printed.items():
        code = cli_main(["--db", str(db_path), "match", str(ROOT / "examples" / f"{name}.json"),
                         "--as-of", AS_OF.isoformat(), "--format", "json"])
        counts = json.loads(capsys.readouterr().out)["counts"]
        assert code == 0
        page1 = pages_of(pdf)[0]
        assert counts_on(page1) == counts, name


def test_at_most_twelve_pages_and_page_one_cites_the_main_document(printed):
    for name, (report, pdf) in printed.items():
        pages = pages_of(pdf)
        assert 1 < len(pages) <= MAX_PAGES, f"{name}: {len(pages)} pages"
        page1 = normalize_for_match(pages[0])
        model = report.model
        main = [s.items[0] for s in (model.section("must_do"), model.section("can_apply")) if s.items]
        if name != "empty":
            assert main, name
        # (table cells wrap, and pdftotext interleaves neighbouring cells: compare the first words)
        for item in main:  # the company's main duty and main benefit, each with its document
            assert normalize_for_match(item.measure.source.document)[:14] in page1, (name, item.id)
        for question, _items in model.questions_to_confirm()[:1]:  # the question that settles most
            assert normalize_for_match(question)[:12] in page1, name
        assert normalize_for_match(f"评估日期：{AS_OF.isoformat()}") in page1
        assert normalize_for_match(f"打印日期：{PRINTED.isoformat()}") in page1


def test_no_heading_ends_a_page_and_unstated_fields_collapse(printed):
    for name, (_report, pdf) in printed.items():
        for number, page in enumerate(pages_of(pdf), 1):
            lines = [ln.strip() for ln in page.splitlines() if ln.strip() and not FOOTER.search(ln.strip())]
            assert lines, f"{name}: page {number} is empty"
            assert not HEADING.search(lines[-1]), f"{name}: page {number} ends on a heading: {lines[-1]}"
        text = "".join(pages_of(pdf))
        assert "办理部门：未规定" not in text and "准备与办理：未规定；" not in text, name


def test_appendix_only_on_request_and_metadata_carries_the_print_date(printed, policy_data, tmp_path):
    report, pdf = printed["catering_chain_prepaid"]
    default = "".join(pages_of(pdf))
    assert "附录一、相关政策方向" not in default and "附录本次未打印" in default
    full = tmp_path / "full.pdf"
    full.write_bytes(render_checklist(report, policy_data.questionnaire, full=True, printed=PRINTED))
    text = normalize_for_match("".join(pages_of(full)))
    assert normalize_for_match("附录一、相关政策方向") in text and normalize_for_match("附录二、对所有企业适用的一般规定") in text
    for item in report.model.section("related").items + report.model.section("every_company").items:
        assert normalize_for_match(item.measure.title) in text, item.id
    info = subprocess.run(["pdfinfo", "-isodates", str(full)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"CreationDate:\s+" + PRINTED.isoformat(), info), info
    assert f"打印日期 {PRINTED.isoformat()}" in info and f"评估日期 {AS_OF.isoformat()}" in info


def test_every_page_renders(printed):
    """Two checklists rendered page by page (pdftoppm); none is blank."""
    ARTIFACTS.mkdir(exist_ok=True)
    for name in ("catering_chain_prepaid", "software_sme_haidian"):
        _report, pdf = printed[name]
        prefix = ARTIFACTS / f"checklist-{name}"
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(prefix)], check=True)
        images = sorted(ARTIFACTS.glob(f"checklist-{name}-*.png"))
        assert len(images) == len(pages_of(pdf))
        assert all(p.stat().st_size > 5_000 for p in images)
