"""Tables on the wall: the head row in a body section of its own, not in a `<thead>`.

The wall's callbacks replace these tables whole with every new snapshot (Dash mounts a
callback's `children` afresh), and Chromium keeps one `blink::MediaQuerySet` in the
document's style engine for every `<table>` with a `<thead>` it lays out, never freed: about
two a version on the 团队 screen, ~160 bytes each, all day (found with heap snapshots on 7
December, docs/operations.md#bench-wall-heap). A second `<tbody>` holds the head row instead:
the same `th` cells and column widths, the body rows' `:nth-child` unchanged. The wall is
never printed, so the repeated print header a `<thead>` gives (the desk's tables keep theirs)
is not needed here.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html


def table(head: html.Tr, rows: Sequence[Any], class_name: str) -> html.Table:
    """A wall table: `head` (a row of `th`) above `rows`, each in its own `<tbody>`."""
    return html.Table([html.Tbody(head, className="w-head"), html.Tbody(list(rows))], className=class_name)
