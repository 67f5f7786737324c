"""节点 screen: overdue and soon-due process nodes and 督办 status, or what it will show."""
from __future__ import annotations

from typing import Any

from dash import html

from layouts import ids

# What the screen will show once node control (节点管控) exists: (title, explanation).
PLANNED: tuple[tuple[str, str], ...] = (
    ("超期节点 · 按节点类型", "执行通知、财产查控、财产处置、案款发放等节点已超过期限的件数"),
    ("即将到期 · 3日内", "临近期限的节点，按剩余天数分档提醒，超期之前就能看到"),
    ("按团队", "各团队超期与临期节点件数并排对比，超期多的团队突出显示"),
    ("督办状态", "督办单：待办、临期、超期、已办结，按团队汇总"),
)
# Sections drawn from snapshot["nodes"] when present: (key, title, unit).
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("overdue", "超期节点 · 按节点类型", "件"),
    ("due_soon", "即将到期 · 按节点类型", "件"),
    ("by_team", "按团队 · 超期 / 临期", "件"),
    ("supervision", "督办状态", "件"),
)


def screen() -> list[Any]:
    """The empty 节点 frame; the callback fills it from the snapshot."""
    return [html.Div(id=ids.Wall.NODES, className="w-nodes")]


def _planned() -> list[Any]:
    cards = [html.Div([html.H3(title), html.P(text)], className="w-plan-card") for title, text in PLANNED]
    return [
        html.Div(
            [html.Div("◷", className="w-plan-icon"),
             html.Div([html.H2("节点管控尚未启用"),
                       html.P("本屏不显示任何推算或示例数据。节点管控上线后，这里将实时显示：")])],
            className="w-plan-head",
        ),
        html.Div(cards, className="w-plan-grid"),
    ]


def _rows(items: Any, unit: str) -> list[html.Div]:
    if isinstance(items, dict):
        items = [{"label": label, "count": count} for label, count in items.items()]
    rows = []
    for item in items or []:
        label = item.get("label") or item.get("team") or "—"
        counts = [f"{item[k]}{unit}" for k in ("count", "overdue", "due_soon") if k in item]
        rows.append(html.Div([html.Span(label, className="w-node-label"),
                              html.Span(" / ".join(counts), className="w-node-count w-flash-on-change")],
                             className="w-node-row"))
    return rows or [html.Div("无", className="w-node-row w-node-row--none")]


def content(snapshot: dict[str, Any]) -> list[Any]:
    """Node alerts from the snapshot; without node control, the plan of this screen."""
    nodes = snapshot.get("nodes")
    if not nodes:
        return _planned()
    return [html.Section([html.H2(title), *_rows(nodes.get(key), unit)], className="w-panel node-panel")
            for key, title, unit in SECTIONS if key in nodes]
