"""今日待办's collapsed 已无法处理/需核实 group: a plain table with the grid's columns and signs."""
from __future__ import annotations

from dash import dcc, html

from layouts.desk.worklist import (
    STALE_COLUMNS,
    signed_days,
    stale_table,
    worklist_columns,
)


def test_signed_days_read_like_the_grid() -> None:
    assert [signed_days(v) for v in (-9, 0, 5, None)] == ["−9（超期）", "0（今日到期）", "+5", ""]


def test_stale_table_has_the_grid_headers_links_and_amounts() -> None:
    row = {"item": "续封：查封房产", "item__href": "/case/7#case-node-renewal", "case_number": "（2021）内0221执1号",
           "case_number__href": "/case/7", "officer": "甲", "deadline": "2024-01-02", "days_left": -700,
           "amount": 1234.5, "status_text": "届满已超过 30 天"}
    table = stale_table([row])
    assert isinstance(table, html.Table)
    headers = [th.children for th in table.children[0].children.children]
    grid_headers = {c["field"]: c["headerName"] for c in worklist_columns()}
    assert headers == [grid_headers[f] for f, _ in STALE_COLUMNS]
    cells = table.children[1].children[0].children
    links = [c.children for c in cells if isinstance(c.children, dcc.Link)]
    assert [(link.href, link.children) for link in links] == [
        ("/case/7#case-node-renewal", "续封：查封房产"), ("/case/7", "（2021）内0221执1号")]
    assert [c.children for c in cells][4:6] == ["−700（超期）", "1,234.50"]


def test_no_stale_items_says_so() -> None:
    assert stale_table([]).children == "没有此类事项。"
