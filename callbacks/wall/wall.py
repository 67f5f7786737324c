"""Video wall: fill the screens from the refresher's snapshot when its version changes.

Reads only the cached snapshot (never the case table). The shell's version Store is the
single trigger; `render_frame` publishes a new version to `Wall.SHOWN` only when it differs,
and each screen re-renders from that. Clock, rotation, kiosk and highlights are clientside.
Every screen's output is built once per snapshot version (`callbacks.render_cache`; the
refresher prerenders them) and then sent as stored JSON data to every wall.

A wall token of a court (wall_tokens.court_id) that does not cover the snapshot's court (a
basic court's token on its 中院's wall) gets only its own courts' panels of the 辖区 part: the
frame names its court, every other screen is empty and the rotation holds only its panels
(`_viewer`; built once per version and set of courts).
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

from callbacks import authz
from callbacks.context import app_context
from callbacks.render_cache import memo_for
from db.snapshot import current_snapshot
from db.snapshot.store import read_snapshot
from layouts import ids
from layouts.wall import campaign, center, feed, figures, nodes, overview, region, teams
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


def _access(snap: Snapshot) -> dict[str, Any]:
    """What the viewer check needs of a snapshot: its court and the courts of its 辖区."""
    return {"court": (snap.get("court") or {}).get("id"),
            "region": [c["id"] for c in region.region_of(snap).get("courts") or []]}


def _viewer(version: int | None) -> tuple[int, ...] | None:
    """None: the viewer sees the whole wall (a desk user, a token of no court or of a court
    covering the snapshot's); else the courts of the 辖区 it may see (maybe none)."""
    who = authz.current()
    if who is None or who.court_ids is None:
        return None
    found = _memo("access", version, _access)
    if found["court"] is None or found["court"] in who.court_ids:
        return None
    return tuple(c for c in found["region"] if c in who.court_ids)


def _limited_frame(only: tuple[int, ...]) -> Callable[[Snapshot], Any]:
    def build(snap: Snapshot) -> tuple[str, list[Any], str]:
        _court, updated, period = _frame(snap)
        return region.court_name(snap, only) or "无权查看本院大屏", updated, period
    return build


def render_frame(version: int | None, shown: int | None) -> tuple[Any, ...]:
    """Header and footer of a new snapshot; nothing when the version is the one on screen."""
    if version is not None and version == shown:
        raise PreventUpdate
    only = _viewer(version)
    build = _frame if only is None else _limited_frame(only)
    name = "frame" if only is None else f"frame:{','.join(map(str, only))}"
    if version is None:
        snap = _snapshot(None)
        # 0 = "no snapshot yet": the screens then say so instead of staying blank
        return (snap.get("version") or 0, *build(snap))
    return (version, *_memo(name, version, build))


def _overview(snap: Snapshot) -> tuple[list[Any], go.Figure, list[Any]]:
    return overview.tiles(snap), figures.trend_figure(snap.get("trend")), overview.month(snap)


def _teams(snap: Snapshot) -> tuple[list[Any], go.Figure, list[Any]]:
    shown = [team for team in teams.teams_of(snap) if teams.has_cases(team)]
    chart = figures.team_figure(shown, teams.CHART_KEYS)
    return teams.cards(snap), chart, teams.ranking(snap)


def _feed(snap: Snapshot) -> tuple[list[Any], list[Any]]:
    return feed.feed_rows(snap, app_context().settings["TIMEZONE"]), feed.campaign_card(snap)


def _campaign(snap: Snapshot) -> tuple[list[Any], dict[str, Any]]:
    """The 专项行动 screen and which optional screens are live (the rotation joins/leaves):
    专项行动 while one runs, 辖区 and the court panels while the snapshot has a 辖区 part."""
    return campaign.content(snap), {**campaign.live(snap), **region.live(snap)}


def _region(snap: Snapshot) -> tuple[list[Any], list[Any]]:
    return region.overview(snap), region.panels(snap)


# name → how one part of the wall is built from a snapshot (each memoized per version)
SCREENS: dict[str, Callable[[Snapshot], Any]] = {
    "frame": _frame,
    "overview": _overview,
    "teams": _teams,
    "center": center.content,
    "nodes": nodes.content,
    "feed": _feed,
    "campaign": _campaign,
    "region": _region,
}


def render_overview(version: int | None) -> Any:
    return _memo("overview", version, SCREENS["overview"])


def render_teams(version: int | None) -> Any:
    return _memo("teams", version, SCREENS["teams"])


def render_center(version: int | None) -> Any:
    return _memo("center", version, SCREENS["center"])


def render_nodes(version: int | None) -> Any:
    return _memo("nodes", version, SCREENS["nodes"])


def render_feed(version: int | None) -> Any:
    return _memo("feed", version, SCREENS["feed"])


def render_campaign(version: int | None) -> Any:
    return _memo("campaign", version, SCREENS["campaign"])


def render_region(version: int | None) -> Any:
    return _memo("region", version, SCREENS["region"])


def _limited_screens(only: tuple[int, ...]) -> Callable[[Snapshot], Any]:
    """Every output for a viewer limited to `only` (courts of the 辖区): their panels, the
    other screens empty, the rotation told to hold the panels only."""
    def build(snap: Snapshot) -> tuple[Any, ...]:
        none = [html.Div("本屏不在您的权限范围内", className="w-empty")]
        empty = overview.empty_figure()
        flags = {"campaign": False, **region.live(snap, only), "only": ["courts"]}
        return (none, empty, none, none, empty, none, none, none, none, none, none, flags,
                none, region.panels(snap, only))
    return build


def render_screens(version: int | None) -> tuple[Any, ...]:
    """Every screen's outputs, in the order `register` lists them (for the viewer)."""
    only = _viewer(version)
    if only is not None:
        return _memo(f"screens:{','.join(map(str, only))}", version, _limited_screens(only))
    return (*render_overview(version), *render_teams(version), render_center(version),
            render_nodes(version), *render_feed(version), *render_campaign(version),
            *render_region(version))


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
    app.clientside_callback(ClientsideFunction("wall", "live"), Output(ids.Wall.LIVE_ACK, "data"),
                            Input(ids.Wall.LIVE, "data"))
    app.clientside_callback(_MIRROR_BANNER, Output(ids.Wall.STALE, "children"),
                            Output(ids.Wall.STALE, "hidden"),
                            Input(ids.Shell.BANNER, "children"), Input(ids.Shell.BANNER, "hidden"))


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.Wall.CONFIG, "data"), Output(ids.Wall.ERRORS, "children"),
                 Input(ids.Wall.PARAMS, "data"))(resolve_config)
    app.callback(Output(ids.Wall.SHOWN, "data"), Output(ids.Wall.COURT, "children"),
                 Output(ids.Wall.UPDATED, "children"), Output(ids.Wall.PERIOD, "children"),
                 Input(ids.Shell.VERSION, "data"), State(ids.Wall.SHOWN, "data"))(render_frame)
    # All the screens in one callback: a new version costs the wall two requests (frame,
    # screens), each answered with stored JSON, instead of five.
    app.callback(Output(ids.Wall.TILES, "children"), Output(ids.Wall.TREND, "figure"),
                 Output(ids.Wall.MONTH, "children"),
                 Output(ids.Wall.TEAMS, "children"), Output(ids.Wall.TEAM_CHART, "figure"),
                 Output(ids.Wall.RANKING, "children"),
                 Output(ids.Wall.CENTER, "children"),
                 Output(ids.Wall.NODES, "children"),
                 Output(ids.Wall.FEED, "children"), Output(ids.Wall.CAMPAIGN, "children"),
                 Output(ids.Wall.CAMPAIGN_SCREEN, "children"), Output(ids.Wall.LIVE, "data"),
                 Output(ids.Wall.REGION, "children"), Output(ids.Wall.COURTS, "children"),
                 Input(ids.Wall.SHOWN, "data"),
                 prevent_initial_call=True)(render_screens)  # render_frame sets SHOWN on load
    _register_clientside(app)
