"""Start page: say which court is loaded, with headline counts, once per page load."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dash
from dash import Input, Output, html

from callbacks import authz
from callbacks.context import app_context
from callbacks.desk.data import indicator_settings
from db.indicators.texts import scope_label
from db.queries.overview import court_teams, loaded_courts, period_counts
from db.session import data_version
from layouts import ids
from layouts.access import may_open
from layouts.start.home import SECTIONS, court_summary, section_grid


def _local(moment: dt.datetime | None, zone: ZoneInfo) -> str | None:
    """A stored UTC timestamp as 'YYYY-MM-DD HH:MM' in the court's time zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=dt.UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def render_home(_n: int | None) -> tuple[str, list[html.Component], list[html.Component]]:
    """Lead sentence, court panels and entry cards from one short read of the database."""
    ctx = app_context()
    zone = ZoneInfo(ctx.settings["TIMEZONE"])
    today = dt.datetime.now(zone).date()
    scope = authz.scope()
    # the wall's court scope (e.g. 不含执保), so the start page and the wall count alike
    categories = indicator_settings().scope_categories["court"]
    with ctx.sessions() as session:
        courts = loaded_courts(session, scope, categories)
        counts = period_counts(session, today.replace(month=1, day=1), today, scope, categories)
        teams = court_teams(session, scope)
        _version, changed_at = data_version(session)
    for court in courts:
        court.update(counts.get(court["id"], {"filed": 0, "closed": 0}))
        court["team_list"] = teams.get(court["id"], [])
    first_team = next((c["team_list"][0]["id"] for c in courts if c["team_list"]), None)
    if courts:
        lead = "当前数据：" + "、".join(f"{c['name']}（{c['code']}）" for c in courts)
    else:
        lead = "尚未载入法院数据"
    team_href = f"/team/{first_team}" if first_team else None
    visible = {s.key for s in SECTIONS if may_open(authz.current(), s.href)
               and (s.key != "team" or team_href)}
    summary = court_summary(courts, today.year, _local(changed_at, zone), scoped=not scope.court,
                            scope_note=scope_label(tuple(categories)))
    return lead, summary, section_grid(team_href, visible)


def register(app: dash.Dash) -> None:
    app.callback(
        Output(ids.Home.COURT, "children"),
        Output(ids.Home.SUMMARY, "children"),
        Output(ids.Home.SECTIONS, "children"),
        Input(ids.Home.LOAD, "n_intervals"),
    )(render_home)
