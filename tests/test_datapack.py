"""Data packs: manifest, changelog, checksum, version order, atomic install, and which data is active.

Packs here are made from copies of the committed policies.db with their version (and a few
measures) edited in sqlite, so the tests need no rebuild; the full round trip from resources/ is
in test_robustness.py.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest

from desktop import datapack, paths
from desktop.cli import main
from desktop.datapack import PackError, import_pack, read_manifest, verify_pack, write_pack
from desktop.datapack_trust import active_db_path
from desktop.library.schema import read_data_version
from desktop.paths import parse_data_version
from packkeys import TEST_SIGN_KEY, trust_test_key

ROOT_DIR = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- helpers


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(src: Path, out: Path, version: str, build_date: str = "2030-01-01T00:00:00+00:00", edit=None) -> Path:
    """A copy of ``src`` with another data version (and optional edits of its measures)."""
    shutil.copy(src, out)
    conn = sqlite3.connect(out)
    with conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'data_version'", (version,))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'build_date'", (build_date,))
        if edit:
            edit(conn)
    conn.close()
    return out


def meta_only_db(path: Path, version: str) -> Path:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('data_version', ?)", (version,))
    conn.close()
    return path


def folder_state(folder: Path) -> dict[str, str]:
    return {p.name: sha(p) for p in sorted(folder.iterdir()) if p.is_file()} if folder.exists() else {}


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh user-data folder; the installed pack goes to data_dir/data/policies.db."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv("POLICY_DESK_DATA", str(folder))
    monkeypatch.delenv("POLICY_DESK_DB", raising=False)
    trust_test_key(folder)
    return folder


def sign_installed(db: Path, version: str) -> Path:
    """Write the signed record (manifest + signature) that makes an installed database trusted."""
    from desktop.datapack_signing import load_private_key, sign_manifest

    m = datapack.Manifest(data_version=version, build_date="", sources_hash="0" * 64,
                          sha256=sha(db), size=db.stat().st_size)
    raw = json.dumps(m.to_json()).encode()
    db.with_name("manifest.json").write_bytes(raw)
    db.with_name("signature.json").write_bytes(sign_manifest(raw, load_private_key(TEST_SIGN_KEY)))
    return db


@pytest.fixture(scope="module")
def packs(db_path, tmp_path_factory):
    """v1 and v2 packs (v2: one measure retitled, one removed, one added, one newly expired)."""
    folder = tmp_path_factory.mktemp("packs")
    conn = sqlite3.connect(f"file:{db_path.as_posix()}?mode=ro", uri=True)
    ids = [r[0] for r in conn.execute("SELECT id FROM measures WHERE valid_to IS NULL ORDER BY ordinal LIMIT 3")]
    conn.close()
    changed_id, removed_id, expiring_id = ids

    def edit_v2(c):
        rec = json.loads(c.execute("SELECT record FROM measures WHERE id = ?", (changed_id,)).fetchone()[0])
        rec["title"] = rec["title"] + "（修订）"
        c.execute("UPDATE measures SET title = ?, record = ? WHERE id = ?",
                  (rec["title"], json.dumps(rec, ensure_ascii=False, sort_keys=True), changed_id))
        c.execute("DELETE FROM measures WHERE id = ?", (removed_id,))
        row = list(c.execute("SELECT * FROM measures WHERE id = ?", (expiring_id,)).fetchone())
        row[0] = "test-new-measure"
        c.execute(f"INSERT INTO measures VALUES ({','.join('?' * len(row))})", row)
        rec = json.loads(c.execute("SELECT record FROM measures WHERE id = ?", (expiring_id,)).fetchone()[0])
        rec["valid_to"] = "2030-06-30"
        c.execute("UPDATE measures SET valid_to = ?, record = ? WHERE id = ?",
                  ("2030-06-30", json.dumps(rec, ensure_ascii=False, sort_keys=True), expiring_id))

    db1 = make_db(db_path, folder / "v1.db", "2099.1.1", "2030-01-01T00:00:00+00:00")
    db2 = make_db(db_path, folder / "v2.db", "2099.1.2", "2031-01-01T00:00:00+00:00", edit_v2)
    p1 = folder / "v1.pdpack"
    p2 = folder / "v2.pdpack"
    m1 = write_pack(db1, p1, sign_key=TEST_SIGN_KEY)
    m2 = write_pack(db2, p2, previous=p1, sign_key=TEST_SIGN_KEY)
    return {"db1": db1, "db2": db2, "p1": p1, "p2": p2, "m1": m1, "m2": m2, "folder": folder,
            "changed": changed_id, "removed": removed_id, "expiring": expiring_id}


def rezip(src: Path, out: Path, manifest=None, db_bytes: bytes | None = None, drop: str | None = None,
          resign: bool = True) -> Path:
    """A well-formed zip with the given replacements (so only our own checks can refuse it).

    With ``resign`` the (new) manifest is signed again with the test key, as the holder of the key
    could: what refuses such a pack is then a check behind the signature.
    """
    from desktop.datapack_signing import load_private_key, sign_manifest

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        new_manifest = zin.read("manifest.json")
        if manifest is not None:
            new_manifest = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
        for name in zin.namelist():
            if name == drop:
                continue
            data = zin.read(name)
            if name == "manifest.json":
                data = new_manifest
            if name == "signature.json" and resign:
                data = sign_manifest(new_manifest, load_private_key(TEST_SIGN_KEY))
            if name == "policies.db" and db_bytes is not None:
                data = db_bytes
            zout.writestr(name, data)
    return out


# --------------------------------------------------------------------------- versions


@pytest.mark.parametrize("text, expected", [("2026.11.1", (2026, 11, 1)), ("2026.11.10", (2026, 11, 10)),
                                            (" 2027.1 ", (2027, 1)), ("7", (7,))])
def test_data_version_parses_to_ints(text, expected):
    assert parse_data_version(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "2026..1", "2026.11.1-beta", "2026.11.x", None, 2026, "１.２", "1." * 20])
def test_bad_data_version_is_refused(text):
    with pytest.raises(ValueError):
        parse_data_version(text)


def test_versions_compare_as_numbers():
    assert parse_data_version("2026.11.10") > parse_data_version("2026.11.9")
    assert parse_data_version("2027.1.1") > parse_data_version("2026.12.31")
    assert parse_data_version("2026.11.1.1") > parse_data_version("2026.11.1")


# --------------------------------------------------------------------------- which data is active


def test_active_db_prefers_the_newer_of_installed_and_bundled(tmp_path, data_dir, monkeypatch):
    bundled = meta_only_db(tmp_path / "bundled.db", "2026.11.5")
    monkeypatch.setattr(paths, "bundled_db_path", lambda: bundled)
    installed = paths.installed_db_path()
    assert active_db_path() == bundled  # nothing installed
    installed.parent.mkdir(parents=True)
    sign_installed(meta_only_db(installed, "2026.11.10"), "2026.11.10")
    assert active_db_path() == installed  # 10 > 5 as numbers, not as text
    installed.unlink()
    sign_installed(meta_only_db(installed, "2026.11.4"), "2026.11.4")
    assert active_db_path() == bundled  # an app upgrade with newer data is not shadowed
    installed.unlink()
    sign_installed(meta_only_db(installed, "2026.11.5"), "2026.11.5")
    assert active_db_path() == bundled  # equal: the bundled one
    installed.write_bytes(b"not a database at all" * 50)
    assert active_db_path() == bundled  # an unreadable pack is ignored
    monkeypatch.setenv("POLICY_DESK_DB", str(tmp_path / "x.db"))
    assert active_db_path() == tmp_path / "x.db"


def test_active_db_uses_installed_when_bundled_is_unreadable(tmp_path, data_dir, monkeypatch):
    monkeypatch.setattr(paths, "bundled_db_path", lambda: tmp_path / "missing.db")
    installed = paths.installed_db_path()
    installed.parent.mkdir(parents=True)
    sign_installed(meta_only_db(installed, "2026.1.1"), "2026.1.1")
    assert active_db_path() == installed


# --------------------------------------------------------------------------- building


def test_manifest_records_version_date_hashes_and_checksum(packs):
    m = read_manifest(packs["p1"])
    meta = dict(sqlite3.connect(packs["db1"]).execute("SELECT key, value FROM meta"))
    assert m.data_version == "2099.1.1" and m.build_date == "2030-01-01T00:00:00+00:00"
    assert m.sources_hash == meta["sources_hash"] and len(m.sources_hash) == 64
    assert m.sha256 == sha(packs["db1"]) and m.size == packs["db1"].stat().st_size
    assert m.counts["measures"] == int(meta["measures"])
    with zipfile.ZipFile(packs["p1"]) as zf:
        raw = json.loads(zf.read("manifest.json"))
    assert raw["format"] == "policy-desk-datapack" and raw["database"]["sha256"] == m.sha256
    assert raw["changelog"]["since"] is None and len(raw["changelog"]["added"]) == m.counts["measures"]


def test_changelog_lists_added_changed_removed_and_newly_expired(packs):
    log = read_manifest(packs["p2"]).changelog
    assert log["since"] == "2099.1.1"
    assert [c["id"] for c in log["changed"]] == sorted([packs["changed"], packs["expiring"]])
    changed = next(c for c in log["changed"] if c["id"] == packs["changed"])
    assert changed["fields"] == ["title"] and changed["title"].endswith("（修订）")
    assert [a["id"] for a in log["added"]] == ["test-new-measure"]
    assert [r["id"] for r in log["removed"]] == [packs["removed"]]
    # valid_to 2030-06-30 passed between the v1 build (2030-01-01) and the v2 build (2031-01-01);
    # measures that had already expired at v1 are not listed again.
    assert [e["id"] for e in log["expired"]] == [packs["expiring"]]


def test_pack_not_newer_than_previous_is_not_built(packs, tmp_path):
    with pytest.raises(PackError, match="不高于上一版"):
        write_pack(packs["db1"], tmp_path / "again.pdpack", previous=packs["p2"], sign_key=TEST_SIGN_KEY)
    assert not list(tmp_path.iterdir())


def test_previous_may_be_a_plain_database(packs, tmp_path):
    m = write_pack(packs["db2"], tmp_path / "v2.pdpack", previous=packs["db1"], sign_key=TEST_SIGN_KEY)
    assert m.changelog["since"] == "2099.1.1" and len(m.changelog["changed"]) == 2


def test_pack_file_is_written_atomically_on_full_disk(packs, tmp_path, monkeypatch):
    out = tmp_path / "v1.pdpack"
    out.write_bytes(b"old pack")

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(PackError, match="磁盘空间不足"):
        write_pack(packs["db1"], out, sign_key=TEST_SIGN_KEY)
    assert out.read_bytes() == b"old pack" and [p.name for p in tmp_path.iterdir()] == ["v1.pdpack"]


# --------------------------------------------------------------------------- importing


def test_import_installs_and_becomes_active(packs, data_dir):
    result = import_pack(packs["p1"])
    installed = data_dir / "data" / "policies.db"
    assert result.db_path == installed and result.data_version == "2099.1.1"
    assert sha(installed) == packs["m1"].sha256
    assert active_db_path() == installed
    assert json.loads((data_dir / "data" / "manifest.json").read_text("utf-8"))["data_version"] == "2099.1.1"
    assert datapack.installed_manifest()["database"]["sha256"] == packs["m1"].sha256
    result = import_pack(packs["p2"])
    assert result.previous_version == "2099.1.1" and "2099.1.2" in result.summary()
    assert sha(installed) == packs["m2"].sha256
    assert sorted(p.name for p in installed.parent.iterdir()) == ["manifest.json", "policies.db", "signature.json"]


@pytest.mark.parametrize("which, word", [("p1", "比当前数据旧"), ("p2", "与当前数据版本相同")])
def test_older_or_same_version_is_refused(packs, data_dir, which, word):
    import_pack(packs["p2"])
    before = folder_state(data_dir / "data")
    with pytest.raises(PackError, match=word):
        import_pack(packs[which])
    assert folder_state(data_dir / "data") == before


def test_pack_older_than_the_bundled_data_is_refused(tmp_path, data_dir, db_path):
    old = make_db(db_path, tmp_path / "old.db", "2000.1.1")
    pack = tmp_path / "old.pdpack"
    write_pack(old, pack, sign_key=TEST_SIGN_KEY)
    with pytest.raises(PackError, match="比当前数据旧"):
        import_pack(pack)
    assert not (data_dir / "data" / "policies.db").exists()


def _bad_packs(packs, tmp_path):
    """Damaged variants of the v2 pack (newer than the installed v1, so only damage can refuse them)."""
    p1 = packs["p2"]
    raw = json.loads(zipfile.ZipFile(p1).read("manifest.json"))
    db_bytes = packs["db2"].read_bytes()
    tampered = bytearray(db_bytes)
    tampered[len(tampered) // 2] ^= 0x01
    garbage = b"SQLite format 3\x00" + b"\x00" * 4096
    text = tmp_path / "notes.pdpack"
    text.write_text("这不是数据包", encoding="utf-8")
    empty = tmp_path / "empty.pdpack"
    empty.write_bytes(b"")
    half = tmp_path / "half.pdpack"
    half.write_bytes(p1.read_bytes()[: p1.stat().st_size // 2])
    return {
        "text file": (text, "不是数据包文件"),
        "empty file": (empty, "不是数据包文件"),
        "truncated download": (half, "不是数据包文件|损坏"),
        "missing file": (tmp_path / "nowhere.pdpack", "找不到数据包"),
        "no manifest": (rezip(p1, tmp_path / "nomani.pdpack", drop="manifest.json"), "不完整"),
        "no database": (rezip(p1, tmp_path / "nodb.pdpack", drop="policies.db"), "不完整"),
        "manifest not json": (rezip(p1, tmp_path / "mj.pdpack", manifest=b"{not json"), "损坏"),
        "foreign manifest": (rezip(p1, tmp_path / "fm.pdpack", manifest={"hello": 1}), "不是惠企政策通的数据包"),
        "future format": (rezip(p1, tmp_path / "ff.pdpack", manifest={**raw, "format_version": 99}), "更新版本的惠企政策通"),
        "bad version": (rezip(p1, tmp_path / "bv.pdpack", manifest={**raw, "data_version": "next"}), "版本号无效"),
        "bad checksum field": (rezip(p1, tmp_path / "bc.pdpack", manifest={**raw, "database": {**raw["database"], "sha256": "x"}}), "清单"),
        "tampered database": (rezip(p1, tmp_path / "td.pdpack", db_bytes=bytes(tampered)), "SHA-256 校验和"),
        "wrong size": (rezip(p1, tmp_path / "ws.pdpack", db_bytes=db_bytes + b"\x00"), "大小与清单不符"),
        "huge declared size": (rezip(p1, tmp_path / "hs.pdpack", manifest={**raw, "database": {**raw["database"], "size": 10**12}}), "清单"),
        "not a database": (rezip(p1, tmp_path / "nd.pdpack", db_bytes=garbage,
                                 manifest={**raw, "database": {"file": "policies.db", "size": len(garbage),
                                                               "sha256": hashlib.sha256(garbage).hexdigest()}}), "无法打开"),
    }


@pytest.mark.slow
def test_bad_packs_are_refused_and_nothing_changes(packs, data_dir, tmp_path):
    import_pack(packs["p1"])
    before = folder_state(data_dir / "data")
    for name, (pack, message) in _bad_packs(packs, tmp_path).items():
        with pytest.raises(PackError) as info:
            import_pack(pack)
        assert __import__("re").search(message, str(info.value)), (name, str(info.value))
        assert "Traceback" not in str(info.value) and "\n" not in str(info.value)
        assert folder_state(data_dir / "data") == before, name  # old data intact, no temp file left


def test_version_mismatch_between_manifest_and_database_is_refused(packs, data_dir, tmp_path):
    raw = json.loads(zipfile.ZipFile(packs["p1"]).read("manifest.json"))
    pack = rezip(packs["p1"], tmp_path / "mm.pdpack", manifest={**raw, "data_version": "2099.9.9"})
    with pytest.raises(PackError, match="版本与清单不符"):
        import_pack(pack)
    assert not (data_dir / "data" / "policies.db").exists()


def test_failure_while_replacing_keeps_the_old_data(packs, data_dir, monkeypatch):
    import_pack(packs["p1"])
    before = folder_state(data_dir / "data")

    def locked(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(PackError, match="原数据未被改动"):
        import_pack(packs["p2"])
    assert folder_state(data_dir / "data") == before


def test_full_disk_while_extracting_keeps_the_old_data(packs, data_dir, monkeypatch):
    import_pack(packs["p1"])
    before = folder_state(data_dir / "data")

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(PackError, match="磁盘空间不足"):
        import_pack(packs["p2"])
    assert folder_state(data_dir / "data") == before


def test_an_import_killed_midway_leaves_only_a_temporary_file_the_start_sweeps(packs, data_dir):
    """The import writes through desktop/atomic.py: a kill leaves ``.policies.db.XXXXXXXX.tmp``
    beside the untouched data, which the next start removes once it is stale."""
    import subprocess
    import sys
    import textwrap

    from desktop.housekeeping import sweep_stale_temps

    import_pack(packs["p1"])
    before = folder_state(data_dir / "data")
    script = textwrap.dedent("""
        import os, sys
        import desktop.datapack_install as install
        def die(*a, **k):
            os._exit(9)  # killed after the extraction, before the rename
        install._check_database = die
        install.import_pack(sys.argv[1])
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT_DIR), "POLICY_DESK_DATA": str(data_dir)}
    proc = subprocess.run([sys.executable, "-c", script, str(packs["p2"])], env=env, cwd=ROOT_DIR, timeout=120)
    assert proc.returncode == 9
    leftovers = sorted(set(folder_state(data_dir / "data")) - set(before))
    assert len(leftovers) == 1 and leftovers[0].startswith(".policies.db.") and leftovers[0].endswith(".tmp")
    assert {k: v for k, v in folder_state(data_dir / "data").items() if k in before} == before
    assert active_db_path() == data_dir / "data" / "policies.db"  # v1, still trusted
    assert sweep_stale_temps(older_than=3600) == []  # fresh: may be an import in progress
    assert [p.name for p in sweep_stale_temps(older_than=0)] == leftovers
    assert folder_state(data_dir / "data") == before


def test_verify_pack_checks_without_installing(packs, data_dir):
    assert verify_pack(packs["p2"]).data_version == "2099.1.2"
    assert not (data_dir / "data").exists()


# --------------------------------------------------------------------------- command line


def test_cli_import_pack_and_refusal(packs, data_dir, capsys):
    assert main(["import-pack", str(packs["p2"])]) == 0
    out, _ = capsys.readouterr()
    assert "2099.1.2" in out and "修改：2 条" in out
    assert main(["import-pack", str(packs["p1"])]) == 2
    _, err = capsys.readouterr()
    assert err.startswith("错误：") and "比当前数据旧" in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.slow
def test_cli_build_pack_from_a_resources_copy(root, tmp_path, data_dir, capsys):
    src = tmp_path / "src"
    shutil.copytree(root / "resources", src / "resources")
    (src / "resources" / "DATA_VERSION").write_text("2099.5.1\n", encoding="utf-8")
    out = tmp_path / "dist" / "data.pdpack"
    assert main(["build", "--root", str(src), "--pack", str(out)]) == 2  # no signing key: refused at once
    assert "--sign-key" in capsys.readouterr()[1] and not out.exists()
    assert main(["build", "--root", str(src), "--pack", str(out), "--sign-key", str(TEST_SIGN_KEY)]) == 0
    printed, _ = capsys.readouterr()
    assert "2099.5.1" in printed and out.exists() and not (src / "policies.db").exists()
    assert oct(out.stat().st_mode & 0o777) == oct(0o644)
    m = verify_pack(out)
    assert m.data_version == "2099.5.1" and m.counts["documents"] == 57
    assert main(["build", "--previous", str(out)]) == 2  # --previous without --pack


def test_version_is_read_from_a_folder_with_uri_characters(tmp_path, monkeypatch):
    folder = tmp_path / "R&D #2 50%?x"
    folder.mkdir()
    monkeypatch.setenv("POLICY_DESK_DATA", str(folder))
    monkeypatch.delenv("POLICY_DESK_DB", raising=False)
    monkeypatch.setattr(paths, "bundled_db_path", lambda: meta_only_db(tmp_path / "b.db", "2026.1.1"))
    installed = paths.installed_db_path()
    installed.parent.mkdir(parents=True)
    trust_test_key(folder)
    sign_installed(meta_only_db(installed, "2026.2.1"), "2026.2.1")
    assert read_data_version(installed) == "2026.2.1" and active_db_path() == installed


def test_import_into_a_user_folder_with_uri_characters(packs, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_DESK_DATA", str(tmp_path / "R&D #2 50%"))
    monkeypatch.delenv("POLICY_DESK_DB", raising=False)
    trust_test_key(tmp_path / "R&D #2 50%")
    assert import_pack(packs["p1"]).data_version == "2099.1.1"


# --------------------------------------------------------------------------- signatures and trust


def _measure_count(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db.as_posix()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM measures").fetchone()[0]
    finally:
        conn.close()


def forged_pack(packs, tmp_path, resign: bool) -> Path:
    """The attack of issue 15: 90% of the measures deleted, version 9999, changelog "删除 0 条",
    checksums recomputed so that every unsigned check passes."""
    db = make_db(packs["db2"], tmp_path / "forged.db", "9999.1.1",
                 edit=lambda c: c.execute("DELETE FROM measures WHERE ordinal % 10 != 0"))
    raw = json.loads(zipfile.ZipFile(packs["p2"]).read("manifest.json"))
    raw.update(data_version="9999.1.1", changelog={"since": "2099.1.2", "added": [], "changed": [], "removed": [], "expired": []})
    raw["database"] = {"file": "policies.db", "sha256": sha(db), "size": db.stat().st_size}
    return rezip(packs["p2"], tmp_path / "forged.pdpack", manifest=raw, db_bytes=db.read_bytes(), resign=resign)


def test_forged_pack_with_recomputed_checksums_is_refused(packs, data_dir, tmp_path, capsys):
    import_pack(packs["p1"])
    before = folder_state(data_dir / "data")
    forged = forged_pack(packs, tmp_path, resign=False)
    with pytest.raises(PackError, match="签名校验失败"):
        import_pack(forged)
    assert folder_state(data_dir / "data") == before and active_db_path() == data_dir / "data" / "policies.db"
    assert main(["import-pack", str(forged)]) == 2 and "签名校验失败" in capsys.readouterr()[1]
    # the genuine next pack is not blocked
    assert import_pack(packs["p2"]).data_version == "2099.1.2"


def test_unsigned_pack_is_refused(packs, data_dir, tmp_path):
    unsigned = rezip(packs["p1"], tmp_path / "unsigned.pdpack", drop="signature.json")
    with pytest.raises(PackError, match="没有签名"):
        import_pack(unsigned)
    assert not (data_dir / "data").exists()


def test_signature_of_another_pack_does_not_fit(packs, data_dir, tmp_path):
    other_signature = zipfile.ZipFile(packs["p1"]).read("signature.json")
    with zipfile.ZipFile(packs["p2"]) as zin, zipfile.ZipFile(tmp_path / "swap.pdpack", "w") as zout:
        for name in zin.namelist():
            zout.writestr(name, other_signature if name == "signature.json" else zin.read(name))
    with pytest.raises(PackError, match="签名校验失败"):
        import_pack(tmp_path / "swap.pdpack")


def test_pack_from_an_unknown_key_is_refused_until_the_site_trusts_it(packs, data_dir, tmp_path, capsys):
    assert main(["keygen", str(tmp_path / "site")]) == 0
    assert "密钥编号" in capsys.readouterr()[0]
    private, public = tmp_path / "site" / "policy-desk-signing.pem", tmp_path / "site" / "policy-desk-signing.pub"
    assert oct(private.stat().st_mode & 0o777) == oct(0o600)
    assert main(["keygen", str(tmp_path / "site")]) == 2  # never overwrites a key
    assert "已存在" in capsys.readouterr()[1]
    pack = tmp_path / "site.pdpack"
    write_pack(packs["db1"], pack, sign_key=private)
    with pytest.raises(PackError, match="不在本程序信任的密钥中"):
        import_pack(pack)
    assert not (data_dir / "data" / "policies.db").exists()
    shutil.copy(public, data_dir / "trusted_keys" / "site.pub")  # what docs/security.md tells a site to do
    assert import_pack(pack).manifest.signed_by


def test_the_test_key_is_not_shipped(packs, tmp_path, monkeypatch):
    """Without the site copy of the test key only the shipped project key is trusted."""
    from desktop.datapack_signing import key_id, load_public_key, trusted_keys

    monkeypatch.setenv("POLICY_DESK_DATA", str(tmp_path / "fresh"))
    shipped = trusted_keys()
    assert shipped and all("resources" in k.origin for k in shipped)
    assert key_id(load_public_key(TEST_SIGN_KEY.with_suffix(".pub"))) not in {k.key_id for k in shipped}
    with pytest.raises(PackError, match="不在本程序信任的密钥中"):
        import_pack(packs["p1"])
    assert not list((ROOT_DIR / "resources").rglob("*.pem")), "a private key must never be shipped"


def test_untrusted_installed_database_is_ignored_and_does_not_block_updates(packs, data_dir, db_path):
    """A database installed without a valid signed record (an older program, or a forged one) is
    neither used nor counted: versions only move forward among trusted packs."""
    installed = data_dir / "data" / "policies.db"
    installed.parent.mkdir(parents=True)
    make_db(packs["db2"], installed, "9999.1.1")
    assert active_db_path() == paths.bundled_db_path()
    assert datapack.current_data_version() == read_data_version(db_path)
    assert import_pack(packs["p1"]).data_version == "2099.1.1"
    assert active_db_path() == installed
    # a trusted record does not follow a database swapped in behind it
    make_db(packs["db2"], installed, "9999.1.1")
    assert datapack.trusted_installed_version() is None and active_db_path() == paths.bundled_db_path()


def test_restore_bundled_from_the_command_line(packs, data_dir, capsys, db_path):
    import_pack(packs["p2"])
    assert active_db_path() == data_dir / "data" / "policies.db"
    assert main(["restore-bundled"]) == 0
    assert read_data_version(db_path) in capsys.readouterr()[0]
    assert folder_state(data_dir / "data") == {} and active_db_path() == paths.bundled_db_path()
    assert import_pack(packs["p1"]).data_version == "2099.1.1"  # an older trusted pack may follow
    assert main(["restore-bundled"]) == 0 and main(["restore-bundled"]) == 0  # idempotent


def test_build_refuses_a_bad_signing_key(packs, tmp_path):
    bad = tmp_path / "key.pem"
    bad.write_text("not a key", encoding="utf-8")
    with pytest.raises(PackError, match="不是可用的签名私钥"):
        write_pack(packs["db1"], tmp_path / "x.pdpack", sign_key=bad)
    with pytest.raises(PackError, match="--sign-key"):
        write_pack(packs["db1"], tmp_path / "x.pdpack")
    assert not (tmp_path / "x.pdpack").exists()
