"""Every table a page builds: the head row in a body section of its own, not in a `<thead>`.

Chromium keeps one `blink::MediaQuerySet` in the document's style engine for every `<table>`
with a `<thead>` (or `<tfoot>`) it lays out, whatever the section's display, never freed, and
Dash mounts a callback's `children` afresh with every answer: a live page (the wall, a desk
page following the snapshot version) re-created its tables, and each of them left ~160 bytes
behind, all day (found with heap snapshots on 7 December, docs/operations.md#bench-wall-heap).
A `<tbody class="t-head">` holds the head row instead: the same `th` cells (`scope="col"` when
built here), column widths and sticky header; the body rows' `:nth-child` unchanged.

Printing: Chromium repeats a table's header on each sheet only for a real `<thead>` (a `tbody`
styled `display: table-header-group` prints once), so assets/desk-print.js puts a `<thead>`
copy of each head row in place while a page prints and takes it out afterwards.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

HEAD_CLASS = "t-head"  # the head row's section; assets/desk-print.js and the style sheets select it


def head_row(labels: Sequence[Any]) -> html.Tr:
    """A row of column headers."""
    return html.Tr([html.Th(label, scope="col") for label in labels])


def table(head: html.Tr | Sequence[Any], body: Any, **props: Any) -> html.Table:
    """A table: `head` (a row of `th`, or the column labels) above `body` (its rows), each in a
    `<tbody>` of its own; `props` (className, role, aria-…) go to the `<table>`."""
    row = head if isinstance(head, html.Tr) else head_row(head)
    return html.Table([html.Tbody(row, className=HEAD_CLASS), html.Tbody(body)], **props)
