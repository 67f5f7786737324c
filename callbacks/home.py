"""Start page: say which court is loaded."""
from __future__ import annotations

import dash
from dash import Input, Output, html

from callbacks.context import app_context
from db.queries.overview import loaded_courts
from layouts import ids


def render_court(_n: int | None) -> tuple[str, list[html.Div]]:
    with app_context().sessions() as session:
        courts = loaded_courts(session)
    if not courts:
        return "数据库中还没有法院数据。运行 python -m dashboard seed-demo 载入演示法院。", []
    names = "、".join(f"{c['name']}（{c['code']}）" for c in courts)
    cards = [
        html.Div(
            [html.Strong(c["name"]), html.Span(f"案件 {c['cases']:,} 件，未结 {c['open_cases']:,} 件，"
                                              f"团队 {c['teams']} 个，干警 {c['officers']} 人")],
            className="court-card",
        )
        for c in courts
    ]
    return f"已载入：{names}", cards


def register(app: dash.Dash) -> None:
    app.callback(
        Output(ids.Home.COURT, "children"),
        Output(ids.Home.SUMMARY, "children"),
        Input(ids.Home.LOAD, "n_intervals"),
    )(render_court)
