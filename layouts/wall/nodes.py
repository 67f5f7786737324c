"""节点 screen: overdue and soon-due process nodes by kind and team, 督办 and 案款 ageing.

Reads the snapshot's "nodes" field (db/nodes/counts.py `node_summary`); while node control is
not enabled (the field is null) the screen says what it will show and shows no numbers.
"""
from __future__ import annotations

from typing import Any

from dash import html

from layouts import ids
from layouts.units import wan

# What the screen will show once node control (节点管控) exists: (title, explanation).
PLANNED: tuple[tuple[str, str], ...] = (
    ("超期节点 · 按节点类型", "执行通知、财产查控、财产处置、案款发放等节点已超过期限的件数"),
    ("即将到期 · 临期提醒", "临近期限的节点，超期之前就能看到"),
    ("按团队", "各团队超期与临期节点件数并排对比，超期多的团队突出显示"),
    ("督办与案款", "督办单：已下发、已反馈、逾期、已办结；到账未发放的案款按账龄分档"),
)
# Headline figures: (where, key, label, unit, css). css marks how urgent a non-zero count is;
# colours follow the meaning: a late node (超期) is amber or red, never green.
HEADLINES: tuple[tuple[str, str, str, str, str], ...] = (
    ("totals", "overdue", "超期未完成", "个", "bad"),
    ("totals", "due_soon", "临期", "个", "warn"),
    ("totals", "done_late", "超期完成", "个", "warn"),  # late is never green, even when done
    ("supervision", "open", "督办未办结", "件", "info"),
    ("supervision", "overdue", "督办逾期", "件", "bad"),
)
SUPERVISION: tuple[tuple[str, str], ...] = (
    ("issued", "已下发"), ("answered", "已反馈"), ("overdue", "逾期"), ("closed", "已办结"),
)
# flat: nothing to worry about (a zero count), green; info: a neutral count, never green.
URGENCY = {"bad": "■", "warn": "◆", "flat": "●", "info": "●"}
NODE_ROWS = 9


def screen() -> list[Any]:
    """The empty 节点 frame; the callback fills it from the snapshot."""
    return [html.Div(id=ids.Wall.NODES, className="w-nodes")]


def _planned() -> list[Any]:
    cards = [html.Div([html.H3(title), html.P(text)], className="w-plan-card") for title, text in PLANNED]
    return [
        html.Div(
            [html.Div("◷", className="w-plan-icon"),
             html.Div([html.H2("节点管控尚未启用"),
                       html.P("本屏不显示任何推算或示例数据。节点管控启用后，这里将实时显示：")])],
            className="w-plan-head",
        ),
        html.Div(cards, className="w-plan-grid"),
    ]


def _count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _headline(nodes: dict[str, Any], where: str, key: str, label: str, unit: str, css: str) -> html.Div:
    value = _count((nodes.get(where) or {}).get(key))
    tone = css if value else "flat"
    return html.Div(
        [html.Div([html.Span(URGENCY[tone], className=f"w-urg w-urg--{tone}"), label], className="w-nh-label"),
         html.Div([html.Span(f"{value:,}", className="w-num-n"), html.Span(unit, className="w-num-u")],
                  className="w-num w-nh-value w-flash-on-change")],
        className=f"w-nh w-nh--{tone}", **{"data-key": f"{where}.{key}"},
    )


def _bar_row(label: str, overdue: int, due_soon: int, top: int, extra: str = "") -> html.Div:
    width = f"{100 * overdue / top:.1f}%" if top else "0%"
    return html.Div(
        [html.Span(label, className="w-nr-label"),
         html.Div(html.Div(className="w-nr-fill", style={"width": width}), className="w-nr-bar"),
         html.Span(f"{overdue:,}", className="w-nr-over w-flash-on-change"),
         html.Span(f"{due_soon:,}", className="w-nr-soon w-flash-on-change"),
         html.Span(extra, className="w-nr-extra")],
        className="w-nr" + (" w-nr--over" if overdue else ""),
    )


def _head_row(extra: str = "") -> html.Div:
    return html.Div([html.Span("", className="w-nr-label"), html.Span("", className="w-nr-bar"),
                     html.Span("■ 超期", className="w-nr-over"), html.Span("◆ 临期", className="w-nr-soon"),
                     html.Span(extra, className="w-nr-extra")], className="w-nr w-nr--head")


def by_node(nodes: dict[str, Any]) -> list[html.Div]:
    """Node kinds with open overdue or soon-due nodes, most overdue first."""
    rows = [r for r in nodes.get("by_node") or [] if _count(r.get("overdue")) or _count(r.get("due_soon"))]
    rows.sort(key=lambda r: (-_count(r.get("overdue")), -_count(r.get("due_soon")), r.get("name") or ""))
    if not rows:
        return [html.Div("● 当前没有超期或临期节点", className="w-empty")]
    top = max(_count(r.get("overdue")) for r in rows)
    return [_head_row()] + [_bar_row(r.get("name") or r.get("key") or "—", _count(r.get("overdue")),
                                     _count(r.get("due_soon")), top) for r in rows[:NODE_ROWS]]


def by_team(nodes: dict[str, Any]) -> list[html.Div]:
    """Teams side by side: overdue, soon-due and 关键节点平均超期数."""
    rows = list(nodes.get("by_team") or [])
    if not rows:
        return [html.Div("暂无团队节点数据", className="w-empty")]
    top = max(_count(r.get("overdue")) for r in rows)
    return [_head_row("平均超期")] + [
        _bar_row(r.get("name") or "未分配", _count(r.get("overdue")), _count(r.get("due_soon")), top,
                 f"{float(r.get('avg_overdue') or 0):.2f}") for r in rows]


def _pairs(title: str, items: list[tuple[str, str]]) -> html.Div:
    return html.Div([html.H3(title)] + [
        html.Div([html.Span(label, className="w-kv-label"), html.Span(value, className="w-kv-value w-flash-on-change")],
                 className="w-kv") for label, value in items], className="w-kv-group")


def side(nodes: dict[str, Any]) -> list[html.Div]:
    """督办 status counts and 待发放案款 by age band."""
    sup = nodes.get("supervision") or {}
    pay = nodes.get("payments") or {}
    bands = [(b.get("label") or b.get("band") or "—",
              f"{_count(b.get('count')):,} 笔 · {wan(b.get('amount'))} 万元")
             for b in pay.get("bands") or []]
    return [_pairs("督办", [(label, f"{_count(sup.get(key)):,} 件") for key, label in SUPERVISION]),
            _pairs("待发放案款 · 按账龄", bands or [("—", "无")])]


def content(snapshot: dict[str, Any]) -> list[Any]:
    """Node alerts from the snapshot; without node control, the plan of this screen."""
    nodes = snapshot.get("nodes")
    if not nodes:
        return _planned()
    return [
        html.Div([_headline(nodes, *h) for h in HEADLINES], className="w-nh-row"),
        html.Div([
            html.Section([html.H2("超期与临期 · 按节点类型"), html.Div(by_node(nodes), className="w-nr-list")],
                         className="w-panel"),
            html.Section([html.H2("按团队"), html.Div(by_team(nodes), className="w-nr-list")], className="w-panel"),
            html.Section([html.H2("督办与案款"), *side(nodes)], className="w-panel"),
        ], className="w-node-grid"),
    ]
