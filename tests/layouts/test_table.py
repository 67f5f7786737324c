"""layouts/table.py: every table of the pages keeps its head row out of a `<thead>` (Chromium
keeps a style object for each laid-out table with one, and live pages mount theirs afresh with
every refresh)."""
from __future__ import annotations

from pathlib import Path

from dash import html

from layouts.table import HEAD_CLASS, table

LAYOUTS = Path(__file__).resolve().parents[2] / "layouts"


def test_labels_become_column_headers_above_the_body() -> None:
    built = table(("指标", "本期"), [html.Tr([html.Td("结案率"), html.Td("85.0%")])],
                  className="indicator-table", role="grid")
    head, body = built.children
    assert (type(head).__name__, head.className) == ("Tbody", HEAD_CLASS)
    assert [(th.children, th.scope) for th in head.children.children] == [("指标", "col"), ("本期", "col")]
    assert type(body).__name__ == "Tbody" and body.children[0].children[0].children == "结案率"
    assert (built.className, built.role) == ("indicator-table", "grid")


def test_a_given_head_row_is_kept_as_it_is() -> None:
    row = html.Tr([html.Th("团队", className="text")])
    assert table(row, []).children[0].children is row


def test_no_page_builds_a_thead_or_tfoot() -> None:
    sources = sorted(LAYOUTS.rglob("*.py"))
    found = [str(p.relative_to(LAYOUTS)) for p in sources
             if "html.Thead" in (text := p.read_text(encoding="utf-8")) or "html.Tfoot" in text]
    assert len(sources) > 40 and found == []
