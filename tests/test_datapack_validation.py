"""Validation before install: a signed pack must still prove that this program can use it.

Each pack here is signed with the test key (as the key holder could sign a mistake), so what
refuses it is a check behind the signature; every refusal leaves the data in use unchanged.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from desktop import datapack_format
from desktop.cli import main
from desktop.datapack import PackError, format_changelog, import_pack, verify_pack
from desktop.datapack_trust import active_db_path
from test_datapack import data_dir, folder_state, make_db, packs, rezip, sha  # noqa: F401


def signed_variant(packs, tmp_path: Path, name: str, edit=None, db_bytes: bytes | None = None,
                   version: str = "2099.1.3") -> Path:
    """The v2 database with ``edit`` applied (or raw ``db_bytes``), under a correct, signed manifest."""
    if db_bytes is None:
        db = make_db(packs["db2"], tmp_path / f"{name}.db", version, edit=edit)
        db_bytes = db.read_bytes()
    raw = json.loads(zipfile.ZipFile(packs["p2"]).read("manifest.json"))
    raw["data_version"] = version
    raw["database"] = {"file": "policies.db", "size": len(db_bytes),
                       "sha256": __import__("hashlib").sha256(db_bytes).hexdigest()}
    return rezip(packs["p2"], tmp_path / f"{name}.pdpack", manifest=raw, db_bytes=db_bytes)


@pytest.fixture
def installed_v1(packs, data_dir):
    import_pack(packs["p1"])
    return folder_state(data_dir / "data")


def assert_refused(pack: Path, pattern: str, data_dir: Path, before: dict) -> str:
    with pytest.raises(PackError, match=pattern) as info:
        import_pack(pack)
    message = str(info.value)
    assert "未做任何更改" in message and "\n" not in message
    assert folder_state(data_dir / "data") == before  # data in use unchanged, no temporary file left
    assert active_db_path() == data_dir / "data" / "policies.db"
    return message


# --------------------------------------------------------------------------- poisoned but well-formed


def _first_measure(c) -> tuple[str, dict]:
    mid, record = c.execute("SELECT id, record FROM measures ORDER BY ordinal LIMIT 1").fetchone()
    return mid, json.loads(record)


def numeric_valid_to(c):
    mid, rec = _first_measure(c)
    rec["valid_to"] = 20301231
    c.execute("UPDATE measures SET record = ? WHERE id = ?", (json.dumps(rec), mid))


def malformed_issuers(c):
    c.execute("UPDATE documents SET issuers = '5' WHERE ordinal = (SELECT MAX(ordinal) FROM documents)")


def issuers_not_json(c):
    c.execute("UPDATE documents SET issuers = '[\"北京市' WHERE ordinal = (SELECT MIN(ordinal) FROM documents)")


def quote_not_text(c):
    mid, rec = _first_measure(c)
    rec["source"]["quote"] = {"x": 1}
    c.execute("UPDATE measures SET record = ? WHERE id = ?", (json.dumps(rec), mid))


@pytest.mark.parametrize("edit, pattern", [
    (numeric_valid_to, "政策措施 .+ 无法被本程序显示或评估"),
    (malformed_issuers, "文件 .+ 无法被本程序显示或评估"),
    (issuers_not_json, "文件列表 .*无法被本程序显示或评估"),
    (quote_not_text, "政策措施 .+ 无法被本程序显示或评估"),
], ids=["numeric valid_to", "issuers not a list", "issuers not JSON", "quote not text"])
def test_poisoned_but_valid_pack_is_refused_before_the_swap(edit, pattern, packs, data_dir, installed_v1, tmp_path):
    pack = signed_variant(packs, tmp_path, edit.__name__, edit)
    assert_refused(pack, pattern, data_dir, installed_v1)
    with pytest.raises(PackError, match=pattern):  # the window's check before its question
        verify_pack(pack)


def test_poisoned_measure_is_named_in_the_refusal(packs, data_dir, installed_v1, tmp_path):
    conn = sqlite3.connect(packs["db2"])
    first = conn.execute("SELECT id FROM measures ORDER BY ordinal LIMIT 1").fetchone()[0]
    conn.close()
    message = assert_refused(signed_variant(packs, tmp_path, "named", numeric_valid_to), "政策措施", data_dir, installed_v1)
    assert first in message


def test_the_unpoisoned_variant_imports(packs, data_dir, installed_v1, tmp_path):
    """The variants above differ from a good pack by their one poison only."""
    pack = signed_variant(packs, tmp_path, "clean", lambda c: None)
    assert import_pack(pack).data_version == "2099.1.3"


# --------------------------------------------------------------------------- crafted paths


@pytest.mark.parametrize("value", ["/tmp/victim-v2", "../../victim", "..", "C:\\Users\\x", "0" * 63,
                                   "F" * 64, "0" * 64 + "/x"])
def test_crafted_sources_hash_is_refused(value, packs, data_dir, installed_v1, tmp_path, monkeypatch):
    """meta.sources_hash names the search-index folder: only a hex digest gets that far."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("POLICY_DESK_CACHE", str(cache))
    pack = signed_variant(packs, tmp_path, "path",
                          lambda c: c.execute("UPDATE meta SET value = ? WHERE key = 'sources_hash'", (value,)))
    assert_refused(pack, "sources_hash", data_dir, installed_v1)
    assert not cache.exists()  # no index folder was built or removed anywhere


def test_zip_entry_with_a_path_is_refused_and_writes_nothing(packs, data_dir, installed_v1, tmp_path):
    pack = tmp_path / "slip.pdpack"
    with zipfile.ZipFile(packs["p2"]) as zin, zipfile.ZipFile(pack, "w") as zout:
        for name in ("manifest.json", "policies.db"):
            zout.writestr(name, zin.read(name))
        zout.writestr("../../escaped.txt", zin.read("signature.json"))
    message = assert_refused(pack, "不属于数据包的文件", data_dir, installed_v1)
    assert "../../escaped.txt" in message
    assert not list(tmp_path.parent.rglob("escaped.txt"))


# --------------------------------------------------------------------------- damaged database


def test_zeroed_page_fails_quick_check(packs, data_dir, installed_v1, tmp_path):
    data = bytearray(make_db(packs["db2"], tmp_path / "zeroed.db", "2099.1.3").read_bytes())
    page = len(data) // 4096 // 2 * 4096  # a page in the middle (the first holds the schema)
    data[page:page + 4096] = bytes(4096)
    assert_refused(signed_variant(packs, tmp_path, "zeroed", db_bytes=bytes(data)), "完整性检查未通过",
                   data_dir, installed_v1)


# --------------------------------------------------------------------------- bounds before extraction


def test_too_many_or_duplicate_entries_are_refused(packs, data_dir, installed_v1, tmp_path):
    many = tmp_path / "many.pdpack"
    dup = tmp_path / "dup.pdpack"
    with zipfile.ZipFile(packs["p2"]) as zin:
        with zipfile.ZipFile(many, "w") as zout:
            for name in zin.namelist():
                zout.writestr(name, zin.read(name))
            for i in range(20):
                zout.writestr(f"extra{i}", b"")
        with zipfile.ZipFile(dup, "w") as zout:
            for name in zin.namelist():
                zout.writestr(name, zin.read(name))
            with pytest.warns(UserWarning):
                zout.writestr("manifest.json", b"{}")
    assert_refused(many, "最多 3 个", data_dir, installed_v1)
    assert_refused(dup, "同名文件重复", data_dir, installed_v1)


def test_zip_bomb_is_refused_before_extraction(packs, data_dir, installed_v1, tmp_path, monkeypatch):
    """A database entry that expands beyond the limit is refused from its declared size; nothing
    is decompressed (the limit is lowered here so the test stays small)."""
    monkeypatch.setattr(datapack_format, "MAX_DB_BYTES", 12_000_000)
    bomb = tmp_path / "bomb.pdpack"
    with zipfile.ZipFile(packs["p2"]) as zin, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout:
        zout.writestr("manifest.json", zin.read("manifest.json"))
        zout.writestr("signature.json", zin.read("signature.json"))
        zout.writestr("policies.db", bytes(40_000_000))
    assert bomb.stat().st_size < 200_000
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(str(getattr(name, "filename", name))) or real_open(self, name, *a, **k))
    assert_refused(bomb, "过大", data_dir, installed_v1)
    assert "policies.db" not in opened


# --------------------------------------------------------------------------- changelog as plain text


HOSTILE_CHANGELOG = {
    "since": "\x1b]0;owned\x07",
    "added": [{"id": "x\x1b[2Jy", "title": "标题\u202e反向\u200b" + "长" * 500}],
    "changed": [{"id": "c", "title": "t", "fields": ["a\x00b", 5]}],
    "removed": "not a list",
    "expired": [None, {"id": "e", "title": "\r\n伪造的一行", "valid_to": "\x9b31m2030"}],
}


def test_changelog_text_is_cleaned():
    text = format_changelog(HOSTILE_CHANGELOG)
    assert not any(ord(ch) < 32 and ch != "\n" or 0x7F <= ord(ch) < 0xA0 for ch in text)
    assert "\u202e" not in text and "\u200b" not in text and "\x1b" not in text
    assert "  - xy 标题反向" in text and "删除：0 条" in text and "伪造的一行" in text
    assert "owned" not in text and "[2J" not in text and "（有效期至 2030）" in text
    assert max(len(line) for line in text.splitlines()) < 300
    lines = text.splitlines()
    assert all(line.startswith(("相对于", "（无上一版", "新增", "修改", "删除", "已到期", "  - ", "  …")) for line in lines)


def test_cli_prints_a_hostile_changelog_cleanly(packs, data_dir, tmp_path, capsys):
    raw = json.loads(zipfile.ZipFile(packs["p2"]).read("manifest.json"))
    pack = rezip(packs["p2"], tmp_path / "log.pdpack", manifest={**raw, "changelog": HOSTILE_CHANGELOG})
    assert main(["import-pack", str(pack)]) == 0
    out = capsys.readouterr()[0]
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "伪造的一行" in out


def test_probe_profiles_answer_most_questions(engine):
    from desktop.datapack_checks import probe_profiles

    empty, yes, no = probe_profiles(engine.questionnaire)
    total = len(engine.questionnaire.questions)
    assert empty == {} and len(yes) > 0.9 * total and len(no) > 0.9 * total
    statuses = {r.status for p in (yes, no) for r in engine.evaluate(p, __import__("datetime").date(2024, 1, 1))}
    assert {"applies", "not_applicable"} <= statuses  # the probe reaches both sides of the conditions
