"""The docs/ book stays true: the generated indicator reference matches the registry, and every
relative link and file path named in README.md and docs/*.md exists."""
from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from dashboard.cli import cli
from db.indicators import load_indicator_settings
from db.indicators.reference import COMMAND, REFERENCE_PATH, render_reference
from db.indicators.settings import DEFAULT_PATH
from tests.pyparse import parse_file

ROOT = Path(__file__).resolve().parents[1]
BOOK = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_indicator_reference_is_current() -> None:
    expected = render_reference(load_indicator_settings(DEFAULT_PATH), DEFAULT_PATH)
    committed = REFERENCE_PATH.read_text(encoding="utf-8")
    assert committed == expected, (
        f"docs/indicators.md differs from the registry and config/indicators.toml; "
        f"regenerate it with `{COMMAND}` and commit the result"
    )


def test_reference_follows_the_registry() -> None:
    """A changed definition changes the rendered chapter (so the test above can fail)."""
    settings = load_indicator_settings(DEFAULT_PATH)
    changed = dict(settings.indicators)
    changed["closure_rate"] = dataclasses.replace(changed["closure_rate"], digits=1,
                                                  denominator="new")
    altered = render_reference(dataclasses.replace(settings, indicators=changed), DEFAULT_PATH)
    original = render_reference(settings, DEFAULT_PATH)
    assert altered != original
    row = next(line for line in altered.splitlines() if line.startswith("| [`closure_rate`]"))
    assert "| `new` |" in row and "| 1 |" in row


def test_reference_names_every_indicator_and_court_change() -> None:
    text = REFERENCE_PATH.read_text(encoding="utf-8")
    for key, ind in load_indicator_settings(DEFAULT_PATH).indicators.items():
        assert f'<a id="{key}"></a>' in text and ind.name in text
    # config/indicators.toml counts completion_rate over 首执+执恢 only, unlike the registry
    section = text.split('<a id="completion_rate"></a>')[1].split("<a id=")[0]
    assert "本院配置改动" in section and "恢复执行 `resumed`" in section


def test_reference_command_check_and_print(tmp_path: Path) -> None:
    runner = CliRunner()
    checked = runner.invoke(cli, ["indicators-reference", "--check"])
    assert checked.exit_code == 0, checked.output
    printed = runner.invoke(cli, ["indicators-reference"])
    assert printed.exit_code == 0
    assert printed.output == REFERENCE_PATH.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("[indicators.closure_rate]\ndigits = 9\n", encoding="utf-8")
    refused = runner.invoke(cli, ["indicators-reference", "--settings", str(bad)])
    assert refused.exit_code == 1 and "indicators.closure_rate.digits" in refused.output


# ---- links and paths --------------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
# a repository path: starts with a top-level folder or file of the repository
PATH_LIKE = re.compile(r"^[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-{},*<>]+)*/?$")
SUFFIXES = (".py", ".md", ".toml", ".txt", ".css", ".js", ".png", ".sh", ".cfg", ".ini")


def _text_without_fences(path: Path) -> str:
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def _anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    found = set(re.findall(r'<a id="([^"]+)"', text))
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*$", FENCE.sub("", text), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def _links() -> list[tuple[Path, str]]:
    return [(doc, target) for doc in BOOK
            for target in LINK.findall(_text_without_fences(doc))]


def test_book_has_links() -> None:
    assert len(_links()) > 20, "README.md and docs/ should link to each other"


@pytest.mark.parametrize("doc", BOOK, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(doc: Path) -> None:
    bad = []
    for target in LINK.findall(_text_without_fences(doc)):
        if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = unquote(target).partition("#")
        dest = (doc.parent / file_part).resolve() if file_part else doc
        if not dest.exists():
            bad.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            bad.append(f"{target}: no anchor #{anchor} in {dest.relative_to(ROOT)}")
    assert not bad, f"{doc.relative_to(ROOT)}: broken links:\n" + "\n".join(bad)


def _expand(name: str) -> list[str]:
    """`a/{b,c}.py` → [`a/b.py`, `a/c.py`] (one brace group is enough for the book)."""
    match = re.search(r"\{([^{}]+)\}", name)
    if not match:
        return [name]
    return [out for choice in match.group(1).split(",")
            for out in _expand(name[:match.start()] + choice + name[match.end():])]


def _named_paths(doc: Path) -> list[str]:
    found = []
    top = {p.name for p in ROOT.iterdir()}
    for span in CODE_SPAN.findall(_text_without_fences(doc)):
        span = span.strip()
        if not PATH_LIKE.match(span) or "/" not in span:
            continue
        if span.split("/")[0] not in top:
            continue  # URLs like /wall or things outside the repository (../shared/…)
        if "<" in span or "*" in span:
            continue  # patterns such as docs/screenshots/<name>-<w>x<h>.png, bench/*.py
        if not (span.endswith("/") or span.endswith(SUFFIXES)):
            continue
        found.extend(_expand(span))
    return found


@pytest.mark.parametrize("doc", BOOK, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_named_files_exist(doc: Path) -> None:
    missing = sorted({p for p in _named_paths(doc) if not (ROOT / p).exists()})
    assert not missing, f"{doc.relative_to(ROOT)} names files that do not exist: {missing}"


def test_path_check_can_fail(tmp_path: Path) -> None:
    doc = tmp_path / "x.md"
    doc.write_text("see `db/indicators/nope.py` and `docs/{index,nope}.md` and [a](nope.md)\n"
                   "```\n`db/in_a_fence.py`\n```\n", encoding="utf-8")
    names = _named_paths(doc)
    assert "db/indicators/nope.py" in names and "docs/nope.md" in names
    assert "db/in_a_fence.py" not in names
    assert LINK.findall(_text_without_fences(doc)) == ["nope.md"]


# ---- commands ---------------------------------------------------------------------------

COMMAND_RE = re.compile(r"python -m dashboard ((?:[a-z][a-z0-9-]*)(?: [a-z][a-z0-9-]*)?)")
MAKE_RE = re.compile(r"(?:`|^\s*)make ([a-z][a-z-]*)\b", re.M)  # in code, not prose


def _commands_named() -> set[tuple[str, ...]]:
    found = set()
    for doc in BOOK:
        for match in COMMAND_RE.findall(doc.read_text(encoding="utf-8")):
            found.add(tuple(match.split()))
    return found


def test_named_cli_commands_exist() -> None:
    missing = []
    for words in sorted(_commands_named()):
        command = cli.commands.get(words[0])
        if command is None:
            missing.append(" ".join(words))
        elif len(words) > 1 and hasattr(command, "commands") and words[1] not in command.commands:
            missing.append(" ".join(words))
    assert ("indicators-reference",) in {w[:1] for w in _commands_named()}
    assert not missing, f"the book names commands that do not exist: {missing}"


def test_named_make_targets_exist() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    named = {t for doc in BOOK for t in MAKE_RE.findall(doc.read_text(encoding="utf-8"))}
    assert {"run", "test"} <= named
    assert not named - targets, f"the book names make targets that do not exist: {sorted(named - targets)}"


def test_architecture_lists_the_declared_db_imports() -> None:
    """docs/architecture.md's table of db packages is DB_DEPENDS of tests/test_layering.py."""
    from tests.test_layering import DB_DEPENDS

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `db/([a-z_]+)/` \| ([^|]*) \|$", text, re.M)
    table = {pkg: set(re.findall(r"`([a-z_]+)`", deps)) for pkg, deps in rows}
    assert table == DB_DEPENDS, (
        "update the table under “Inside db” in docs/architecture.md to match DB_DEPENDS "
        f"(documented {table}, declared {DB_DEPENDS})"
    )


def test_every_dependency_is_explained() -> None:
    """Each package pinned in requirements*.txt has a row in docs/development.md saying why."""
    text = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    explained = {name.lower() for name in re.findall(r"^\| `([A-Za-z0-9_.\-]+)(?:\[[a-z]+\])?`", text, re.M)}
    pinned = set()
    for req in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / req).read_text(encoding="utf-8").splitlines():
            name = re.match(r"^([A-Za-z0-9_.\-]+)", line.strip())
            if name and not line.startswith("-r"):
                pinned.add(name.group(1).lower())
    missing = sorted(pinned - explained)
    assert pinned and not missing, f"add a row saying why to 依赖说明 in docs/development.md: {missing}"


# ---- dotted names -----------------------------------------------------------------------

DOTTED = re.compile(r"(?<![\w/.])((?:db|dashboard|callbacks|layouts)(?:\.[A-Za-z_]\w*)+)")


def _module_file(parts: list[str]) -> Path | None:
    base = ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _defined(tree: ast.AST, name: str) -> ast.AST | None:
    """The top-level statement of `tree` that binds `name`, if any."""
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if node.name == name:
                return node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return node
        elif isinstance(node, ast.Import | ast.ImportFrom):
            if any((a.asname or a.name.split(".")[0]) == name for a in node.names):
                return node
    return None


def _resolves(dotted: str) -> bool:
    """Static: a module path, then a name the module defines (and a method of a class)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        path = _module_file(parts[:cut])
        if path is None:
            continue
        rest = parts[cut:]
        if not rest:
            return True
        tree: ast.AST | None = parse_file(path)
        for name in rest:
            tree = _defined(tree, name) if tree is not None else None
            if tree is None:
                return False
            if not isinstance(tree, ast.ClassDef):
                return True  # attributes of values are not followed
        return True
    return False


@pytest.mark.parametrize("doc", BOOK, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_named_python_objects_exist(doc: Path) -> None:
    names = set(DOTTED.findall(doc.read_text(encoding="utf-8")))
    missing = sorted(n for n in names if not _resolves(n))
    assert not missing, f"{doc.relative_to(ROOT)} names modules or objects that do not exist: {missing}"


def test_dotted_check_can_fail() -> None:
    assert _resolves("db.indicators.reference.render_reference")
    assert _resolves("db.snapshot.refresh.Refresher.run")
    assert not _resolves("db.snapshot.build_snapshot")
    assert not _resolves("db.snapshot.refresh.Refresher.nope")
    assert not _resolves("db.nope")


def test_readme_demo_sign_ins_are_the_real_ones() -> None:
    from db.demo.users import DEMO_USERS, DEMO_WALL_TOKEN, REGION_USERS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z-]+)` \| `([^`]+)` \|", readme, re.M))
    assert rows == {(u.username, u.password) for u in DEMO_USERS + REGION_USERS}, "README's 演示账号 tables"
    assert f"/wall/token/{DEMO_WALL_TOKEN}" in readme
