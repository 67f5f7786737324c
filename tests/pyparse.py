"""ast.parse for the source-tree tests, safe against a CPython 3.11 race.

CPython 3.11 keeps the AST constructor's recursion counter in per-interpreter state
(python/cpython#106905). When another thread builds an AST at the same moment — in 3.11 every
traceback formatted in a background thread does, for its ``^^^^`` markers — the count is mixed and
``ast.parse`` raises ``SystemError: AST constructor recursion depth mismatch`` for a perfectly good
file. The suite runs servers and refreshers in threads, so a test reading the source tree parses
with the garbage collector paused (a collection running finalizers is where the interpreter can
switch threads mid-parse) and retries the rare collision.
"""
from __future__ import annotations

import ast
import gc
from pathlib import Path

_ATTEMPTS = 5


def parse_source(source: str, filename: str = "<unknown>") -> ast.Module:
    """ast.parse, retried when the interpreter-wide recursion counter was disturbed."""
    for attempt in range(_ATTEMPTS):
        enabled = gc.isenabled()
        gc.disable()
        try:
            return ast.parse(source, filename=filename)
        except SystemError as exc:
            if "recursion depth mismatch" not in str(exc) or attempt == _ATTEMPTS - 1:
                raise
        finally:
            if enabled:
                gc.enable()
    raise AssertionError("unreachable")


def parse_file(path: Path) -> ast.Module:
    return parse_source(path.read_text(encoding="utf-8"), filename=str(path))
