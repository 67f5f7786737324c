"""The /wall page frame: header (court, screen tabs, clock, freshness), five screens, footer."""
from __future__ import annotations

import functools
import json
from typing import Any

from dash import dcc, html
from plotly.io.json import to_json_plotly

from layouts import ids
from layouts.wall import campaign, center, feed, nodes, overview, region, teams
from layouts.wall.params import OPTIONAL, SCREENS, is_kiosk, screen_key

_BODIES = {
    "overview": lambda kiosk: overview.screen(kiosk),
    "teams": lambda kiosk: teams.screen(kiosk),
    "center": lambda kiosk: center.screen(),
    "nodes": lambda kiosk: nodes.screen(),
    "feed": lambda kiosk: feed.screen(),
    "campaign": lambda kiosk: campaign.screen(),
    "region": lambda kiosk: region.region_screen(),
    "courts": lambda kiosk: region.courts_screen(),
}


def _header(kiosk: bool) -> html.Header:
    # optional screens (专项行动) start hidden: wall.js shows their tab while they are live
    tabs = [html.Button(s.title, className="w-tab is-hidden" if s.key in OPTIONAL else "w-tab", disabled=kiosk,
                        **{"data-screen": s.key})
            for s in SCREENS.values()]
    home = None if kiosk else html.A("首页", href="/", className="wall-home")
    return html.Header(
        [
            html.Div([html.Div("执", className="w-brand-mark"),
                      html.Div([html.Div("—", id=ids.Wall.COURT, className="w-court-name"),
                                html.Div("执行指挥中心 · 质效看板", className="w-court-sub")])],
                     className="w-brand"),
            html.Nav([html.Div(tabs, className="w-tabs"),
                      html.Div(html.Div(className="w-rotate-fill"), className="w-rotate-bar"),
                      html.Button("继续轮播", className="w-resume", hidden=True) if not kiosk else None],
                     className="w-screen-nav"),
            html.Div(
                [html.Div([html.Div("数据更新于 —", id=ids.Wall.UPDATED, className="w-updated"),
                           html.Div(id=ids.Wall.STALE, className="wall-stale", hidden=True)],
                          className="w-freshness"),
                 html.Div([html.Div("--:--:--", className="w-clock-time"), html.Div("", className="w-clock-date")],
                          className="w-clock"),
                 home],
                className="w-status",
            ),
        ],
        className="wall-header",
    )


def _legend() -> html.Div:
    return html.Div(
        [html.Span([html.Span("●", className="w-lg w-lg--good"), "达标"]),
         html.Span([html.Span("◆", className="w-lg w-lg--warn"), "临界"]),
         html.Span([html.Span("■", className="w-lg w-lg--bad"), "未达标"]),
         html.Span([html.Span("○", className="w-lg w-lg--caveat"), "月初/样本少 不评"],
                   title="期间不足 7 天或分母过小的比率只显示数值，不标红绿"),
         html.Span([html.Span("▲▼", className="w-lg"), "同比升降 · 率的变化以个百分点计"])],
        className="w-legend",
    )


def layout(kiosk: str | None = None, rotate: str | None = None, screen: str | None = None,
           **_: Any) -> html.Div:
    """The wall; `kiosk=1` hides every control, `rotate=SECONDS`, `screen=NAME` pins one screen."""
    on = is_kiosk(kiosk)
    pinned = screen_key(screen)
    first = pinned or "overview"
    screens = [html.Section(_BODIES[key](on), className=f"w-screen w-screen--{key}" + (" is-active" if key == first else ""),
                            **{"data-screen": key}) for key in SCREENS]
    return html.Div(
        [
            dcc.Store(id=ids.Wall.PARAMS, data={"kiosk": kiosk, "rotate": rotate, "screen": screen}),
            dcc.Store(id=ids.Wall.CONFIG),
            dcc.Store(id=ids.Wall.SHOWN),
            dcc.Store(id=ids.Wall.FIRST),
            dcc.Store(id=ids.Wall.FLASH),
            dcc.Store(id=ids.Wall.LIVE),
            dcc.Store(id=ids.Wall.LIVE_ACK),
            _header(on),
            html.Div(screens, className="wall-body"),
            html.Footer([html.Div(id=ids.Wall.PERIOD, className="w-period"),
                         html.Div(id=ids.Wall.ERRORS, className="wall-errors"), _legend()], className="wall-footer"),
        ],
        id=ids.Wall.ROOT,
        className="wall wall--kiosk" if on else "wall",
        **{"data-screen": first},
    )


@functools.lru_cache(maxsize=32)
def _frozen(kiosk: Any, rotate: Any, screen: Any) -> dict[str, Any]:
    unfreeze = [list(v) if isinstance(v, tuple) else v for v in (kiosk, rotate, screen)]
    return json.loads(to_json_plotly(layout(*unfreeze)))


def frozen_layout(kiosk: Any = None, rotate: Any = None, screen: Any = None,
                  **_: Any) -> dict[str, Any]:
    """`layout` as the plain JSON data Dash sends, built once per URL parameters.

    The page holds no data (callbacks fill it), so every wall with the same URL gets the same
    frame; the router then sends stored data instead of walking the components again.
    """
    key = [tuple(v) if isinstance(v, list) else v for v in (kiosk, rotate, screen)]
    return _frozen(*key)
