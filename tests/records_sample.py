"""Example consultation records for the statistics screenshots, GUI tests and the stats benchmark.

Built from the example profiles in examples/ evaluated by the real engine; dates, advisers and
不确定 answers are varied with a fixed random seed so every run makes the same records.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from desktop.rules.whatif import what_if
from desktop.session.records import RecordStore, consultation_from_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["software_sme_haidian", "small_manufacturer", "catering_chain_prepaid", "retail_pharmacy",
            "private_clinic", "car_rental_company", "beauty_chain_prepaid", "labour_dispatch_ftz"]
ADVISERS = ["王老师", "李老师", "张老师", None]
UNSURE = ["has_rd_spending", "pays_housing_fund", "annual_revenue_wan", "imports_or_exports", "total_assets_wan"]


def example_profiles() -> list[dict]:
    return [json.loads((ROOT / "examples" / f"{n}.json").read_text(encoding="utf-8")) for n in EXAMPLES]


def fill(store: RecordStore, data, count: int, first: dt.date, days: int, seed: int = 16) -> None:
    """``count`` consultations recorded between ``first`` and ``first + days``, in one transaction."""
    rng = random.Random(seed)
    prepared = []
    labels: dict = {}
    for profile in example_profiles():
        as_of = first
        report = data.match(profile, as_of)
        unlocks = what_if(data.engine, profile, as_of, report.results)
        prepared.append((report, unlocks))
    records = []
    for _ in range(count):
        report, unlocks = rng.choice(prepared)
        when = dt.datetime.combine(first + dt.timedelta(days=rng.randrange(days + 1)), dt.time(9 + rng.randrange(8)))
        record, more = consultation_from_report(
            report, unsure=rng.sample(UNSURE, rng.randrange(3)), unlocks=unlocks if rng.random() < 0.4 else None,
            adviser=rng.choice(ADVISERS), when=when, questionnaire=data.questionnaire, origin="window")
        records.append(record)
        for kind, pairs in more.items():
            labels.setdefault(kind, {}).update(pairs)
    store.add_many(records, labels)
