"""One-way imports: dashboard → callbacks → layouts, db; db never imports Dash or the layers above."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.config import ROOT
from tests.pyparse import parse_file

# package → module prefixes its files must not import (directly).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "db": ("dashboard", "callbacks", "layouts", "dash", "dash_ag_grid", "plotly", "tests"),
    "layouts": (
        "dashboard", "callbacks", "tests", "sqlalchemy", "alembic", "flask_caching",
        "db.session", "db.models", "db.queries", "db.context", "db.migrate", "db.cases.input",
        "db.demo", "db.snapshot",
    ),
    "callbacks": ("dashboard", "tests"),
    "dashboard": ("tests",),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = module.split(".")
        keep = len(parts) - node.level + (1 if is_package else 0)
        base = ".".join(parts[:keep] + ([node.module] if node.module else []))
    return [f"{base}.{alias.name}" if base else alias.name for alias in node.names] + [base]


def imports_of(path: Path, module: str | None = None) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import statement in `path`."""
    module = module or _module_name(path)
    tree = parse_file(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            for name in _resolve(module, path.name == "__init__.py", node):
                yield node.lineno, name


def _hits(name: str, prefixes: tuple[str, ...]) -> str | None:
    return next((p for p in prefixes if name == p or name.startswith(p + ".")), None)


def violations(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, name in imports_of(path):
            if _hits(name, FORBIDDEN[package]):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return sorted(set(found))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_the_layering(package: str) -> None:
    bad = violations(package)
    assert not bad, "layering violated:\n" + "\n".join(bad)


def test_checker_sees_relative_and_absolute_imports(tmp_path: Path) -> None:
    """The import scanner resolves `from ..x import y` and plain imports to full names."""
    fake = tmp_path / "probe.py"
    code = "import dash\nfrom ..layouts import ids\nfrom .session import make_engine\n"
    fake.write_text(code, encoding="utf-8")
    names = {name for _, name in imports_of(fake, "db.probe")}
    assert {"dash", "layouts.ids", "db.session.make_engine"} <= names
    assert _hits("dash", FORBIDDEN["db"]) and not _hits("dashboard_x", ("dashboard",))


def test_importing_all_of_db_loads_no_dash() -> None:
    """Transitively too: importing every db module never pulls Dash or the layers above into memory."""
    probe = (
        "import importlib, pkgutil, sys, db\n"
        "for m in pkgutil.walk_packages(db.__path__, 'db.'):\n"
        "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in "
        "{'dash', 'dashboard', 'callbacks', 'layouts', 'plotly'})\n"
        "print(' '.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"db pulled in: {done.stdout}"


# db package → the other db packages it may import (the root modules base, session, context,
# migrate, errors and sqldates are open to all). Each package's docstring says the same.
DB_ROOT_MODULES = ("base", "session", "context", "migrate", "errors", "sqldates", "timeouts")
DB_DEPENDS: dict[str, set[str]] = {
    "models": set(),
    "migrations": {"models"},
    "cases": {"models"},
    "org": {"models"},
    "auth": {"models", "org"},
    "export": set(),
    "indicators": {"models", "cases"},
    "supervision": {"models", "auth"},
    "nodes": {"models", "cases", "supervision", "auth"},
    "campaigns": {"models", "cases", "auth", "indicators", "org"},
    "queries": {"models", "cases", "auth", "indicators", "nodes", "org"},
    "snapshot": {"models", "cases", "indicators", "nodes", "campaigns", "auth", "export", "org"},
    "demo": {"models", "cases", "auth", "nodes", "supervision", "campaigns", "triage", "org"},
    "events": {"models", "cases", "auth"},
    "imports": {"models", "cases", "auth", "org"},
    "uploads": {"models", "imports", "auth"},
    "triage": {"models", "cases", "auth"},
}


def _project_modules() -> dict[str, Path]:
    found = {}
    for package in ("db", "dashboard", "callbacks", "layouts"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations/versions" not in path.as_posix():
                found[_module_name(path)] = path
    return found


def _edges(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module → project modules it imports explicitly.

    `from a import b` counts as importing `a.b` when that is a module, else `a`; the parent
    packages Python also runs on the way are left out (a package's `__init__` re-exporting its
    own modules is not a circle).
    """
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = parse_file(path)
        names: list[str] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                resolved = _resolve(module, path.name == "__init__.py", node)
                base, members = resolved[-1], resolved[:-1]
                names += [m for m in members if m in modules] or [base]
        targets = set()
        for name in names:
            parts = name.split(".")
            for end in range(len(parts), 0, -1):
                candidate = ".".join(parts[:end])
                if candidate in modules:
                    if candidate != module:
                        targets.add(candidate)
                    break
        graph[module] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    """No two project modules import each other, directly or around a circle (lazy imports count)."""
    cycles = _cycles(_edges(_project_modules()))
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_cycle_finder_finds_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_db_packages_import_only_what_they_declare() -> None:
    packages = {p.name for p in (ROOT / "db").iterdir() if p.is_dir() and any(p.glob("*.py"))}
    assert packages == set(DB_DEPENDS), "declare each db package in DB_DEPENDS"
    bad = []
    for package, allowed in DB_DEPENDS.items():
        for path in sorted((ROOT / "db" / package).rglob("*.py")):
            for line, name in imports_of(path):
                parts = name.split(".")
                if parts[0] != "db" or len(parts) < 2:
                    continue
                other = parts[1]
                if other in (package, *DB_ROOT_MODULES) or other in allowed:
                    continue
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not bad, "db package imports outside its declaration:\n" + "\n".join(sorted(set(bad)))
