"""Start page: say which court is loaded, with headline counts, once per page load.

The counts come from one short read of the database. Each successful read is also kept in the
shared cache (per viewer scope), so during a database outage the page shows those last figures
marked with the outage notice, or a plain Chinese message when nothing is cached; the callback
also listens to the shell's banner, so the page reads the database again by itself once the
outage clears (docs/operations.md 故障与恢复).

On a 中院's installation (the snapshot has a 辖区 part, db/snapshot/region.py) a court-wide user
also sees the 辖区 from the snapshot: the 中院's users every court's card ranked, a user of a
court below only that court's card and teams (and only that court's panel: never the 中院's own
figures or another court's). A single court's start page is unchanged.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, State, html
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from callbacks import authz
from callbacks.context import app_context
from callbacks.desk.data import indicator_settings, with_session
from callbacks.desk.live import live
from callbacks.render_cache import memo_for
from db.auth.access import Scope
from db.indicators.texts import scope_label
from db.queries.overview import court_teams, loaded_courts, period_counts
from db.session import data_version
from db.snapshot.store import read_snapshot, read_state
from layouts import ids
from layouts.access import may_open
from layouts.start.home import (
    SECTIONS,
    court_summary,
    outage_summary,
    region_section,
    section_grid,
)

log = logging.getLogger(__name__)

# what a database outage looks like to SQLAlchemy (as dashboard.outage counts it)
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
)
KEEP_S = 30 * 24 * 3600  # the last good start-page figures outlive any outage worth riding out


def _local(moment: dt.datetime | None, zone: ZoneInfo) -> str | None:
    """A stored UTC timestamp as 'YYYY-MM-DD HH:MM' in the court's time zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def cache_key(scope: Scope, categories: Any) -> str:
    return (f"home:v1:{int(scope.court)}:{scope.team_id}:{scope.officer_id}:"
            f"{','.join(sorted(categories or ()))}")


def _read(scope: Scope, categories: Any, today: dt.date, zone: ZoneInfo) -> dict[str, Any]:
    """The start page's figures for `scope`: plain data, as kept in the shared cache; counted once
    per data version and scope (callbacks.desk.data memo: at 1,000,000 cases the counts take
    seconds, a repeated view one primary-key lookup)."""
    def run(session: Session) -> dict[str, Any]:
        courts = loaded_courts(session, scope, categories)
        counts = period_counts(session, today.replace(month=1, day=1), today, scope, categories)
        teams = court_teams(session, scope)
        _version, changed_at = data_version(session)
        for court in courts:
            court.update(counts.get(court["id"], {"filed": 0, "closed": 0}))
            court["team_list"] = teams.get(court["id"], [])
        return {"courts": courts, "year": today.year, "updated": _local(changed_at, zone)}

    return with_session("home", (cache_key(scope, categories), today, str(zone)), run)


def _keep(key: str, data: dict[str, Any]) -> None:
    try:
        app_context().extras["cache"].set(key, json.dumps(data, ensure_ascii=False), timeout=KEEP_S)
    except Exception:  # noqa: BLE001 - a cache blip only costs the outage fallback
        log.warning("首页数据未能写入缓存", exc_info=True)


def _kept(key: str) -> dict[str, Any] | None:
    try:
        text = app_context().extras["cache"].get(key)
        return json.loads(text) if isinstance(text, str) else None
    except Exception:  # noqa: BLE001 - nothing usable in the cache
        log.warning("首页缓存数据无法读取", exc_info=True)
        return None


def _outage_notice(exc: BaseException, zone: ZoneInfo) -> str:
    """The shell's outage notice (「数据库暂不可用，显示 HH:MM 的数据」); marks the database down."""
    extras = app_context().extras
    health = extras.get("db_health")
    if health is None:
        return "数据库暂不可用"
    health.mark_down(f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:200])
    return str(health.notice(extras["cache"], zone))


def _region() -> dict[str, Any]:
    """The current snapshot's 辖区 part ({} for a single court or before the first snapshot),
    read once per snapshot version."""
    cache = app_context().extras["cache"]
    try:
        state = read_state(cache)
        if state is None or state.version is None:
            return {}
        version = state.version

        def make() -> dict[str, Any]:
            return (read_snapshot(cache, version) or {}).get("region") or {}

        found = memo_for(cache).get("home-region", version, make)
    except Exception:  # noqa: BLE001 - the start page shows its own figures without the 辖区
        log.warning("首页：读取快照中的辖区数据失败", exc_info=True)
        return {}
    return found if isinstance(found, dict) else {}


def _with_region(courts: list[dict[str, Any]], scope: Scope,
                 summary: list[Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    """The court panels the viewer may see and, on a 中院's installation, the 辖区 section:
    all courts ranked for whoever sees the 中院 (their panels then leave the courts below to
    the cards), the viewer's own courts with their teams otherwise."""
    region = _region() if scope.court else {}
    if not region:
        return courts, summary
    top, below = region.get("court_id"), {c["id"] for c in region.get("courts") or []}
    if scope.court_ids is None or top in scope.court_ids:
        section = region_section(region, None, with_teams=False)
        keep = [c for c in courts if c["id"] == top or c["id"] not in below]
    else:
        section = region_section(region, scope.court_ids, with_teams=True)
        keep = courts
    return keep, [*summary, section] if section is not None else summary


def _visible(courts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the courts of the viewer's 辖区 (a user of a court, whatever the role: that court
    and those below)."""
    who = authz.current()
    allowed = who.court_ids if who is not None else None
    return courts if allowed is None else [c for c in courts if c["id"] in allowed]


def render_home(_n: int | None, _banner: Any = None
                ) -> tuple[str, list[html.Component], list[html.Component]]:
    """Lead sentence, court panels and entry cards from one short read of the database; during
    an outage the last figures kept for this scope, marked stale, or a message."""
    ctx = app_context()
    zone = ZoneInfo(ctx.settings["TIMEZONE"])
    today = dt.datetime.now(zone).date()
    scope = authz.scope()
    # the wall's court scope (e.g. 不含执保), so the start page and the wall count alike
    categories = indicator_settings().scope_categories["court"]
    key = cache_key(scope, categories)
    notice = None
    try:
        data = _read(scope, categories, today, zone)
    except OUTAGE_ERRORS as exc:
        notice = _outage_notice(exc, zone)
        log.warning("首页：数据库暂不可用，改用缓存中的首页数据（%s）", type(exc).__name__)
        kept = _kept(key)
        if kept is None:
            return ("数据库暂不可用，暂时无法读取首页数据", outage_summary(notice, None),
                    section_grid(None, {s.key for s in SECTIONS if s.key != "team"
                                        and may_open(authz.current(), s.href)}))
        data = kept
    else:
        _keep(key, data)
    courts = _visible(data["courts"])
    first_team = next((c["team_list"][0]["id"] for c in courts if c["team_list"]), None)
    if courts:
        lead = "当前数据：" + "、".join(f"{c['name']}（{c['code']}）" for c in courts)
    else:
        lead = "尚未载入法院数据"
    team_href = f"/team/{first_team}" if first_team else None
    visible = {s.key for s in SECTIONS if may_open(authz.current(), s.href)
               and (s.key != "team" or team_href)}
    panels, extra = _with_region(courts, scope, [])
    summary = court_summary(panels, data["year"], data["updated"], scoped=not scope.court,
                            scope_note=scope_label(tuple(categories))) + extra
    if notice is not None:
        summary = outage_summary(notice, summary)
    return lead, summary, section_grid(team_href, visible)


def register(app: dash.Dash) -> None:
    app.callback(
        Output(ids.Home.COURT, "children"),
        Output(ids.Home.SUMMARY, "children"),
        Output(ids.Home.SECTIONS, "children"),
        Output(ids.Home.ASOF, "children"), Output(ids.Home.SHOWN, "data"),
        Input(ids.Home.LOAD, "n_intervals"),
        # the outage notice comes and goes: read again, so the page recovers without a reload
        Input(ids.Shell.BANNER, "children"),
        # a new snapshot: re-read the figures when the data version moved (callbacks.desk.live)
        Input(ids.Shell.VERSION, "data"), State(ids.Home.SHOWN, "data"),
    )(live(render_home, data=(1,), prewarmed=True))
