"""Benchmarks of the library, the engine and the report, on this machine.

    python benchmarks/bench_core.py            # prints the table and updates docs/benchmarks.md

Times are wall-clock (time.perf_counter); each latency is measured over many repeats and
reported as median and 95th percentile. The index is built into a fresh temporary cache so the
build time is the real first-start cost.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["POLICY_DESK_CACHE"] = tempfile.mkdtemp(prefix="bench-cache-")

import yaml  # noqa: E402

from desktop.build import build_database  # noqa: E402
from desktop.library.search import Searcher  # noqa: E402
from desktop.report.checklist import render_checklist  # noqa: E402
from desktop.rules.facts import read_profile_file  # noqa: E402
from desktop.rules.whatif import what_if  # noqa: E402
from desktop.service import open_data  # noqa: E402

AS_OF = dt.date(2022, 7, 1)
from docs_section import write_section  # noqa: E402

START, END = "<!-- bench_core:start -->", "<!-- bench_core:end -->"


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    samples.sort()
    return statistics.median(samples) * 1000, samples[int(0.95 * (len(samples) - 1))] * 1000


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> str:
    tmp = Path(tempfile.mkdtemp(prefix="bench-db-"))
    db = tmp / "policies.db"
    t = time.perf_counter()
    meta = build_database(db, ROOT)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    searcher = Searcher(db)
    index_s = time.perf_counter() - t
    gold = yaml.safe_load((ROOT / "tests" / "data" / "search_gold.yaml").read_text(encoding="utf-8"))
    latencies = []
    for _ in range(5):
        for g in gold:
            t = time.perf_counter()
            searcher.search(g["q"], limit=10)
            latencies.append(time.perf_counter() - t)
    latencies.sort()
    search_med = statistics.median(latencies) * 1000
    search_p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000

    data = open_data(db)
    typical = read_profile_file(ROOT / "examples" / "beauty_chain_prepaid.json", data.questionnaire)
    large = read_profile_file(ROOT / "examples" / "software_sme_haidian.json", data.questionnaire)
    match_med, match_p95 = timed(lambda: data.match(large, AS_OF), 50)
    wi_med, wi_p95 = timed(lambda: what_if(data.engine, large, AS_OF), 20)
    rep_typ = data.match(typical, AS_OF)
    rep_large = data.match(large, AS_OF)
    pdf_typ = timed(lambda: render_checklist(rep_typ, data.questionnaire), 5)
    pdf_large = timed(lambda: render_checklist(rep_large, data.questionnaire), 5)
    n_app = lambda r: sum(1 for x in r.results if x.status == "applies")  # noqa: E731

    rows = [
        ("database build (`policy-desk build`)", f"{build_s:.2f} s", f"{meta['documents']} documents, {meta['sections']} sections, {meta['measures']} measures; {db.stat().st_size / 1e6:.1f} MB"),
        ("search index open (first start)", f"{index_s:.2f} s", "the whoosh word index, built into the user cache on first use (the frozen bundle ships it prebuilt); see bench_search.py"),
        ("search latency, gold set", f"median {search_med:.1f} ms, p95 {search_p95:.1f} ms", f"{len(gold)} queries × 5, limit 10"),
        ("one full match, all measures", f"median {match_med:.1f} ms, p95 {match_p95:.1f} ms", f"{len(data.engine.measures)} measures, 50 runs"),
        ("what-if for one profile", f"median {wi_med:.1f} ms, p95 {wi_p95:.1f} ms", "20 runs, software SME example"),
        ("checklist PDF, typical profile", f"median {pdf_typ[0]:.0f} ms, p95 {pdf_typ[1]:.0f} ms", f"beauty chain: {n_app(rep_typ)} applying measures"),
        ("checklist PDF, large profile", f"median {pdf_large[0]:.0f} ms, p95 {pdf_large[1]:.0f} ms", f"software SME: {n_app(rep_large)} applying measures"),
    ]
    lines = [
        START,
        "## Library, engine and report (`python benchmarks/bench_core.py`)",
        "",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        "| what | time | notes |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        END,
    ]
    return "\n".join(lines)


def update_doc(section: str) -> None:
    write_section(section, START, END)


if __name__ == "__main__":
    section = main()
    print(section)
    update_doc(section)
