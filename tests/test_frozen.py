"""The frozen application: built once per session with PyInstaller, run from a read-only folder.

Marked ``frozen``; they fail where PyInstaller is not installed (CI installs it with the ``build``
extra; elsewhere deselect them with ``-m "not frozen"``). Run only these with ``python -m pytest -q -m frozen``. POLICY_DESK_FROZEN_APP=DIR reuses
an existing bundle (DIR = dist/PolicyDesk) instead of building one.

Every run of the frozen program gets a fresh user-data, cache and home folder, runs without the
checkout on its path, and must leave the bundle folder exactly as it was (the folder is made
read-only; as root, the run also loses the capability to ignore file permissions).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.frozen

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "software_sme_haidian.json"
MAX_BUNDLE_MB = 300  # a guard against accidentally bundling QtWebEngine, numpy & co.


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load_build_app():
    """build/build_app.py as a module: the test uses its bundle snapshot and read-only helpers."""
    spec = importlib.util.spec_from_file_location("build_app", ROOT / "build" / "build_app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_app = _load_build_app()
_tree = build_app.folder_state
_set_writable = build_app.set_writable
_no_override_prefix = build_app.drop_root_write_access


@pytest.fixture(scope="session")
def frozen_app(tmp_path_factory):
    """The bundle (built once), made read-only for the session."""
    if importlib.util.find_spec("PyInstaller") is None:  # a frozen run without its tool is a broken setup, not a pass
        pytest.fail("PyInstaller is not installed (pip install -e '.[build]'), or deselect with -m 'not frozen'")
    reuse = os.environ.get("POLICY_DESK_FROZEN_APP")
    if reuse:
        bundle = Path(reuse).resolve()
        summary = {"bundle": str(bundle), "build_seconds": None}
    else:
        out = tmp_path_factory.mktemp("frozen")
        proc = subprocess.run(
            [sys.executable, str(ROOT / "build" / "build_app.py"), "--dist", str(out / "dist"),
             "--work", str(out / "work"), "--json"],
            capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=1800, cwd=ROOT,
        )
        assert proc.returncode == 0, f"build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
        summary = json.loads(proc.stdout.strip().splitlines()[-1])
        bundle = Path(summary["bundle"])
    exe = bundle / ("policy-desk.exe" if sys.platform == "win32" else "policy-desk")
    assert exe.exists()
    before = _tree(bundle)
    _set_writable(bundle, False)
    try:
        yield {"bundle": bundle, "exe": exe, "summary": summary, "tree": before}
    finally:
        _set_writable(bundle, True)


@pytest.fixture
def run_frozen(frozen_app, tmp_path):
    """Run the frozen program with fresh user folders; check the bundle is untouched afterwards."""
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "POLICY_DESK", "QT_"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        POLICY_DESK_DATA=str(tmp_path / "data"),
        POLICY_DESK_CACHE=str(tmp_path / "cache"),
        HOME=str(home), USERPROFILE=str(home), XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"), XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    (tmp_path / "runtime").mkdir(mode=0o700)

    def run(*args, timeout: int = 300) -> subprocess.CompletedProcess:
        proc = subprocess.run(_no_override_prefix() + [str(frozen_app["exe"]), *map(str, args)], env=env,
                              cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=timeout)
        assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
        return proc

    run.tmp = tmp_path
    yield run
    assert _tree(frozen_app["bundle"]) == frozen_app["tree"], "the frozen program wrote into its own folder"


# --------------------------------------------------------------------------- the bundle


def test_bundle_holds_data_index_fonts_and_dictionaries(frozen_app):
    inside = frozen_app["bundle"] / "_internal"
    for rel in ("policies.db", "policies.index/STAMP", "resources/fonts/wqy-microhei.ttc",
                "resources/search/userdict.txt", "resources/questionnaire", "jieba/dict.txt"):
        assert (inside / rel).exists(), rel
    # the prebuilt index is the one search.py will pick for the bundled database
    from desktop.library.search import index_dir_for

    folder, ready = index_dir_for(inside / "policies.db")
    assert ready and folder == inside / "policies.index"
    if not os.environ.get("POLICY_DESK_FROZEN_APP"):  # the bundled database is the checkout's
        assert _sha(inside / "policies.db") == _sha(ROOT / "policies.db")
    # no tests, no unused Qt modules, no unused jieba models
    names = [p.relative_to(inside).as_posix() for p in inside.rglob("*")]
    for unwanted in ("WebEngine", "Qt6Quick", "Qt6Qml", "Qt6Designer", "QtQuick", "/tests/", "_pytest",
                     "jieba/analyse", "lac_small", "numpy"):
        assert not [n for n in names if unwanted in "/" + n], unwanted
    size_mb = sum(p.stat().st_size for p in inside.rglob("*") if p.is_file()) / 1e6
    assert size_mb < MAX_BUNDLE_MB


# --------------------------------------------------------------------------- the program


def test_frozen_gui_smoke_opens_window_matches_and_searches(run_frozen):
    proc = run_frozen("gui", "--smoke")
    assert proc.returncode == 0, f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    # desktop.gui.app._smoke: the window was shown, one match ran through it, one search found hits
    line = re.search(r"smoke ok: window (\d+)x(\d+) .*适用 (\d+) .*search 预付卡: (\d+) hits", proc.stdout)
    assert line, proc.stdout + proc.stderr
    width, height, applies, hits = map(int, line.groups())
    assert width > 0 and height > 0 and applies > 0 and hits > 0
    assert "could not" not in proc.stderr.lower() and "plugin" not in proc.stderr.lower(), proc.stderr
    assert not (run_frozen.tmp / "cache" / "index").exists(), "the bundled search index was not used"


def test_frozen_cli_search_uses_the_bundled_index_and_dictionary(run_frozen):
    proc = run_frozen("search", "预付卡", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["query"] == "预付卡" and data["hits"]
    assert any("预付卡" in h["snippet"] or "预付卡" in h["doc_title"] for h in data["hits"])
    cache = run_frozen.tmp / "cache"
    assert not (cache / "index").exists(), "the search index was rebuilt instead of read from the bundle"
    assert list((cache / "jieba").glob("*.cache")), "jieba's cache did not go to the user cache folder"


def test_frozen_cli_match_and_checklist(run_frozen):
    pdf = run_frozen.tmp / "checklist.pdf"
    proc = run_frozen("match", EXAMPLE, "--format", "json", "--pdf", pdf)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["company"] == "北京智算软件科技有限公司" and data["counts"]["applies"] > 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_frozen_cli_clear_error_without_traceback(run_frozen):
    bad = run_frozen.tmp / "bad.json"
    bad.write_bytes(b"\xff\xfe not json")
    proc = run_frozen("match", bad)
    assert proc.returncode == 2 and proc.stderr.startswith("错误：") and proc.stderr.count("\n") == 1


def test_frozen_import_pack_switches_the_data(run_frozen):
    from desktop.datapack import write_pack
    from packkeys import TEST_SIGN_KEY, trust_test_key

    db = run_frozen.tmp / "newer.db"
    shutil.copy(ROOT / "policies.db", db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE meta SET value = '2099.12.1' WHERE key = 'data_version'")
    conn.close()
    pack = run_frozen.tmp / "newer.pdpack"
    write_pack(db, pack, sign_key=TEST_SIGN_KEY)
    trust_test_key(run_frozen.tmp / "data")  # the frozen app's user-data folder trusts the test key
    proc = run_frozen("import-pack", pack)
    assert proc.returncode == 0, proc.stderr
    assert (run_frozen.tmp / "data" / "data" / "policies.db").exists()
    proc = run_frozen("match", EXAMPLE, "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["data_version"] == "2099.12.1"
    proc = run_frozen("import-pack", pack)
    assert proc.returncode == 2 and "与当前数据版本相同" in proc.stderr
