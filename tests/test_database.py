"""policies.db: rebuilt by one command, fresh against its sources, and refused clearly when broken."""

import shutil
import sqlite3

import pytest

from desktop.build import build_database, sources_hash
from desktop.library.schema import read_meta_file as read_meta
from desktop.library.db import Library, LibraryError
from desktop.service import open_data


def test_committed_database_matches_its_sources(root, db_path):
    meta = read_meta(db_path)
    assert meta["sources_hash"] == sources_hash(root), (
        "policies.db is stale: run `policy-desk build` and commit policies.db"
    )


def test_meta_table(db_path):
    meta = read_meta(db_path)
    assert meta["data_version"] and meta["build_date"]
    assert int(meta["documents"]) == 57 and int(meta["measures"]) > 0


@pytest.mark.slow
def test_build_writes_a_complete_database(tmp_path, root):
    out = tmp_path / "policies.db"
    meta = build_database(out, root, build_date="2026-01-01T00:00:00+00:00")
    assert out.exists() and not (tmp_path / "policies.db.building").exists()
    assert meta["sources_hash"] == sources_hash(root)
    lib = Library(out)
    assert len(lib.documents()) == 57
    lib.close()


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(LibraryError, match="找不到政策数据库"):
        open_data(tmp_path / "nope.db")


@pytest.mark.parametrize("damage", ["garbage", "truncate", "empty_sqlite"])
def test_corrupt_database_is_a_clear_error(tmp_path, db_path, damage):
    bad = tmp_path / "policies.db"
    if damage == "garbage":
        bad.write_bytes(b"this is not a database" * 100)
    elif damage == "truncate":
        shutil.copy(db_path, bad)
        with bad.open("r+b") as fh:
            fh.truncate(bad.stat().st_size // 3)
    else:
        sqlite3.connect(bad).execute("CREATE TABLE x (a)").connection.close()
    before = bad.read_bytes()
    with pytest.raises(LibraryError) as info:
        open_data(bad)
    assert "数据库" in str(info.value)
    assert bad.read_bytes() == before  # opened read-only: nothing written
