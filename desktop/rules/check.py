"""Check measure files while curating them: ``python -m desktop.rules.check resources/measures/X.yaml``.

For each file: schema, facts and conditions; each quote found in the seed within the document's
lines and at the cited line; the situations file ``tests/situations/<stem>.yaml`` run, and every
measure expected to apply somewhere and not to apply somewhere else.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.corpus.normalize import normalize_for_match
from desktop.rules.derived import SizeStandard
from desktop.rules.engine import Engine
from desktop.rules.facts import load_questionnaire
from desktop.rules.measures import MeasureError, MeasureFile, load_measure_file
from desktop.rules.situations import load_situations, run_situation

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
QUOTE_LINE_SLACK = 8  # a quote may start a few lines after the cited line (blank lines in the seed)


def _seed_lines(name: str, cache: dict[str, list[str]]) -> list[str]:
    if name not in cache:
        cache[name] = (RESOURCES / "corpus" / name).read_text(encoding="utf-8").splitlines()
    return cache[name]


def check_quotes(mf: MeasureFile, cache: dict[str, list[str]]) -> list[str]:
    problems = []
    doc = mf.document
    try:
        lines = _seed_lines(doc.source_file, cache)
    except OSError:
        return [f"{mf.path.name}: source_file {doc.source_file} not found in resources/corpus/"]
    first, last = doc.lines if doc.lines else (1, len(lines))
    doc_text = normalize_for_match("\n".join(lines[first - 1 : last]))
    for m in mf.measures:
        quote = normalize_for_match(m.source.quote)
        if quote not in doc_text:
            whole = normalize_for_match("\n".join(lines))
            where = "elsewhere in the seed" if quote in whole else "nowhere in the seed"
            problems.append(f"{m.id}: quote not in the document's lines {first}-{last} (found {where}): {m.source.quote}")
            continue
        if m.source.line:
            start = max(m.source.line - 1, 0)
            near = normalize_for_match("\n".join(lines[start : start + QUOTE_LINE_SLACK + len(quote) // 10]))
            if quote not in near:
                problems.append(f"{m.id}: quote does not start at line {m.source.line}")
    return problems


def check_coverage(mf: MeasureFile, engine: Engine, situations_path: Path) -> list[str]:
    if not situations_path.exists():
        return [f"{mf.path.name}: no situations file {situations_path.relative_to(ROOT)}"]
    problems: list[str] = []
    applies: set[str] = set()
    other: set[str] = set()
    for situation in load_situations(situations_path):
        problems.extend(run_situation(engine, situation))
        for mid, status in situation.expect.items():
            (applies if status in ("applies", "related") else other).add(mid)
    for m in mf.measures:
        if m.id not in applies:
            problems.append(f"{m.id}: no situation expects it to apply")
        if m.id not in other:
            problems.append(f"{m.id}: no situation expects it not to apply")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    try:
        questionnaire = load_questionnaire(RESOURCES / "questionnaire")
    except Exception as exc:  # a broken page blocks every check: say which, clearly
        print(f"ERROR the questionnaire does not load, so nothing can be checked: {exc}")
        return 1
    standard = SizeStandard.load(RESOURCES / "reference" / "sme_size_standard.yaml")
    # All other measure files are loaded too, so ids can be checked for collisions.
    all_files: dict[Path, MeasureFile] = {}
    failures = 0
    for path in sorted((RESOURCES / "measures").glob("*.yaml")):
        try:
            all_files[path.resolve()] = load_measure_file(path, questionnaire.facts)
        except MeasureError as exc:
            if path.resolve() in {f.resolve() for f in args.files}:
                print(f"ERROR {exc}")
                failures += 1
    owners: dict[str, str] = {}
    for mf in all_files.values():
        for m in mf.measures:
            if m.id in owners and owners[m.id] != mf.path.name:
                print(f"ERROR duplicate id {m.id} in {mf.path.name} and {owners[m.id]}")
                failures += 1
            owners[m.id] = mf.path.name
    engine = Engine([m for mf in all_files.values() for m in mf.measures], questionnaire, standard)
    cache: dict[str, list[str]] = {}
    for path in args.files:
        mf = all_files.get(path.resolve())
        if mf is None:
            continue
        problems = check_quotes(mf, cache)
        problems += check_coverage(mf, engine, ROOT / "tests" / "situations" / f"{path.stem}.yaml")
        for p in problems:
            print(f"ERROR {path.name}: {p}")
        failures += len(problems)
        print(f"{path.name}: {len(mf.measures)} measures, {len(problems)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
