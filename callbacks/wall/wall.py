"""Video wall: fill the screens from the refresher's snapshot when its version changes.

Reads only the cached snapshot (never the case table). The shell's version Store is the
single trigger; `render_frame` publishes a new version to `Wall.SHOWN` only when it differs,
and each screen re-renders from that. Clock, rotation, kiosk and highlights are clientside.
Every screen's output is built once per snapshot version (`callbacks.render_cache`; the
refresher prerenders them) and then sent as stored JSON data to every wall.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import dash
import plotly.graph_objects as go
from dash import ClientsideFunction, Input, Output, State, html
from dash.exceptions import PreventUpdate
from flask import Flask

from callbacks.context import app_context
from callbacks.render_cache import memo_for
from db.snapshot import current_snapshot
from db.snapshot.store import read_snapshot
from layouts import ids
from layouts.wall import feed, figures, nodes, overview, teams
from layouts.wall.params import resolve

Snapshot = dict[str, Any]


def _snapshot(version: int | None) -> Snapshot:
    """The snapshot of `version` (else the current one); {} before the first refresh."""
    cache = app_context().extras["cache"]
    found = read_snapshot(cache, version) if version is not None else None
    return found or current_snapshot(cache) or {}


def _local_time(moment: str | None) -> str:
    if not moment:
        return "—"
    zone = ZoneInfo(app_context().settings["TIMEZONE"])
    parsed = dt.datetime.fromisoformat(moment)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(zone).strftime("%H:%M:%S")


def _period_text(snap: Snapshot) -> str:
    ytd = (snap.get("periods") or {}).get("ytd")
    if not ytd:
        return "统计期间：等待首次数据刷新"
    return (f"统计期间：{ytd['label']} {ytd['start']} 至 {ytd['end']} · "
            f"同比 {ytd['compare_start']} 至 {ytd['compare_end']}")


def resolve_config(params: dict[str, Any] | None) -> tuple[dict[str, Any], list[html.Span]]:
    """URL parameters over the server's wall settings; bad parameters are named in Chinese."""
    config = resolve(params, app_context().settings)
    return config, [html.Span("⚠ " + "；".join(config["errors"]))] if config["errors"] else []


class _Missing(Exception):
    """The requested snapshot version is gone from the cache: build without remembering."""


def _memo(name: str, version: int | None, build: Callable[[Snapshot], Any]) -> Any:
    """`build(snapshot)` as plain JSON data, built once per snapshot version (render_cache).

    Without a version, or when the cache no longer holds it, the output is built directly
    from whatever `_snapshot` finds and not remembered.
    """
    cache = app_context().extras["cache"]
    if version is None:
        return build(_snapshot(None))

    def make() -> Any:
        found = read_snapshot(cache, version)
        if found is None:
            raise _Missing
        return build(found)

    try:
        return memo_for(cache).get(name, version, make)
    except _Missing:
        return build(_snapshot(version))


def _frame(snap: Snapshot) -> tuple[str, list[Any], str]:
    court = (snap.get("court") or {}).get("name") or "—"
    stamp = _local_time(snap.get("computed_at"))
    updated = ["数据更新于 ", html.B(stamp)] if snap else ["数据尚未就绪"]
    return court, updated, _period_text(snap)


def render_frame(version: int | None, shown: int | None) -> tuple[Any, ...]:
    """Header and footer of a new snapshot; nothing when the version is the one on screen."""
    if version is not None and version == shown:
        raise PreventUpdate
    if version is None:
        snap = _snapshot(None)
        # 0 = "no snapshot yet": the screens then say so instead of staying blank
        return (snap.get("version") or 0, *_frame(snap))
    return (version, *_memo("frame", version, _frame))


def _overview(snap: Snapshot) -> tuple[list[Any], go.Figure, list[Any]]:
    return overview.tiles(snap), figures.trend_figure(snap.get("trend")), overview.month(snap)


def _teams(snap: Snapshot) -> tuple[list[Any], go.Figure, list[Any]]:
    shown = [team for team in teams.teams_of(snap) if teams.has_cases(team)]
    chart = figures.team_figure(shown, teams.CHART_KEYS)
    return teams.cards(snap), chart, teams.ranking(snap)


def _feed(snap: Snapshot) -> tuple[list[Any], list[Any]]:
    return feed.feed_rows(snap, app_context().settings["TIMEZONE"]), feed.campaign_card(snap)


# name → how one part of the wall is built from a snapshot (each memoized per version)
SCREENS: dict[str, Callable[[Snapshot], Any]] = {
    "frame": _frame,
    "overview": _overview,
    "teams": _teams,
    "nodes": nodes.content,
    "feed": _feed,
}


def render_overview(version: int | None) -> Any:
    return _memo("overview", version, SCREENS["overview"])


def render_teams(version: int | None) -> Any:
    return _memo("teams", version, SCREENS["teams"])


def render_nodes(version: int | None) -> Any:
    return _memo("nodes", version, SCREENS["nodes"])


def render_feed(version: int | None) -> Any:
    return _memo("feed", version, SCREENS["feed"])


def render_screens(version: int | None) -> tuple[Any, ...]:
    """Every screen's outputs, in the order `register` lists them."""
    return (*render_overview(version), *render_teams(version), render_nodes(version),
            *render_feed(version))


def prerender(server: Flask, version: int) -> None:
    """Build every screen of `version` into the shared cache (the refresher calls this right
    after publishing, before pages learn the version), so no page request builds a figure."""
    with server.app_context():
        for name, build in SCREENS.items():
            _memo(name, version, build)


_MIRROR_BANNER = """
function (text, hidden) {
    return [text || '', hidden !== false || !text];
}
"""


def _register_clientside(app: dash.Dash) -> None:
    app.clientside_callback(ClientsideFunction("wall", "configure"),
                            Output(ids.Wall.ROOT, "className"), Input(ids.Wall.CONFIG, "data"))
    app.clientside_callback(ClientsideFunction("wall", "arm"), Output(ids.Wall.FIRST, "data"),
                            Input(ids.Wall.SHOWN, "data"), State(ids.Wall.FIRST, "data"))
    app.clientside_callback(ClientsideFunction("wall", "flashFigures"), Output(ids.Wall.FLASH, "data"),
                            Input(ids.Wall.TREND, "figure"), Input(ids.Wall.TEAM_CHART, "figure"),
                            State(ids.Wall.FLASH, "data"))
    app.clientside_callback(_MIRROR_BANNER, Output(ids.Wall.STALE, "children"),
                            Output(ids.Wall.STALE, "hidden"),
                            Input(ids.Shell.BANNER, "children"), Input(ids.Shell.BANNER, "hidden"))


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.Wall.CONFIG, "data"), Output(ids.Wall.ERRORS, "children"),
                 Input(ids.Wall.PARAMS, "data"))(resolve_config)
    app.callback(Output(ids.Wall.SHOWN, "data"), Output(ids.Wall.COURT, "children"),
                 Output(ids.Wall.UPDATED, "children"), Output(ids.Wall.PERIOD, "children"),
                 Input(ids.Shell.VERSION, "data"), State(ids.Wall.SHOWN, "data"))(render_frame)
    # All four screens in one callback: a new version costs the wall two requests (frame,
    # screens), each answered with stored JSON, instead of five.
    app.callback(Output(ids.Wall.TILES, "children"), Output(ids.Wall.TREND, "figure"),
                 Output(ids.Wall.MONTH, "children"),
                 Output(ids.Wall.TEAMS, "children"), Output(ids.Wall.TEAM_CHART, "figure"),
                 Output(ids.Wall.RANKING, "children"),
                 Output(ids.Wall.NODES, "children"),
                 Output(ids.Wall.FEED, "children"), Output(ids.Wall.CAMPAIGN, "children"),
                 Input(ids.Wall.SHOWN, "data"),
                 prevent_initial_call=True)(render_screens)  # render_frame sets SHOWN on load
    _register_clientside(app)
