"""Issue 15's smaller points: damaged characters, absurd numbers, the last representable date,
temporary files of killed saves, and what the error log may hold."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from desktop.atomic import WriteError, write_text_atomic
from desktop.cli import main
from desktop.rules.facts import ProfileError, validate_profile
from test_gui_support import gui_app, make_window, messages  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "software_sme_haidian.json"
AS_OF = dt.date(2026, 11, 1)


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def one_line_error(code: int, err: str, pattern: str) -> None:
    assert code == 2 and err.startswith("错误：") and err.count("\n") == 1 and "Traceback" not in err, err
    assert re.search(pattern, err), err


# --------------------------------------------------------------------------- a lone surrogate


@pytest.mark.parametrize("extra", [[], ["--pdf", "out.pdf"], ["--ics", "out.ics"], ["--what-if"], ["--format", "text"]])
def test_lone_surrogate_in_a_profile_file_is_a_clear_error(extra, tmp_path, db_path, capsys):
    path = tmp_path / "p.json"
    # JSON may spell a lone surrogate as an escape; the file itself is valid UTF-8
    path.write_text(json.dumps(example(), ensure_ascii=False).replace('"北京', '"\\ud800北京', 1), encoding="utf-8")
    args = [a if not a.startswith("out.") else str(tmp_path / a) for a in extra]
    code = main(["--db", str(db_path), "match", str(path), *args])
    out, err = capsys.readouterr()
    one_line_error(code, err, "name.*损坏的字符")
    assert out == "" and sorted(p.name for p in tmp_path.iterdir()) == ["p.json"]


def test_lone_surrogate_typed_in_the_window_is_replaced_and_everything_works(policy_data, tmp_path):
    """The window's answers pass through Consultation.set_answer: the damaged character becomes
    U+FFFD, so matching, the PDF, the .ics, what-if and saving all work."""
    from desktop.report.calendar import write_ics
    from desktop.report.checklist import write_checklist_pdf
    from desktop.rules.whatif import what_if
    from desktop.session.consultation import Consultation
    from desktop.session.profiles_store import ProfileStore

    c = Consultation()
    for fact, value in example().items():
        c.set_answer(fact, value)
    c.set_answer("name", "\ud800北京智算\udfff")
    assert c.answers["name"] == "\ufffd北京智算\ufffd"
    profile = c.effective_profile(policy_data.engine)
    report = policy_data.match(profile, AS_OF)
    write_checklist_pdf(report, tmp_path / "c.pdf", policy_data.library, questionnaire=policy_data.questionnaire,
                        unlocks=what_if(policy_data.engine, profile, AS_OF))
    write_ics(report, tmp_path / "c.ics")
    saved = ProfileStore(tmp_path / "store").save_profile(tmp_path / "p.json", profile, policy_data.questionnaire)
    assert json.loads(saved.read_text(encoding="utf-8"))["name"] == "\ufffd北京智算\ufffd"
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF") and b"BEGIN:VCALENDAR" in (tmp_path / "c.ics").read_bytes()


def test_a_lone_surrogate_that_reaches_a_save_gives_a_clear_message(tmp_path, policy_data):
    from desktop.session.profiles_store import ProfileStore, StoreError

    target = tmp_path / "甲.json"
    target.write_text('{"name": "甲"}', encoding="utf-8")
    with pytest.raises(WriteError, match="损坏的字符"):
        write_text_atomic(target, '{"name": "\ud800"}')
    with pytest.raises(StoreError, match="损坏的字符.*原文件未被改动"):
        ProfileStore(tmp_path / "store").save_profile(target, {"name": "\ud800"}, policy_data.questionnaire)
    assert target.read_text(encoding="utf-8") == '{"name": "甲"}' and [p.name for p in tmp_path.iterdir()] == ["甲.json"]


def test_the_window_saves_a_name_with_a_damaged_character(make_window, tmp_path, messages):
    window = make_window()
    window.consultation.set_answer("name", "\ud800测试公司")
    assert window.save_to(tmp_path / "x.json")
    assert json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["name"] == "\ufffd测试公司"
    window.consultation.answers["name"] = "\udc00直接写入"  # bypassing set_answer: a message, not a crash
    assert not window.save_to(tmp_path / "y.json")
    assert "损坏的字符" in messages.shown[-1][2] and not (tmp_path / "y.json").exists()


# --------------------------------------------------------------------------- absurd numbers


@pytest.mark.parametrize("value", [10**4000, -(10**4000), 10**16, 1e300])
def test_absurd_number_is_refused_by_profile_validation(value, engine):
    with pytest.raises(ProfileError, match="employees.*合理范围"):
        validate_profile({"employees": value}, engine.questionnaire)


def test_absurd_number_in_a_file_is_a_clear_error_and_the_pdf_is_not_attempted(tmp_path, db_path, capsys):
    path = tmp_path / "p.json"
    path.write_text('{"name": "甲", "employees": 1' + "0" * 4000 + "}", encoding="utf-8")
    code = main(["--db", str(db_path), "match", str(path), "--pdf", str(tmp_path / "c.pdf")])
    one_line_error(code, capsys.readouterr()[1], "合理范围")
    assert not (tmp_path / "c.pdf").exists()


def test_large_but_plausible_numbers_still_pass(engine):
    assert validate_profile({"employees": 500_000, "annual_revenue_wan": 9.9e9}, engine.questionnaire)["employees"] == 500_000


# --------------------------------------------------------------------------- 9999-12-31


def test_measure_valid_to_the_last_date_exports_to_ics(policy_data):
    from desktop.report.calendar import render_ics

    report = policy_data.match(example(), AS_OF)
    result = next(r for r in report.results if r.status == "applies")
    last = dataclasses.replace(result, measure=dataclasses.replace(result.measure, valid_to="9999-12-31"))
    ics = render_ics(SimpleNamespace(results=[last], profile={"name": "甲"}, as_of=AS_OF)).decode("utf-8")
    assert "DTSTART;VALUE=DATE:99991231" in ics and "DTEND" not in ics
    normal = dataclasses.replace(result, measure=dataclasses.replace(result.measure, valid_to="2030-06-30"))
    ics = render_ics(SimpleNamespace(results=[normal], profile={}, as_of=AS_OF)).decode("utf-8")
    assert "DTEND;VALUE=DATE:20300701" in ics


# --------------------------------------------------------------------------- stale temporary files


def test_stale_temp_files_of_killed_saves_are_swept(tmp_path):
    from desktop.housekeeping import sweep_stale_temps

    old = time.time() - 3600
    names = {
        "profiles/.甲公司.json.k2j4_x9a.tmp": True,    # ours, stale: removed
        ".history.json.abcdefgh.tmp": True,
        "data/.manifest.json.0123abcd.tmp": True,
        "profiles/.乙公司.json.zzzzzzzz.tmp": False,   # ours but fresh: a save in progress
        "profiles/notes.tmp": False,                  # not our shape
        "profiles/.x.tmp": False,
        "profiles/.乙.json.ABCDEFGH.tmp": False,       # mkstemp never uses capitals
        "profiles/乙.json": False,
        "a/b/c/d/.deep.json.abcdefgh.tmp": False,    # deeper than our folders go
    }
    for name, _ in names.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")
        if "zzzzzzzz" not in name:
            os.utime(path, (old, old))
    removed = sweep_stale_temps(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in removed) == sorted(n for n, gone in names.items() if gone)
    for name, gone in names.items():
        assert (tmp_path / name).exists() != gone, name


def test_the_real_atomic_writer_names_match_the_sweep(tmp_path, monkeypatch):
    """The pattern follows what desktop/atomic.py really leaves behind."""
    import desktop.atomic as atomic
    from desktop.housekeeping import OUR_TEMP

    left: list[str] = []
    real_replace = os.replace

    def killed(src, dst):
        left.append(Path(src).name)
        raise OSError(5, "killed")

    monkeypatch.setattr(atomic.os, "replace", killed)
    monkeypatch.setattr(atomic.os, "unlink", lambda p: None)  # as if the process died
    with pytest.raises(WriteError):
        write_text_atomic(tmp_path / "甲公司.json", "{}")
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert left and OUR_TEMP.fullmatch(left[0]) and (tmp_path / left[0]).exists()


# --------------------------------------------------------------------------- the error log


def test_error_log_holds_the_command_name_but_no_arguments_or_data(tmp_path, db_path, capsys, monkeypatch):
    import desktop.cli as cli

    monkeypatch.setenv("POLICY_DESK_DATA", str(tmp_path / "ud"))
    secret_path = tmp_path / "北京秘密科技有限公司.json"
    secret_path.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")

    def broken(args):  # the message carries company data read at run time
        raise ValueError(Path(args.profile).read_text(encoding="utf-8") + Path(args.profile).stem + args.officer)

    monkeypatch.setattr(cli, "cmd_match", broken)
    code = main(["--db", str(db_path), "match", str(secret_path), "--officer", "王小明"])
    _, err = capsys.readouterr()
    assert code == 1 and "程序内部出现问题" in err
    log = (tmp_path / "ud" / "error.log").read_text(encoding="utf-8")
    assert " match\n" in log and "ValueError" in log and "broken" in log  # what and where
    for secret in ("北京秘密", "王小明", "--officer", str(tmp_path), "北京智算"):
        assert secret not in log, secret


def test_error_log_is_rotated_with_a_size_cap(tmp_path, monkeypatch):
    from desktop import errorlog

    monkeypatch.setenv("POLICY_DESK_DATA", str(tmp_path))
    monkeypatch.setattr(errorlog, "MAX_LOG_BYTES", 5_000)

    secret = "".join(["秘", "密"])

    def fail(depth: int):
        if depth:
            fail(depth - 1)
        raise KeyError(secret)

    for _ in range(60):
        try:
            fail(3)
        except KeyError as exc:
            errorlog.record_error(exc, "gui")
    log, old = tmp_path / "error.log", tmp_path / "error.log.1"
    assert old.exists() and log.stat().st_size <= 5_000 + 2_000 and old.stat().st_size <= 5_000 + 2_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["error.log", "error.log.1"]
    assert "秘密" not in log.read_text(encoding="utf-8") + old.read_text(encoding="utf-8")


def test_error_log_keeps_a_deep_recursion_short(tmp_path, monkeypatch):
    from desktop import errorlog

    monkeypatch.setenv("POLICY_DESK_DATA", str(tmp_path))

    def deep(n):
        return deep(n + 1)

    try:
        deep(0)
    except RecursionError as exc:
        errorlog.record_error(exc, "match")
    text = (tmp_path / "error.log").read_text(encoding="utf-8")
    assert "RecursionError" in text and len(text) < errorlog.MAX_ENTRY_CHARS + 500


def test_the_window_exception_hook_logs_no_message(tmp_path, monkeypatch, gui_app, messages):
    import sys

    from desktop.gui.app import install_excepthook

    monkeypatch.setenv("POLICY_DESK_DATA", str(tmp_path))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook()
    company = "".join(["北京", "秘密科技"])
    try:
        raise RuntimeError(f"while saving {company}")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    log = (tmp_path / "error.log").read_text(encoding="utf-8")
    assert " gui\n" in log and "RuntimeError" in log and company not in log
    assert messages.shown and messages.shown[-1][0] == "critical"
