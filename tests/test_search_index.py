"""Search-index health: where a separate index goes, crafted names, damage, two builders at once.

A database built by ``python -m desktop build`` carries its search tables; an older data pack
does not, and gets a separate index in the cache folder, named from its ``sources_hash``.
"""

import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.library.db import LibraryError
from desktop.library.search import Searcher
from desktop.library.search_index import TABLES, index_stamp

ROOT = Path(__file__).resolve().parent.parent


def _without_index(src: Path, folder: Path, sources_hash: str | None = None) -> Path:
    """A copy of the database as an older data pack would be: no search tables."""
    out = folder / "pack.db"
    shutil.copyfile(src, out)
    conn = sqlite3.connect(out)
    with conn:
        for table in TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        if sources_hash is not None:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'sources_hash'", (sources_hash,))
    conn.execute("VACUUM")
    conn.close()
    return out


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("POLICY_DESK_CACHE", str(folder))
    return folder


def _sections(searcher: Searcher, query: str = "预付卡") -> list:
    return [(h["doc_id"], h["section_id"]) for h in searcher.search(query, limit=10)["hits"]]


def test_the_built_database_carries_its_tables_and_whoosh_goes_to_the_cache(db_path, cache, tmp_path):
    copy = tmp_path / "policies.db"
    shutil.copyfile(db_path, copy)
    built = Searcher(copy)
    assert built.index_path == copy  # trigram table and rows: in the database
    assert built.index_folder == cache / "index" / index_stamp(copy)  # whoosh: built once, in the cache
    assert not (built.index_folder / "search.db").exists()
    assert _sections(built)


def test_a_database_without_search_tables_gets_a_cache_index(db_path, cache, tmp_path, searcher):
    pack = _without_index(db_path, tmp_path)
    separate = Searcher(pack)
    assert separate.index_path.parent.parent == cache / "index"
    assert _sections(separate) == _sections(searcher) != []


@pytest.mark.parametrize("crafted", ["/tmp/policy-desk-victim", "../../../victim", "..\\..\\victim",
                                     "abcdef0123456789/..", "", "0123456789abcdef\x00", "C:\\Users\\x"])
def test_a_crafted_sources_hash_never_reaches_a_path(db_path, cache, tmp_path, crafted):
    victim = tmp_path / "victim-v3"
    victim.mkdir()
    (victim / "keep.txt").write_text("user file")
    before = sorted(p.name for p in tmp_path.iterdir())
    pack = _without_index(db_path, tmp_path, crafted)
    before.append("pack.db")
    with pytest.raises(LibraryError, match="sources_hash"):
        Searcher(pack)
    assert (victim / "keep.txt").read_text() == "user file"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before)  # nothing written beside
    assert not (cache / "index").exists() or not any((cache / "index").iterdir())
    assert not Path("/tmp/policy-desk-victim-v3").exists()


def test_the_stamp_is_the_hex_digest(db_path):
    stamp = index_stamp(db_path)
    assert stamp.endswith("-v4") and all(c in "0123456789abcdef" for c in stamp[:16])


def _flip(path: Path) -> None:
    """Random bytes over every page but the first: the file opens, its tables do not read."""
    data = bytearray(path.read_bytes())
    rng = random.Random(13)
    for i in range(4096, len(data)):
        data[i] = rng.randrange(256)
    path.write_bytes(bytes(data))


def test_a_bit_flipped_index_is_rebuilt_at_opening(db_path, cache, tmp_path, searcher):
    pack = _without_index(db_path, tmp_path)
    first = Searcher(pack)
    index_file = first.index_path
    first.conn.close()
    _flip(index_file)
    again = Searcher(pack)
    assert _sections(again) == _sections(searcher) != []
    check = sqlite3.connect(again.index_path)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


def test_a_bit_flipped_whoosh_index_is_rebuilt_at_opening(db_path, cache, tmp_path, searcher):
    copy = tmp_path / "policies.db"
    shutil.copyfile(db_path, copy)
    first = Searcher(copy)
    folder = first.index_folder
    first.whoosh.close()
    segments = [p for p in folder.iterdir() if p.suffix == ".seg"]
    assert segments
    for seg in segments:
        _flip(seg)
    again = Searcher(copy)
    assert _sections(again) == _sections(searcher) != []
    assert not any(p.exists() for p in segments)  # the damaged segments are gone, not read


def test_a_read_error_during_a_search_rebuilds_the_index(db_path, cache, tmp_path, searcher):
    pack = _without_index(db_path, tmp_path)
    live = Searcher(pack)
    damaged = tmp_path / "damaged.db"
    shutil.copyfile(live.index_path, damaged)
    _flip(damaged)
    live.conn.close()
    live.conn = sqlite3.connect(f"file:{damaged}?mode=ro", uri=True)  # as if the file broke under us
    assert _sections(live) == _sections(searcher) != []
    assert live.index_path != damaged


def test_a_stale_lock_left_by_a_killed_build_is_taken_over(db_path, cache, tmp_path):
    pack = _without_index(db_path, tmp_path)
    lock = cache / "index" / f"{index_stamp(pack)}.lock"
    lock.parent.mkdir(parents=True)
    lock.write_text("99999")
    old = time.time() - 3600
    os.utime(lock, (old, old))
    assert _sections(Searcher(pack))
    assert not lock.exists()


def test_two_processes_building_at_first_start_both_succeed(db_path, cache, tmp_path):
    pack = _without_index(db_path, tmp_path)
    script = ("import sys; from pathlib import Path; from desktop.library.search import Searcher; "
              "hits = Searcher(Path(sys.argv[1])).search('预付卡', limit=10)['hits']; "
              "print(len(hits), hits[0]['doc_id'])")
    env = {**os.environ, "POLICY_DESK_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", script, str(pack)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    assert outs[0][0] == outs[1][0] and outs[0][0].split()[0] != "0"
    leftovers = sorted(p.name for p in (cache / "index").iterdir())
    assert leftovers == [index_stamp(pack)]  # one index, no .tmp or .lock left behind


def test_a_damaged_index_that_cannot_be_moved_is_replaced_by_a_fresh_folder(db_path, cache, tmp_path, monkeypatch):
    import desktop.library.search_index as search_index

    pack = _without_index(db_path, tmp_path)
    first = Searcher(pack)
    old_file = first.index_path
    first.conn.close()
    _flip(old_file)
    monkeypatch.setattr(search_index, "_move_aside", lambda folder: None)  # as if held open elsewhere
    again = Searcher(pack)
    assert again.index_path != old_file and again.index_path.parent.parent == cache / "index"
    assert _sections(again)
