"""Search at scale: synthetic corpora of ×N the seeds, index build time and warm query latency.

    python benchmarks/bench_search.py                 # ×1, ×10 and ×50; updates docs/benchmarks.md
    python benchmarks/bench_search.py --scales 10     # one scale, printed only

A synthetic corpus copies every document of the committed policies.db N times under new titles
(“（副本 k）” appended) and new ids, sections and all. The search tables are then written into it
exactly as ``python -m desktop build`` does, and the whoosh index is built into the cache folder as
the first search would (both timed: that is the index build). Latency is measured
warm (each query run once first, then timed over several rounds) over both gold sets in tests/data
(152 queries: natural queries without spaces, question words, 文号, phrases, OR), with highlighted
snippets (html=True, as the window asks), limit 10. The 100-word query repeats one word 100 times.
"""

from __future__ import annotations

import argparse
import hashlib
import datetime as dt
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("POLICY_DESK_CACHE", tempfile.mkdtemp(prefix="bench-cache-"))

import yaml  # noqa: E402

from desktop.library.search import Searcher  # noqa: E402
from desktop.library.search_index import TABLES, ensure_cache_index, write_search_tables  # noqa: E402

from docs_section import write_section  # noqa: E402

START, END = "<!-- bench_search:start -->", "<!-- bench_search:end -->"
ROUNDS = 3


def synthetic_db(scale: int, folder: Path) -> Path:
    """policies.db with every document copied ``scale`` times (copy 0 is the original)."""
    out = folder / f"policies-x{scale}.db"
    shutil.copyfile(ROOT / "policies.db", out)
    conn = sqlite3.connect(out)
    with conn:
        for table in TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        # Its own sources_hash, so each corpus gets its own whoosh index folder in the cache.
        conn.execute("UPDATE meta SET value = ? WHERE key = 'sources_hash'",
                     (hashlib.sha256(f"bench-x{scale}".encode()).hexdigest(),))
        docs = conn.execute("SELECT * FROM documents").fetchall()
        doc_cols = [d[1] for d in conn.execute("PRAGMA table_info(documents)")]
        secs = conn.execute("SELECT * FROM sections").fetchall()
        sec_cols = [d[1] for d in conn.execute("PRAGMA table_info(sections)")]
        n_docs = len(docs)
        for k in range(1, scale):
            rows = []
            for d in docs:
                r = dict(zip(doc_cols, d))
                r["id"] = f"{r['id']}-c{k}"
                r["title"] = f"{r['title']}（副本 {k}）"
                r["ordinal"] = r["ordinal"] + k * n_docs
                rows.append(tuple(r[c] for c in doc_cols))
            conn.executemany(f"INSERT INTO documents VALUES ({','.join('?' * len(doc_cols))})", rows)
            rows = []
            for s in secs:
                r = dict(zip(sec_cols, s))
                r["id"] = r["id"].replace(r["doc_id"], f"{r['doc_id']}-c{k}", 1)
                if r.get("parent_id"):
                    r["parent_id"] = r["parent_id"].replace(r["doc_id"], f"{r['doc_id']}-c{k}", 1)
                r["doc_id"] = f"{r['doc_id']}-c{k}"
                rows.append(tuple(r[c] for c in sec_cols))
            conn.executemany(f"INSERT INTO sections VALUES ({','.join('?' * len(sec_cols))})", rows)
    return out


def build_index(db: Path) -> tuple[float, float, int, int, int]:
    """(SQLite tables seconds, whoosh seconds, sections, db bytes, whoosh folder bytes)."""
    conn = sqlite3.connect(db)
    t = time.perf_counter()
    with conn:
        sections = write_search_tables(conn, conn, "bench")
    tables_s = time.perf_counter() - t
    conn.execute("VACUUM")
    conn.close()
    t = time.perf_counter()
    folder = ensure_cache_index(db)
    whoosh_s = time.perf_counter() - t
    whoosh_bytes = sum(p.stat().st_size for p in folder.iterdir())
    return tables_s, whoosh_s, sections, db.stat().st_size, whoosh_bytes


def queries() -> list[str]:
    data = ROOT / "tests" / "data"
    gold = []
    for name in ("search_gold_natural.yaml", "search_gold.yaml"):
        gold += yaml.safe_load((data / name).read_text(encoding="utf-8"))
    return [g["q"] for g in gold]


def measure(scale: int, folder: Path) -> dict:
    db = synthetic_db(scale, folder)
    tables_s, whoosh_s, sections, size, whoosh_bytes = build_index(db)
    t = time.perf_counter()
    searcher = Searcher(db)
    open_s = time.perf_counter() - t
    qs = queries()
    for q in qs:  # warm: jieba loaded, pages cached
        searcher.search(q, limit=10, html=True)
    samples, cpu = [], []
    for _ in range(ROUNDS):
        for q in qs:
            t, c = time.perf_counter(), time.process_time()
            searcher.search(q, limit=10, html=True)
            samples.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
    samples.sort()
    cpu.sort()
    t = time.perf_counter()
    repeated = searcher.search("预付卡 " * 100, limit=10, html=True)
    repeated_s = time.perf_counter() - t
    assert repeated["hits"], "the repeated query found nothing"
    db.unlink()
    return {
        "scale": scale, "sections": sections, "size_mb": size / 1e6, "tables_s": tables_s, "whoosh_s": whoosh_s,
        "whoosh_mb": whoosh_bytes / 1e6, "open_s": open_s,
        "median_ms": statistics.median(samples) * 1000, "p95_ms": samples[int(0.95 * (len(samples) - 1))] * 1000,
        "max_ms": samples[-1] * 1000, "cpu_p95_ms": cpu[int(0.95 * (len(cpu) - 1))] * 1000, "n": len(samples), "repeated_ms": repeated_s * 1000,
    }


def report(results: list[dict]) -> str:
    lines = [
        START,
        "## Search at scale (`python benchmarks/bench_search.py`)",
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores (shared with other "
        f"jobs), Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}. Corpus ×N: every document of "
        "policies.db copied N times under new titles. Index build: the SQLite tables (FTS5 trigram, rows), as "
        "`python -m desktop build` writes them, and the whoosh index (jieba analyzer), as the first search builds "
        "it in the cache folder (the frozen bundle ships it prebuilt). Search (whoosh postings, BM25F and word "
        "positions for the words, FTS5 trigram for substrings): warm, both gold sets (natural and earlier), limit 10, "
        "with highlighted snippets. Targets: p95 ≤ 50 ms at ×10, ≤ 200 ms at ×50; 100-word query ≤ 1 s.",
        "",
        "| corpus | sections | build: SQLite tables | build: whoosh | db size | whoosh size | search median | search p95 | slowest | CPU p95 | 100 × 预付卡 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| ×{r['scale']} | {r['sections']} | {r['tables_s']:.1f} s | {r['whoosh_s']:.1f} s | "
                     f"{r['size_mb']:.0f} MB | {r['whoosh_mb']:.0f} MB | "
                     f"{r['median_ms']:.1f} ms | {r['p95_ms']:.1f} ms | {r['max_ms']:.0f} ms | {r['cpu_p95_ms']:.1f} ms | "
                     f"{r['repeated_ms']:.0f} ms |")
    lines += ["", f"{results[0]['n']} timed queries per corpus (the gold sets, {ROUNDS} rounds). Times are wall-clock "
              "(time.perf_counter); CPU p95 is the process's own CPU time per query (time.process_time), which "
              "shows what the search costs when the machine is not shared (the load average was "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end of this run).", END]
    return "\n".join(lines)


def update_doc(section: str) -> None:
    write_section(section, START, END)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 50])
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        results = []
        for scale in args.scales:
            results.append(measure(scale, folder))
            print(results[-1], flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    section = report(results)
    print(section)
    if args.scales == [1, 10, 50]:
        update_doc(section)


if __name__ == "__main__":
    main()
