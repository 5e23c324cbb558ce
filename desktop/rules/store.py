"""Where the rules come from: the YAML sources at build time, policies.db at run time.

The build checks measures, questionnaire and size standard from ``resources/`` and stores them in
the database, so a data pack (one database file) carries everything the engine needs.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from desktop.library import schema
from desktop.rules.derived import SizeStandard
from desktop.rules.engine import Engine
from desktop.rules.facts import build_questionnaire, load_questionnaire_pages
from desktop.rules.measures import MeasureFile, load_measure_files, measure_from_record

MEASURES_DIR = "measures"
QUESTIONNAIRE_DIR = "questionnaire"
SIZE_STANDARD = "reference/sme_size_standard.yaml"


def load_sources(resources: Path) -> tuple[Engine, list[MeasureFile], list[dict]]:
    """Read and check every rules source under ``resources``."""
    pages = load_questionnaire_pages(resources / QUESTIONNAIRE_DIR)
    questionnaire = build_questionnaire(pages)
    files = load_measure_files(resources / MEASURES_DIR, questionnaire.facts)
    standard = SizeStandard.load(resources / SIZE_STANDARD)
    measures = [m for f in files for m in f.measures]
    return Engine(measures, questionnaire, standard), files, pages


def write_rules(conn: sqlite3.Connection, resources: Path) -> int:
    """Store the checked rules in tables ``measures`` and ``rules_data``; return the measure count."""
    engine, files, pages = load_sources(resources)
    schema.create_rules_tables(conn)
    schema.insert_measures(conn, (
        (
            m.id, i, m.kind, m.title, m.source.document, m.source.doc_number, m.source.clause,
            m.source.quote, m.valid_from, m.valid_to, int(m.programme_level),
            json.dumps(m.to_record(), ensure_ascii=False, sort_keys=True),
        )
        for i, m in enumerate(engine.measures)
    ))
    clean_pages = [{k: v for k, v in p.items()} for p in pages]
    # Not sort_keys: the order of pages, questions and choices is the questionnaire's own.
    schema.write_rules_data(conn, "questionnaire", json.dumps(clean_pages, ensure_ascii=False, default=str))
    schema.write_rules_data(conn, "size_standard", json.dumps(engine.size_standard.to_dict(), ensure_ascii=False, sort_keys=True))
    return len(engine.measures)


def load_engine_from_db(conn: sqlite3.Connection) -> Engine:
    """Rebuild the engine from a database written by :func:`write_rules`."""
    data = schema.read_rules_data(conn)
    questionnaire = build_questionnaire(json.loads(data["questionnaire"]))
    standard = SizeStandard.from_dict(json.loads(data["size_standard"]))
    facts = questionnaire.facts
    measures = [measure_from_record(json.loads(rec), facts) for rec in schema.measure_records(conn)]
    return Engine(measures, questionnaire, standard)
