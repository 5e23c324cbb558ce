"""The command line: JSON shapes of the spec, clear errors, exit codes."""

import json
import subprocess
import sys

import pytest

from desktop.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_search_json(capsys, db_path):
    code, out, _ = run(capsys, "--db", str(db_path), "search", "劳务派遣", "--limit", "3", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["query"] == "劳务派遣" and 1 <= len(data["hits"]) <= 3
    assert data["hits"][0]["doc_number"] == "京人社发〔2021〕8号"


def test_search_bad_query_is_zero_exit_with_error(capsys, db_path):
    code, out, _ = run(capsys, "--db", str(db_path), "search", "AND", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["hits"] == [] and data["error"]


def test_missing_database_message_no_traceback(capsys, tmp_path):
    code, out, err = run(capsys, "--db", str(tmp_path / "none.db"), "search", "补贴")
    assert code == 2 and "找不到政策数据库" in err and "Traceback" not in err


@pytest.mark.slow
def test_console_script_runs_as_module(db_path):
    proc = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db_path), "search", "算力券", "--format", "json"],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["hits"]


def test_match_json_has_the_spec_fields(capsys, db_path):
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "examples" / "beauty_chain_prepaid.json"
    code, out, _ = run(capsys, "--db", str(db_path), "match", str(example), "--as-of", "2022-07-01", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["as_of"] == "2022-07-01"
    statuses = {r["status"] for r in data["results"]}
    assert statuses <= {"applies", "maybe", "related", "not_applicable", "expired", "not_yet_in_force"}
    assert {"applies", "maybe", "related", "not_applicable"} <= statuses
    assert set(data["counts"]) == {"applies", "maybe", "related", "not_applicable", "expired", "not_yet_in_force"}
    assert sum(data["counts"].values()) == len(data["results"])
    for r in data["results"]:  # a direction is never "you qualify"
        assert not (r["programme_level"] and r["status"] in ("applies", "maybe")), r["id"]
        assert r["status"] != "related" or r["programme_level"], r["id"]
    for r in data["results"]:
        assert {"id", "title", "kind", "status", "reasons", "source"} <= set(r) and r["reasons"]
        assert {"document", "doc_title", "doc_number", "clause", "quote"} <= set(r["source"])
        if r["status"] == "maybe":
            assert r["missing_facts"]
