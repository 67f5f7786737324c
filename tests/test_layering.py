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

# package → module prefixes its files must not import (directly).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "db": ("dashboard", "callbacks", "layouts", "dash", "dash_ag_grid", "plotly", "tests"),
    "layouts": (
        "dashboard", "callbacks", "tests", "sqlalchemy", "alembic", "flask_caching",
        "db.session", "db.models", "db.queries", "db.context", "db.migrate", "db.case_input",
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
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
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
