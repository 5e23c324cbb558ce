"""Check measure files while curating them: ``python -m desktop.rules.check resources/measures/X.yaml``.

For each file: schema, facts and conditions; each quote found in the seed within the document's
lines and at the cited line; the situations file ``<situations>/<stem>.yaml`` run, and every
measure expected to apply somewhere and not to apply somewhere else.

``--resources`` (default: the application's resources folder) holds the measures, the
questionnaire and the seeds; ``--situations`` the situations files (default
``<resources>/situations``).
The test suite runs the same situations with the same runner (desktop.rules.situations).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.corpus.normalize import normalize_for_match
from desktop.paths import resources_dir
from desktop.rules.derived import SizeStandard
from desktop.rules.engine import Engine
from desktop.rules.facts import load_questionnaire
from desktop.rules.measures import MeasureError, MeasureFile, load_measure_file
from desktop.rules.situations import coverage_gaps, load_situations, run_situation

QUOTE_LINE_SLACK = 8  # a quote may start a few lines after the cited line (blank lines in the seed)


def default_situations_dir(resources: Path) -> Path:
    return resources / "situations"


def _seed_lines(corpus: Path, name: str, cache: dict[str, list[str]]) -> list[str]:
    if name not in cache:
        cache[name] = (corpus / name).read_text(encoding="utf-8").splitlines()
    return cache[name]


def check_quotes(mf: MeasureFile, corpus: Path, cache: dict[str, list[str]]) -> list[str]:
    problems = []
    doc = mf.document
    try:
        lines = _seed_lines(corpus, doc.source_file, cache)
    except OSError:
        return [f"{mf.path.name}: source_file {doc.source_file} not found in {corpus}"]
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
        return [f"{mf.path.name}: no situations file {situations_path}"]
    try:
        situations = load_situations(situations_path)
    except (ValueError, TypeError, OSError) as exc:  # a malformed situations file: say so, check the rest
        return [f"{situations_path.name}: {exc}"]
    problems: list[str] = []
    for situation in situations:
        problems.extend(run_situation(engine, situation))
    return problems + coverage_gaps((m.id for m in mf.measures), situations)


def check_files(files: list[Path], resources: Path, situations_dir: Path, say=print) -> int:
    """Check ``files`` (measure files under ``resources/measures``); ``say`` each line; return the
    number of problems."""
    try:
        questionnaire = load_questionnaire(resources / "questionnaire")
    except Exception as exc:  # a broken page blocks every check: say which, clearly
        say(f"ERROR the questionnaire does not load, so nothing can be checked: {exc}")
        return 1
    standard = SizeStandard.load(resources / "reference" / "sme_size_standard.yaml")
    # All other measure files are loaded too, so ids can be checked for collisions.
    all_files: dict[Path, MeasureFile] = {}
    failures = 0
    wanted = {f.resolve() for f in files}
    for path in sorted((resources / "measures").glob("*.yaml")):
        try:
            all_files[path.resolve()] = load_measure_file(path, questionnaire.facts)
        except MeasureError as exc:
            if path.resolve() in wanted:
                say(f"ERROR {exc}")
                failures += 1
    owners: dict[str, str] = {}
    for mf in all_files.values():
        for m in mf.measures:
            if m.id in owners and owners[m.id] != mf.path.name:
                say(f"ERROR duplicate id {m.id} in {mf.path.name} and {owners[m.id]}")
                failures += 1
            owners[m.id] = mf.path.name
    engine = Engine([m for mf in all_files.values() for m in mf.measures], questionnaire, standard)
    cache: dict[str, list[str]] = {}
    for path in files:
        found = all_files.get(path.resolve())
        if found is None:
            if path.resolve().parent != (resources / "measures").resolve():
                say(f"ERROR {path}: not a measure file of {resources / 'measures'}")
                failures += 1
            continue
        problems = check_quotes(found, resources / "corpus", cache)
        problems += check_coverage(found, engine, situations_dir / f"{path.stem}.yaml")
        for p in problems:
            say(f"ERROR {path.name}: {p}")
        failures += len(problems)
        say(f"{path.name}: {len(found.measures)} measures, {len(problems)} problems")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--resources", type=Path, default=None, help="resources folder (default: the application's)")
    parser.add_argument("--situations", type=Path, default=None, help="situations folder")
    args = parser.parse_args(argv)
    resources = args.resources or resources_dir()
    situations = args.situations or default_situations_dir(resources)
    return 1 if check_files(args.files, resources, situations) else 0


if __name__ == "__main__":
    sys.exit(main())
