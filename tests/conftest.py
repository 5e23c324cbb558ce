"""Shared fixtures: the committed policy database, an index in a temporary cache, the engine.

The user's real data and cache folders are never touched: POLICY_DESK_DATA and POLICY_DESK_CACHE
point into a per-session temporary folder before anything is imported.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_SESSION_TMP = Path(tempfile.mkdtemp(prefix="policy-desk-tests-"))
os.environ.setdefault("POLICY_DESK_DATA", str(_SESSION_TMP / "data"))
os.environ.setdefault("POLICY_DESK_CACHE", str(_SESSION_TMP / "cache"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from packkeys import trust_test_key  # noqa: E402

if Path(os.environ["POLICY_DESK_DATA"]).is_relative_to(_SESSION_TMP):  # never a real user's folder
    trust_test_key(Path(os.environ["POLICY_DESK_DATA"]))  # test packs are signed with tests/keys/

ROOT = Path(__file__).resolve().parent.parent
DB_PATH = ROOT / "policies.db"


def pytest_collection_modifyitems(items):
    """Every GUI test builds a main window (seconds each on a shared machine): all are ``slow``, so
    the fast lane ``-m "not slow and not frozen"`` runs the logic only (docs/benchmarks.md)."""
    for item in items:
        if item.path.name.startswith("test_gui_") or item.path.name in SLOW_MODULES \
                or getattr(item, "originalname", None) in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


# Modules whose every test builds a data pack, a search index or PDFs, or replays whole interviews
# (seconds each), and single tests that run the whole corpus many times: the full lane runs them.
SLOW_MODULES = {"test_datapack.py", "test_datapack_validation.py", "test_search_index.py", "test_checklist.py"}
SLOW_TESTS = {
    "test_window_and_command_line_agree_on_every_measure",  # 209 profiles through the window and the CLI
    "test_interview_finds_what_the_full_profile_finds",  # every example interviewed on two dates
    "test_private_firm_gets_no_foreign_investment_only_question",  # every example interviewed
}


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def db_path() -> Path:
    return DB_PATH


@pytest.fixture(scope="session")
def policy_data(db_path):
    from desktop.service import open_data

    data = open_data(db_path)
    yield data
    data.close()


@pytest.fixture(scope="session")
def library(policy_data):
    return policy_data.library


@pytest.fixture(scope="session")
def engine(policy_data):
    return policy_data.engine


@pytest.fixture(scope="session")
def searcher(policy_data):
    return policy_data.searcher()


@pytest.fixture(scope="session")
def resources_engine():
    """The engine read straight from resources/ (what the next build will ship), read once."""
    from situation_items import resources_engine as engine_from_resources

    return engine_from_resources()
