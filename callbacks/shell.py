"""The shell's version poll: a tiny cache read per tick, the stale banner, no database."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, State, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from callbacks.context import app_context
from callbacks.desk import courts
from callbacks.desk.params import ParamError
from db import snapshot
from db.imports.sync import notice_text
from layouts import ids
from layouts import shell as shell_layout

log = logging.getLogger(__name__)
CACHE_DOWN = "缓存服务不可用，已改用本机缓存"
SHELL_CLASS = "shell"
STALE_CLASS = "shell stale"


def _freshness() -> tuple[snapshot.Freshness, dt.tzinfo]:
    state = app_context()
    settings = state.settings
    fresh = snapshot.assess(snapshot.read_state(state.extras["cache"]),
                            dt.datetime.now(dt.UTC), settings["REFRESH_INTERVAL_S"])
    return fresh, ZoneInfo(settings["TIMEZONE"])


OUTAGE_ERRORS = ("OperationalError", "InterfaceError", "TimeoutError", "DatabaseTimeout",
                 "RefreshDeadline")


def outage_banner(fresh: snapshot.Freshness | None = None) -> str | None:
    """The database or cache outage this process (or the refresher) sees, else None."""
    state = app_context()
    health = state.extras.get("db_health")
    refresher = fresh.state if fresh is not None else None
    refresher_down = (refresher is not None and refresher.status != "ok"
                      and (refresher.last_error or "").startswith(OUTAGE_ERRORS))
    if health is not None and (health.down or refresher_down):
        return health.notice(state.extras["cache"], ZoneInfo(state.settings["TIMEZONE"]))
    backend = getattr(state.extras["cache"], "cache", None)
    if getattr(backend, "degraded", False):
        return CACHE_DOWN
    return None


def poll_version(_n: int | None, shown: int | None, banner: str | None,
                 root_class: str | None) -> tuple[Any, Any, Any, Any]:
    """Publish a new snapshot version and the banner; send nothing when nothing changed."""
    fresh, tz = _freshness()
    version = fresh.state.version if fresh.state else None
    text = (outage_banner(fresh) or snapshot.banner_text(fresh, tz)
            or notice_text(app_context().extras["cache"]))
    wanted = (version, text or "", text is None, STALE_CLASS if text else SHELL_CLASS)
    current = (shown, banner or "", not banner, root_class or SHELL_CLASS)
    if wanted == current:
        raise PreventUpdate
    return tuple(new if new != old else no_update for new, old in zip(wanted, current,
                                                                         strict=True))


# pages a court switch comes back to (the others show one team, officer or case: /analysis)
SWITCH_BACK = ("/analysis", "/region", "/center", "/triage", "/campaigns", "/meeting")


def court_menu(pathname: str | None) -> tuple[Any, bool]:
    """The court switcher: shown only to a principal who may see more than one court."""
    try:
        visible = courts.visible_nodes()
        if len(visible) < 2:
            return [], True
        current = courts.court_node()
    except (SQLAlchemyError, ParamError):  # the frame renders while the database is down
        log.warning("court switcher unavailable", exc_info=True)
        return [], True
    back = pathname if pathname in SWITCH_BACK else "/analysis"
    rows = [(node.name, courts.select_href(node.code, back), depth, node.id == current.id)
            for node, depth in visible]
    region = "/region" if current.children else None
    return shell_layout.court_switcher(current.name, rows, region), False


def register(app: dash.Dash) -> None:
    app.callback(Output(ids.Shell.COURT, "children"), Output(ids.Shell.COURT, "hidden"),
                 Input(ids.URL, "pathname"))(court_menu)
    app.callback(
        Output(ids.Shell.VERSION, "data"),
        Output(ids.Shell.BANNER, "children"),
        Output(ids.Shell.BANNER, "hidden"),
        Output(ids.Shell.ROOT, "className"),
        Input(ids.Shell.POLL, "n_intervals"),
        State(ids.Shell.VERSION, "data"),
        State(ids.Shell.BANNER, "children"),
        State(ids.Shell.ROOT, "className"),
    )(poll_version)
