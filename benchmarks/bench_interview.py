"""The desk interview per example: questions asked, how many the company could answer, what it finds.

Replays the interview from an empty profile for each example in examples/, answering from the
example's full profile (a fact the file lacks is answered 不确定), and reports the questions needed,
the share of the company-facing measures the full profile makes `applies` that the interview finds,
the largest rise of the "待答约 N 题" counter and the time per question.

    python benchmarks/bench_interview.py [--as-of 2022-07-01 ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop.rules.facts import read_profile_file  # noqa: E402
from desktop.rules.questions import interview  # noqa: E402
from desktop.service import open_data  # noqa: E402


def replay(engine, full: dict, as_of: dt.date):
    profile: dict = {}
    unsure: list[str] = []
    counters = []
    started = time.perf_counter()
    while True:
        state = interview(engine, profile, as_of, unsure=unsure)
        counters.append(state.remaining)
        if state.done:
            break
        fact = state.next[0].question.fact
        if fact in full:
            profile[fact] = full[fact]
        else:
            unsure.append(fact)
    elapsed = time.perf_counter() - started
    return profile, unsure, counters, elapsed, state


def applies(engine, profile, as_of):
    return {r.id for r in engine.evaluate(profile, as_of) if r.status == "applies" and not r.measure.programme_level}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", action="append", type=dt.date.fromisoformat)
    args = parser.parse_args()
    data = open_data(ROOT / "policies.db")
    engine = data.engine
    for as_of in args.as_of or [dt.date(2022, 7, 1), dt.date(2025, 6, 1)]:
        print(f"\nas of {as_of}\n")
        print("| example | questions | answered | 不确定 | found / applies (company-facing) | counter max rise | left to confirm | ms per question |")
        print("|---|---|---|---|---|---|---|---|")
        for path in sorted((ROOT / "examples").glob("*.json")):
            full = read_profile_file(path, data.questionnaire)
            if not full:
                continue
            profile, unsure, counters, elapsed, state = replay(engine, full, as_of)
            asked = len(profile) + len(unsure)
            want, got = applies(engine, full, as_of), applies(engine, profile, as_of)
            rise = max([b - a for a, b in zip(counters, counters[1:])] + [0])
            confirm = sum(1 for q in state.to_confirm if q.value > 0)
            print(f"| {path.stem} | {asked} | {len(profile)} | {len(unsure)} | {len(want & got)} / {len(want)} "
                  f"({100 * len(want & got) / len(want):.0f}%) | {rise} | {confirm} | {1000 * elapsed / max(asked, 1):.0f} |")


if __name__ == "__main__":
    main()
