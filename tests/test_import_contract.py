"""The import contract, read from the source (AST) of every module under desktop/.

1. Data flows one way: corpus → library → rules → report (and the build/data-pack tools) →
   service (the facade) → session → gui → cli. No module imports a layer after its own.
2. The faces (desktop.gui, desktop.cli) reach corpus, library and rules only through
   desktop.service or desktop.session.
3. Only desktop.gui imports Qt, and every module that does not itself import Qt at module level
   imports with PySide6 unavailable (checked in a subprocess that blocks it).

Lazy imports inside functions count for 1 and 2: they are the same dependency, only later.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Layer of each package or module, in the order data flows; the longest matching prefix wins
# ("x*" matches modules whose name starts with x). desktop itself, paths, atomic and errorlog are
# plumbing every layer may use. A new top-level module must be given its place here.
LAYERS: dict[str, int] = {
    "desktop": 0, "desktop.paths": 0, "desktop.atomic": 0, "desktop.errorlog": 0,
    "desktop.corpus": 1,
    "desktop.library": 2,
    "desktop.rules": 3,
    "desktop.housekeeping": 0, "desktop.validity": 0,
    "desktop.report": 4, "desktop.build": 4,
    "desktop.datapack_format": 4, "desktop.datapack_signing": 4, "desktop.datapack_build": 4, "desktop.datapack_trust": 4,
    # Installing a pack probes it through the facade and the renderings, so it sits above them.
    "desktop.datapack": 6, "desktop.datapack_checks": 6, "desktop.datapack_install": 6, "desktop.datapack_cli": 6,
    "desktop.service": 5,
    "desktop.session": 6,
    "desktop.gui": 7,
    "desktop.cli": 8, "desktop.desk_cli": 8,
    "desktop.__main__": 9,
}
FACES = ("desktop.gui", "desktop.cli")
BEHIND_THE_FACADE = ("desktop.corpus", "desktop.library", "desktop.rules")
QT = ("PySide6", "shiboken6")

# Face imports not yet routed through desktop.service: (importing module, imported module).
# TODO(issue 17): empty this list; each entry is a shortcut the faces still take.
FACADE_ALLOWED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    importer: str
    target: str  # the module imported ("from desktop.x import y" → desktop.x)
    line: int
    top_level: bool  # at module level, not inside a function or class


def module_name(path: Path, package_root: Path) -> str:
    rel = path.relative_to(package_root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, package_root: Path) -> list[Import]:
    name = module_name(path, package_root)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top = {id(node) for node in tree.body}
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(name, alias.name, node.lineno, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append(Import(name, target, node.lineno, id(node) in top))
            # "from desktop import datapack" imports the module desktop.datapack too
            found += [Import(name, f"{target}.{a.name}", node.lineno, id(node) in top) for a in node.names
                      if _is_module(package_root, f"{target}.{a.name}")]
    return found


def _is_module(package_root: Path, dotted: str) -> bool:
    if not dotted.startswith(package_root.name + "."):
        return False
    path = package_root.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def layer_of(module: str) -> int | None:
    best = None
    for prefix, layer in LAYERS.items():
        if prefix == "desktop":  # the package's own __init__, not everything under it
            matches = module == prefix
        elif prefix.endswith("*"):
            matches = module.startswith(prefix[:-1])
        else:
            matches = module == prefix or module.startswith(prefix + ".")
        if matches:
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, layer)
    return best[1] if best else None


def all_imports(package_root: Path) -> list[Import]:
    return [i for path in sorted(package_root.rglob("*.py")) for i in imports_of(path, package_root)]


def against_the_flow(imports: list[Import]) -> list[str]:
    problems = []
    for i in imports:
        if not i.target.startswith("desktop"):
            continue
        mine, theirs = layer_of(i.importer), layer_of(i.target)
        if mine is None or theirs is None:
            stray = i.importer if mine is None else i.target
            problems.append(f"{i.importer}:{i.line} imports {i.target}: {stray} has no layer in LAYERS")
        elif theirs > mine:
            problems.append(f"{i.importer}:{i.line} imports {i.target}, a later layer")
    return problems


def facade_bypasses(imports: list[Import]) -> list[tuple[str, str, int]]:
    return [(i.importer, i.target, i.line) for i in imports
            if i.importer.startswith(FACES) and i.target.startswith(BEHIND_THE_FACADE)]


def qt_users(imports: list[Import]) -> set[str]:
    """Modules that import Qt at module level (they cannot import without it, by design)."""
    return {i.importer for i in imports if i.top_level and i.target.split(".")[0] in QT}


# --------------------------------------------------------------------------- the checks on a fake tree


def _fake_tree(tmp_path: Path, files: dict[str, str]) -> Path:
    pkg = tmp_path / "desktop"
    for rel, text in {"__init__.py": "", **files}.items():
        path = pkg / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return pkg


def test_the_checks_catch_what_they_forbid(tmp_path):
    pkg = _fake_tree(tmp_path, {
        "rules/__init__.py": "",
        "rules/engine.py": "def f():\n    from desktop.gui import window\n",  # lazy, still against the flow
        "gui/__init__.py": "",
        "gui/window.py": "from PySide6.QtWidgets import QWidget\nfrom ..rules.engine import f\n",
        "cli.py": "from desktop import service\nfrom desktop.library.db import Library\n",
        "service.py": "",
        "library/__init__.py": "", "library/db.py": "",
        "stray.py": "import desktop.library\n",
    })
    imports = all_imports(pkg)
    assert against_the_flow(imports) == ["desktop.rules.engine:2 imports desktop.gui, a later layer",
                                         "desktop.rules.engine:2 imports desktop.gui.window, a later layer",
                                         "desktop.stray:1 imports desktop.library: desktop.stray has no layer in LAYERS"]
    assert sorted(facade_bypasses(imports)) == [("desktop.cli", "desktop.library.db", 2),
                                                ("desktop.gui.window", "desktop.rules.engine", 2)]
    assert qt_users(imports) == {"desktop.gui.window"}
    assert layer_of("desktop.datapack_build") == layer_of("desktop.datapack_format") == 4
    assert layer_of("desktop.datapack_install") == layer_of("desktop.datapack") == 6
    assert layer_of("desktop.gui.app") == 7 and layer_of("desktop.guide") is None


# --------------------------------------------------------------------------- the real tree


@pytest.fixture(scope="module")
def real_imports() -> list[Import]:
    return all_imports(ROOT / "desktop")


def test_data_flows_one_way(real_imports):
    assert not against_the_flow(real_imports), "\n".join(against_the_flow(real_imports))


def test_faces_reach_library_and_rules_through_the_facade(real_imports):
    found = facade_bypasses(real_imports)
    new = [f"{m}:{line} imports {t}" for m, t, line in found if (m, t) not in FACADE_ALLOWED]
    assert not new, ("gui/cli must import these through desktop.service or desktop.session:\n"
                     + "\n".join(new))
    stale = FACADE_ALLOWED - {(m, t) for m, t, _ in found}
    assert not stale, f"remove these from FACADE_ALLOWED, they are fixed: {sorted(stale)}"


def test_only_the_gui_imports_qt(real_imports):
    outside = sorted({f"{i.importer}:{i.line}" for i in real_imports
                      if i.target.split(".")[0] in QT and not i.importer.startswith("desktop.gui")})
    assert not outside, outside


BLOCK_QT_AND_IMPORT = textwrap.dedent(
    """
    import importlib, importlib.abc, json, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6"):
                raise ImportError(f"Qt is unavailable here ({name})")
            return None

    sys.meta_path.insert(0, NoQt())
    failed = {}
    for name in json.loads(sys.argv[1]):
        try:
            importlib.import_module(name)
        except BaseException as exc:  # SystemExit from __main__ counts as imported
            if not isinstance(exc, SystemExit):
                failed[name] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(failed, ensure_ascii=False))
    """
)


def _import_without_qt(modules: list[str]) -> dict[str, str]:
    proc = subprocess.run([sys.executable, "-c", BLOCK_QT_AND_IMPORT, json.dumps(modules)],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_every_module_that_does_not_use_qt_imports_without_it(real_imports):
    modules = sorted({module_name(p, ROOT / "desktop") for p in (ROOT / "desktop").rglob("*.py")})
    uses_qt = qt_users(real_imports)
    plain = [m for m in modules if m not in uses_qt and m != "desktop.__main__"]  # __main__ runs the app
    assert "desktop.gui" in plain and "desktop.service" in plain and "desktop.cli" in plain
    failed = _import_without_qt(plain + ["desktop.gui.main_window"])
    # The blocker works: a window module fails; then nothing else may.
    assert "desktop.gui.main_window" in failed and "Qt is unavailable" in failed.pop("desktop.gui.main_window")
    assert not failed, "\n".join(f"{m}: {why}" for m, why in failed.items())
