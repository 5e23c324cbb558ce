"""Benchmark of the desk statistics over 10,000 recorded consultations.

    python benchmarks/bench_stats.py            # prints the table and updates docs/benchmarks.md

The records are made by tests/records_sample.py (the example profiles evaluated by the real
engine, dates over a year, 40% with what-if suggestions) in a temporary user-data folder. Timed:
the whole command ``python -m desktop stats --format json|csv|xlsx`` as a person runs it (a fresh
process each time: interpreter start, opening and checking the store, counting, output), and the
counting alone in-process (desktop.session.stats.compute). Wall-clock, median of repeats.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from records_sample import fill  # noqa: E402

from desktop.service import open_data  # noqa: E402
from desktop.session import stats as st  # noqa: E402
from desktop.session.records import RecordStore  # noqa: E402

RECORDS = 10_000
REPEAT = 5
from docs_section import write_section  # noqa: E402

START, END = "<!-- bench_stats:start -->", "<!-- bench_stats:end -->"


def median_seconds(fn, repeat: int = REPEAT) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-records-"))
    env = {**os.environ, "POLICY_DESK_DATA": str(folder), "POLICY_DESK_CACHE": str(folder / "cache")}
    data = open_data(ROOT / "policies.db")
    store = RecordStore(folder)
    t = time.perf_counter()
    fill(store, data, RECORDS, dt.date(2025, 12, 1), 364)
    fill_s = time.perf_counter() - t
    assert store.count() == RECORDS
    size_mb = (folder / "records.db").stat().st_size / 1e6

    def cli(*args: str) -> None:
        subprocess.run([sys.executable, "-m", "desktop", "stats", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)

    rows = [
        ("`stats --format json` (whole command, fresh process)", median_seconds(lambda: cli("--format", "json"))),
        ("`stats --format csv --out F` (whole command)", median_seconds(lambda: cli("--format", "csv", "--out", str(folder / "s.csv")))),
        ("`stats --format xlsx --out F` (whole command)", median_seconds(lambda: cli("--format", "xlsx", "--out", str(folder / "s.xlsx")))),
        ("`stats --since --until` one quarter (whole command)",
         median_seconds(lambda: cli("--since", "2026-01-01", "--until", "2026-03-31"))),
        ("`python -c pass` (interpreter start, for comparison)",
         median_seconds(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True))),
        ("counting alone, in-process (`stats.compute`, as the CLI opens the store)",
         median_seconds(lambda: st.compute(RecordStore(folder, verify=False)))),
        ("opening with the full-file check (`quick_check`, as the window does) + counting",
         median_seconds(lambda: st.compute(RecordStore(folder)))),
        ("`import desktop.cli` (the command line's own imports, for comparison)",
         median_seconds(lambda: subprocess.run([sys.executable, "-c", "import desktop.cli"], cwd=ROOT, check=True))),
    ]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    table = [
        f"Measured {dt.date.today().isoformat()} on {platform.machine()} / Python {platform.python_version()} / "
        f"{os.cpu_count()} cores (load average {load} while measuring), {RECORDS:,} consultations "
        f"({size_mb:.1f} MB store, filled in {fill_s:.1f} s), median of {REPEAT} runs:",
        "",
        "| what | seconds |",
        "|---|---|",
        *[f"| {name} | {secs:.3f} |" for name, secs in rows],
    ]
    text = "\n".join(table)
    print(text)
    write_section(f"{START}\n{text}\n{END}", START, END,
                  heading="## Desk statistics (`python benchmarks/bench_stats.py`)\n\n")


if __name__ == "__main__":
    main()
