"""Build the one-folder Policy Desk application with PyInstaller: ``python build/build_app.py``.

Steps: stage the bundled policies.db and build its whoosh index next to it (so the frozen app
never has to index at first start, and never writes into its own folder), run PyInstaller on
build/policy_desk.spec, then check the bundle (database, index stamp, fonts, dictionaries, no
unwanted Qt modules) and print its size and the build time. ``--smoke`` then starts the frozen
program from a read-only copy of the bundle: ``gui --smoke`` offscreen, one search and one match.

Options: --dist DIR (default build/dist), --work DIR (default build/work), --db FILE (default
policies.db of the checkout), --smoke, --clean (empty PyInstaller's cache first), --json (print
the summary as JSON on the last line).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build" / "policy_desk.spec"
APP_NAME = "PolicyDesk"
CLI_NAME = "policy-desk"
CONTENTS = "_internal"  # PyInstaller's default contents directory of a one-folder app

sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[build-app] {message}", flush=True)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def executable(bundle: Path, gui: bool = False) -> Path:
    if sys.platform == "win32":
        return bundle / (f"{APP_NAME}.exe" if gui else f"{CLI_NAME}.exe")
    return bundle / CLI_NAME


def stage(db: Path, staging: Path) -> dict[str, str]:
    """Copy the database into ``staging`` and build its search index beside it."""
    from desktop.build import sources_hash
    from desktop.library.schema import read_meta_file as read_meta
    from desktop.library.search import build_index, index_dir_for

    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    meta = read_meta(db)
    if db.resolve() == (ROOT / "policies.db").resolve() and meta.get("sources_hash") != sources_hash(ROOT):
        log("WARNING: policies.db is stale against resources/ (run `policy-desk build`); bundling it as is")
    shutil.copy2(db, staging / "policies.db")
    start = time.perf_counter()
    saved = os.environ.get("POLICY_DESK_CACHE")
    with tempfile.TemporaryDirectory(prefix="policy-desk-build-cache-") as cache:
        os.environ["POLICY_DESK_CACHE"] = cache  # jieba's cache for the indexing run only
        try:
            build_index(staging / "policies.db", staging / "policies.index")
            folder, ready = index_dir_for(staging / "policies.db")
        finally:
            if saved is None:
                os.environ.pop("POLICY_DESK_CACHE", None)
            else:
                os.environ["POLICY_DESK_CACHE"] = saved
    if not (ready and folder == staging / "policies.index"):
        raise SystemExit("the staged index does not match the database stamp")
    log(f"search index built in {time.perf_counter() - start:.1f} s")
    return meta


def check_bundle(bundle: Path, meta: dict[str, str]) -> list[str]:
    """Problems with the bundle (empty list when it is complete)."""
    problems = []
    inside = bundle / CONTENTS
    needed = [
        executable(bundle),
        inside / "policies.db",
        inside / "policies.index" / "STAMP",
        inside / "resources" / "fonts" / "wqy-microhei.ttc",
        inside / "resources" / "search" / "userdict.txt",
        inside / "resources" / "questionnaire",
        inside / "jieba" / "dict.txt",
    ]
    problems += [f"missing: {p.relative_to(bundle)}" for p in needed if not p.exists()]
    if sys.platform == "win32" and not executable(bundle, gui=True).exists():
        problems.append(f"missing: {APP_NAME}.exe")
    for pattern in ("**/*WebEngine*", "**/*Qt6Quick*", "**/*Qt6Qml*", "**/*Qt6Designer*", "**/tests/**/*.py",
                    "**/jieba/analyse/idf.txt", "**/lac_small/**", "**/numpy/**", "**/_pytest/**"):
        found = [p for p in inside.glob(pattern) if p.is_file()]
        if found:
            problems.append(f"unwanted in bundle: {found[0].relative_to(bundle)} (+{len(found) - 1})")
    if (inside / "policies.db").exists():
        from desktop.library.schema import read_meta_file as read_meta

        if read_meta(inside / "policies.db").get("data_version") != meta.get("data_version"):
            problems.append("bundled policies.db is not the staged one")
    return problems


def run_pyinstaller(dist: Path, work: Path, staging: Path, clean: bool = False) -> None:
    env = dict(os.environ, POLICY_DESK_STAGING=str(staging))
    cmd = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm",
           "--distpath", str(dist), "--workpath", str(work / "pyinstaller"), "--log-level", "WARN"]
    if clean:
        cmd.append("--clean")
    log(" ".join(cmd))
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)


# ----------------------------------------------------------------------------- smoke test


def folder_state(folder: Path) -> dict[str, str]:
    """Every entry below ``folder`` with its size and mtime (links with their target): a snapshot
    to prove a run wrote nothing into the bundle."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_file():
            st = p.stat()
            out[rel] = f"{st.st_size}:{st.st_mtime_ns}"
        else:
            out[rel] = "dir"
    return out


def set_writable(folder: Path, writable: bool) -> None:
    for p in [folder, *folder.rglob("*")]:
        if p.is_symlink():
            continue
        mode = p.stat().st_mode
        p.chmod(mode | 0o200 if writable else mode & ~0o222)


def drop_root_write_access() -> list[str]:
    """A command prefix that makes root obey file permissions (so a read-only bundle is really
    read-only to the smoke run); empty when not root or setpriv is missing."""
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("setpriv"):
        return []
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"]


def smoke(bundle: Path) -> None:
    """Run the frozen program from a read-only bundle; raise SystemExit on any failure."""
    with tempfile.TemporaryDirectory(prefix="policy-desk-smoke-") as tmp:
        tmp = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "POLICY_DESK", "QT_"))}
        env.update(QT_QPA_PLATFORM="offscreen", POLICY_DESK_DATA=str(tmp / "data"),
                   POLICY_DESK_CACHE=str(tmp / "cache"), HOME=str(tmp / "home"),
                   XDG_CONFIG_HOME=str(tmp / "home" / ".config"), XDG_CACHE_HOME=str(tmp / "home" / ".cache"),
                   XDG_DATA_HOME=str(tmp / "home" / ".local" / "share"))
        before = folder_state(bundle)
        set_writable(bundle, False)
        try:
            exe = str(executable(bundle))
            profile = ROOT / "examples" / "software_sme_haidian.json"
            runs = [
                [exe, "search", "预付卡", "--format", "json"],
                [exe, "match", str(profile), "--format", "json", "--pdf", str(tmp / "checklist.pdf")],
            ]
            if (ROOT / "desktop" / "gui" / "app.py").exists():
                runs.append([exe, "gui", "--smoke"])
            prefix = drop_root_write_access()
            for cmd in runs:
                start = time.perf_counter()
                proc = subprocess.run(prefix + cmd, env=env, cwd=tmp, capture_output=True, text=True, encoding="utf-8",
                                      errors="replace", timeout=300)
                took = time.perf_counter() - start
                if proc.returncode != 0:
                    raise SystemExit(f"smoke run failed ({proc.returncode}): {cmd[1:]}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
                log(f"smoke ok in {took:.1f} s: {' '.join(cmd[1:])}")
        finally:
            set_writable(bundle, True)
        after = folder_state(bundle)
        changed = sorted(set(before) ^ set(after)) or [k for k, v in after.items() if before.get(k) != v]
        if changed:
            raise SystemExit(f"the frozen program wrote into its own folder: {changed[:5]}")
        if not (tmp / "checklist.pdf").read_bytes().startswith(b"%PDF"):
            raise SystemExit("the frozen program did not write the checklist PDF")
        if (tmp / "cache" / "index").exists():
            raise SystemExit("the frozen program rebuilt the search index instead of using the bundled one")
        log("smoke: bundle folder unchanged, prebuilt index used")


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the one-folder Policy Desk application (PyInstaller).")
    parser.add_argument("--dist", type=Path, default=ROOT / "build" / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "work")
    parser.add_argument("--db", type=Path, default=ROOT / "policies.db")
    parser.add_argument("--smoke", action="store_true", help="run the frozen program from a read-only bundle")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first (slower)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON on the last line")
    args = parser.parse_args(argv)
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        log('PyInstaller is not installed: python -m pip install -e ".[build]"')
        return 2
    dist, work = args.dist.resolve(), args.work.resolve()
    start = time.perf_counter()
    meta = stage(args.db.resolve(), work / "staging")
    run_pyinstaller(dist, work, work / "staging", clean=args.clean)
    seconds = time.perf_counter() - start
    bundle = dist / APP_NAME
    problems = check_bundle(bundle, meta)
    if problems:
        for p in problems:
            log(f"PROBLEM: {p}")
        return 1
    size = folder_size(bundle)
    summary = {
        "bundle": str(bundle),
        "executable": str(executable(bundle)),
        "build_seconds": round(seconds, 1),
        "size_bytes": size,
        "size_mb": round(size / 1e6, 1),
        "files": sum(1 for p in bundle.rglob("*") if p.is_file()),
        "data_version": meta.get("data_version"),
        "platform": sys.platform,
        "python": sys.version.split()[0],
    }
    log(f"built {bundle} in {seconds:.0f} s: {size / 1e6:.1f} MB, {summary['files']} files")
    if args.smoke:
        smoke(bundle)
    if args.json:
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
