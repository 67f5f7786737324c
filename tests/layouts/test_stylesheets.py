"""The style sheets every page loads (assets/*.css: Dash serves all of them on every page) keep
away from a selector shape that makes Chromium leak: a `:has()` before a combinator whose
subject is universal (`*`, or a bare pseudo-class such as `:not(.x)`). With one such rule
active, every text change of the page (the wall's clock each second, each refresh's figures)
left two `blink::MediaQuerySet` objects that no garbage collection frees — measured with heap
snapshots (tests/browser/test_wall.py::test_text_changes_keep_no_style_objects and
docs/operations.md#bench-wall-heap). `:has()` as the subject (`.page:has(.home)`) or before a
class subject (`html:has(.wall) .watchdog-mark`) does not. Rules under `@media print` apply only
while printing and are not held to it."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHEETS = sorted((ROOT / "assets").glob("*.css"))
_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")


def selectors(css: str) -> list[tuple[str, str]]:
    """(enclosing at-rule prelude or '', selector) for every style rule, nested ones included."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found: list[tuple[str, str]] = []
    stack: list[str] = []
    prelude = ""
    for ch in css:
        if ch == "{":
            head = prelude.strip()
            if head and not head.startswith("@"):
                found += [(" ".join(stack), s.strip()) for s in head.split(",") if s.strip()]
            stack.append(head)
            prelude = ""
        elif ch == "}":
            if stack:
                stack.pop()
            prelude = ""
        elif ch == ";":
            prelude = ""  # a declaration ended: what follows is the next rule's selector
        else:
            prelude += ch
    return found


def _after_has(selector: str) -> str | None:
    """The selector's text after its first `:has(...)` group, or None without one."""
    start = selector.find(":has(")
    if start < 0:
        return None
    depth = 0
    for i in range(start + 4, len(selector)):
        depth += {"(": 1, ")": -1}.get(selector[i], 0)
        if depth == 0:
            return selector[i + 1:]
    return ""


def leaky(selector: str) -> bool:
    rest = _after_has(selector)
    if rest is None or not _COMBINATOR.match(rest):
        return False  # no :has(), or :has() in the subject compound
    subject = _COMBINATOR.split(rest.strip())[-1]
    return subject.startswith(("*", ":"))


def test_selector_reader_finds_rules_in_media_blocks() -> None:
    css = "a, b > c { x: 1 } @media (min-width: 9px) { .d:has(> .e) > * { y: 2; } }"
    assert selectors(css) == [("", "a"), ("", "b > c"), ("@media (min-width: 9px)", ".d:has(> .e) > *")]


def test_the_leaky_shape_is_recognised() -> None:
    assert leaky(".section-grid:has(> :nth-child(6)) > *")
    assert leaky(".desk-meeting:has(.material-visit) > :not(.meeting-material)")
    assert leaky(".g:has(> .y) *")
    assert not leaky(".shell.stale .page:has(.home)")
    assert not leaky("html:has(.wall) .watchdog-mark")
    assert not leaky(".chip-radio label:has(input:checked)")
    assert not leaky(".section-grid > :nth-child(4):nth-last-child(-n+2)")


def test_no_loaded_style_sheet_has_a_leaky_has_selector() -> None:
    assert SHEETS
    bad = [f"{sheet.name}: {selector}" for sheet in SHEETS
           for media, selector in selectors(sheet.read_text(encoding="utf-8"))
           if leaky(selector) and "print" not in media]
    assert bad == []
