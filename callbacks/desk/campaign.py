"""/campaigns/<campaign_id>: fill the campaign's figures, end it (指挥中心, 管理员; audited) and list
the cases behind a chosen number."""
from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, dcc, no_update
from sqlalchemy.exc import SQLAlchemyError

from callbacks.desk import campaign_data as data
from callbacks.desk.params import ParamError, problem
from db.campaigns.figures import MEASURES
from db.campaigns.indicators import PREFIX
from db.errors import ValidationError
from layouts import ids
from layouts.desk.campaign import body, explain_table, indicator_explain
from layouts.desk.campaigns import message
from layouts.desk.common import error_box

P = ids.CampaignPage
BUTTON, HIDDEN = "btn danger", "btn is-hidden"


def render(query: dict[str, Any] | None, _ended: Any = None) -> tuple[Any, ...]:
    """Title, body, error, the 修改 link and 结束 button (for managers), the explain choices."""
    raw = (query or {}).get("campaign_id")
    try:
        report = data.fetch_report(raw)
    except (ParamError, SQLAlchemyError) as exc:
        return "专项行动", [], error_box(problem(exc)), [], HIDDEN, []
    manage = data.may_manage()
    edit_link = [dcc.Link("修改", href=f"/campaigns?edit={report['id']}", className="btn")] if manage else []
    can_end = manage and report["status"] == "running"
    choices = [{"value": m["key"], "label": f"{m['label']}（{m['value']:,.2f} 元）" if m["unit"] == "元"
                else f"{m['label']}（{int(m['value']):,} {m['unit']}）"} for m in report["measures"]]
    choices += [{"value": f["key"], "label": f"{f['label']}（{f['display']}）：分子、分母的案件"}
                for f in report.get("indicators") or []]
    return (f"专项行动：{report['name']}", body(report, data.stamp()), None, edit_link,
            BUTTON if can_end else HIDDEN, choices)


def end(submitted: int | None, query: dict[str, Any] | None) -> tuple[Any, Any]:
    if not submitted:
        return no_update, no_update
    try:
        data.end((query or {}).get("campaign_id"))
    except (ValidationError, ParamError) as exc:
        return message(str(exc), ok=False), no_update
    except SQLAlchemyError as exc:
        return message(problem(exc), ok=False), no_update
    return message("行动已结束：期间截止到今天"), submitted


def show_explain(key: str | None, query: dict[str, Any] | None) -> Any:
    if not key:
        return []
    try:
        if key.startswith(PREFIX):
            parts = data.fetch_indicator_explain((query or {}).get("campaign_id"), key)
            return indicator_explain(parts["label"], parts)
        rows = data.fetch_explain((query or {}).get("campaign_id"), key)
    except (ParamError, SQLAlchemyError) as exc:
        return error_box(problem(exc))
    return explain_table(rows, MEASURES[key].money)


def register(app: dash.Dash) -> None:
    app.callback(Output(P.TITLE, "children"), Output(P.BODY, "children"), Output(P.ERROR, "children"),
                 Output(P.ACTIONS, "children"), Output(P.END, "className"), Output(P.EXPLAIN_KEY, "options"),
                 Input(P.QUERY, "data"), Input(P.ENDED, "data"))(render)
    app.callback(Output(P.MESSAGE, "children"), Output(P.ENDED, "data"),
                 Input(P.END_CONFIRM, "submit_n_clicks"), State(P.QUERY, "data"),
                 prevent_initial_call=True)(end)
    app.callback(Output(P.EXPLAIN, "children"), Input(P.EXPLAIN_KEY, "value"), State(P.QUERY, "data"),
                 prevent_initial_call=True)(show_explain)
