"""The checklist PDF and the deadline calendar: content, fonts, layout, determinism, safe writes."""

import datetime as dt
import errno
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.atomic import WriteError
from desktop.corpus.normalize import normalize_for_match
from desktop.report.calendar import render_ics, write_ics
from desktop.report.checklist import render_checklist, write_checklist_pdf
from desktop.rules.facts import read_profile_file

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
AS_OF = dt.date(2022, 7, 1)


@pytest.fixture
def poppler():
    # .ci/run installs poppler-utils: without it the PDF is unchecked, which must not pass as a skip.
    assert shutil.which("pdftotext") and shutil.which("pdffonts"), "poppler-utils (pdftotext, pdffonts) is not installed"


needs_poppler = pytest.mark.usefixtures("poppler")


@pytest.fixture(scope="module")
def report(policy_data):
    profile = read_profile_file(ROOT / "examples" / "software_sme_haidian.json", policy_data.questionnaire)
    return policy_data.match(profile, AS_OF)


@pytest.fixture(scope="module")
def pdf(report, policy_data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf") / "checklist.pdf"
    write_checklist_pdf(report, out, policy_data.library, officer="王老师")
    return out


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_every_font_is_embedded(pdf):
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.strip().splitlines()[2:]
    assert rows
    for row in rows:
        assert re.search(r"\s+yes\s+yes\s+yes\s+\d+\s+\d+$", row), row


@needs_poppler
def test_pdf_contains_company_titles_and_doc_numbers(pdf, report):
    text = normalize_for_match(_text(pdf))
    assert normalize_for_match("北京智算软件科技有限公司") in text
    assert normalize_for_match(report.as_of.isoformat()) in text
    listed = [i.result for key in ("must_do", "can_apply", "to_confirm") for i in report.model.section(key).items]
    assert len([r for r in listed if r.status == "applies"]) >= 20
    for r in listed:
        assert normalize_for_match(r.measure.title) in text, r.measure.title
        if r.measure.source.doc_number:
            assert normalize_for_match(r.measure.source.doc_number) in text
    assert normalize_for_match("需要确认：回答问题即可确定") in text
    assert normalize_for_match("原文和主管部门解释为准") in text


@needs_poppler
def test_first_page_renders_to_png(pdf):
    ARTIFACTS.mkdir(exist_ok=True)
    prefix = ARTIFACTS / "checklist-page"
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True)
    png = next(ARTIFACTS.glob("checklist-page*1.png"))
    assert png.stat().st_size > 20_000  # a page of Chinese text, not a blank page


@pytest.mark.slow
def test_same_inputs_give_identical_bytes(report, policy_data):
    q = policy_data.questionnaire
    assert render_checklist(report, q, "王老师") == render_checklist(report, q, "王老师")
    assert render_ics(report) == render_ics(report)


def _words(pdf: Path):
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        words = [tuple(map(float, w[:4])) + (w[4],) for w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page.group(3))]
        pages.append((float(page.group(1)), float(page.group(2)), words))
    return pages


@needs_poppler
def test_large_profile_is_multipage_and_text_stays_in_the_frame(pdf):
    pages = _words(pdf)
    assert len(pages) > 3
    for width, height, words in pages:
        for x0, y0, x1, y1, text in words:
            assert 20 <= x0 and x1 <= width - 20, f"outside the frame horizontally: {text}"
            assert 20 <= y0 and y1 <= height - 10, f"outside the frame vertically: {text}"
        # No two words overlap (clipped or overprinted text would).
        ordered = sorted(words, key=lambda w: (w[1], w[0]))
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 : i + 40]:
                if b[1] >= a[3]:
                    break
                overlap_x = min(a[2], b[2]) - max(a[0], b[0])
                overlap_y = min(a[3], b[3]) - max(a[1], b[1])
                assert not (overlap_x > 1.0 and overlap_y > 1.0), f"overlapping text: {a[4]} / {b[4]}"


@pytest.mark.slow
def test_write_to_unwritable_folder_is_a_clear_error_and_leaves_nothing(report, policy_data, tmp_path, monkeypatch):
    target = tmp_path / "out" / "checklist.pdf"
    target.parent.mkdir()

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(WriteError) as info:
        write_checklist_pdf(report, target, policy_data.library)
    assert "没有权限" in info.value.strerror
    assert list(target.parent.iterdir()) == []


@pytest.mark.slow
def test_full_disk_is_a_clear_error_and_leaves_no_partial_file(report, policy_data, tmp_path, monkeypatch):
    target = tmp_path / "checklist.pdf"
    target.write_bytes(b"old checklist")
    real_fsync = os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteError) as info:
        write_checklist_pdf(report, target, policy_data.library)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert "磁盘空间不足" in info.value.strerror
    assert target.read_bytes() == b"old checklist"  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["checklist.pdf"]  # no temporary left behind


@pytest.mark.slow
def test_write_into_a_missing_folder_is_a_clear_error(report, policy_data, tmp_path):
    with pytest.raises(WriteError) as info:
        write_checklist_pdf(report, tmp_path / "no" / "such" / "x.pdf", policy_data.library)
    assert "不存在" in info.value.strerror


def test_calendar_has_dated_events_only(report, tmp_path):
    out = write_ics(report, tmp_path / "deadlines.ics")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and "END:VCALENDAR" in text
    dated = [r for r in report.results if r.status in ("applies", "maybe") and r.measure.valid_to]
    assert text.count("BEGIN:VEVENT") >= len(dated) > 0
    for r in dated:
        assert f"UID:{r.id}-end@policy-desk" in text.replace("\r\n ", "")


@pytest.mark.slow
def test_cli_pdf_and_ics(tmp_path, db_path, capsys):
    from desktop.cli import main

    pdf = tmp_path / "c.pdf"
    ics = tmp_path / "c.ics"
    code = main(["--db", str(db_path), "match", str(ROOT / "examples" / "software_sme_haidian.json"),
                 "--as-of", "2022-07-01", "--pdf", str(pdf), "--ics", str(ics), "--format", "json"])
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF") and ics.exists()
