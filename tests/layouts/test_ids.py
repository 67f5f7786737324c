"""layouts/ids.py is the only home of component IDs, and every ID in it is unique."""
from __future__ import annotations

import ast
import inspect
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from layouts import ids
from tests.pyparse import parse_file

LAYOUTS = Path(ids.__file__).parent
ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")


def _declared(namespace: object, prefix: str = "ids") -> Iterator[tuple[str, str]]:
    """(qualified name, id) for every UPPERCASE string constant, nested classes included."""
    for name, value in vars(namespace).items():
        if name.isupper() and isinstance(value, str):
            yield f"{prefix}.{name}", value
        elif inspect.isclass(value) and value.__module__ == ids.__name__:
            yield from _declared(value, f"{prefix}.{name}")


def test_ids_are_unique() -> None:
    declared = list(_declared(ids))
    counts = Counter(value for _, value in declared)
    clashes = {v: [n for n, x in declared if x == v] for v, c in counts.items() if c > 1}
    assert declared, "layouts/ids.py declares no IDs"
    assert not clashes, f"IDs used twice: {clashes}"


def test_ids_are_kebab_case() -> None:
    bad = [(name, value) for name, value in _declared(ids) if not ID_PATTERN.match(value)]
    assert not bad, f"IDs should be lower-case kebab-case: {bad}"


def _literal_ids(path: Path) -> Iterator[tuple[int, str]]:
    tree = parse_file(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "id" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    yield node.lineno, kw.value.value


def test_layouts_take_ids_from_the_ids_module() -> None:
    """No layout writes `id="..."` as a literal; it uses a name from layouts/ids.py."""
    literals = [
        f"{path.relative_to(LAYOUTS.parent)}:{line} id={value!r}"
        for path in sorted(LAYOUTS.rglob("*.py")) if path.name != "ids.py"
        for line, value in _literal_ids(path)
    ]
    assert not literals, "literal component IDs:\n" + "\n".join(literals)


def _literal_dependency_ids(path: Path) -> Iterator[tuple[int, str]]:
    tree = parse_file(path)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in {"Input", "Output", "State"} and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            yield node.lineno, node.args[0].value


def test_callbacks_take_ids_from_the_ids_module() -> None:
    """Input/Output/State in callbacks/ name their component through layouts/ids.py."""
    callbacks = LAYOUTS.parent / "callbacks"
    literals = [
        f"{path.relative_to(LAYOUTS.parent)}:{line} {value!r}"
        for path in sorted(callbacks.rglob("*.py"))
        for line, value in _literal_dependency_ids(path)
    ]
    assert not literals, "literal IDs in callbacks:\n" + "\n".join(literals)
