"""Helpers the desk callbacks share: JSON-safe rows, grid column metadata, the apply button."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import dash
from dash import Input, Output, State, no_update

from callbacks.desk.data import indicator_settings
from callbacks.desk.params import search
from callbacks.desk.views import GRID_KEYS


def _minutes(value: dt.datetime) -> str:
    return value.isoformat(sep=" ", timespec="minutes")


# exact type → conversion: one dict lookup per cell (a 40,000-row list has 650,000 cells)
_CONVERT: dict[type, Callable[[Any], Any]] = {dt.datetime: _minutes, dt.date: dt.date.isoformat, Decimal: float}


def plain(value: Any) -> Any:
    """Dates → ISO text, Decimals → float: what a grid cell can hold."""
    convert = _CONVERT.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, dt.datetime):
        return _minutes(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def jsonable(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    get = _CONVERT.get
    return [{k: v if (convert := get(type(v))) is None else convert(v) for k, v in row.items()}
            for row in rows]


def grid_indicators() -> list[tuple[str, str, str]]:
    """(key, Chinese name, unit) of the grid's indicator columns, from the court's settings."""
    settings = indicator_settings()
    return [(k, settings.indicators[k].name, settings.indicators[k].unit) for k in GRID_KEYS]


def applied_search(n_clicks: int | None, start: str | None, end: str | None,
                   cstart: str | None, cend: str | None, query: Mapping[str, Any]) -> Any:
    """The URL search for the custom dates typed in; no_update until 应用 is clicked."""
    if not n_clicks:
        return no_update
    new = dict(query)
    if start or end:
        new |= {"preset": "custom", "start": start or "", "end": end or ""}
    if cstart or cend:
        new |= {"cmp": "custom", "cstart": cstart or "", "cend": cend or ""}
    return search(new)


def path_applied_search(n_clicks: int | None, start: str | None, end: str | None,
                        data: Mapping[str, Any] | None) -> Any:
    """applied_search for a page whose QUERY store holds {"path_id", "query"} (team, officer)."""
    return applied_search(n_clicks, start, end, None, None, (data or {}).get("query") or {})


def register_apply(app: dash.Dash, ns: Any) -> None:
    """Wire a page's 应用 button (custom start/end dates) to its page-local URL."""
    app.callback(
        Output(ns.NAV, "search"),
        Input(ns.APPLY, "n_clicks"), State(ns.START, "date"), State(ns.END, "date"),
        State(ns.QUERY, "data"),
        prevent_initial_call=True,
    )(path_applied_search)


def register_compare_apply(app: dash.Dash, ns: Any) -> None:
    """Wire the 应用 button of a page that also picks comparison dates (/analysis, /meeting), whose
    QUERY store holds the URL query itself."""
    app.callback(
        Output(ns.NAV, "search"),
        Input(ns.APPLY, "n_clicks"),
        State(ns.START, "date"), State(ns.END, "date"), State(ns.CMP_START, "date"),
        State(ns.CMP_END, "date"), State(ns.QUERY, "data"),
        prevent_initial_call=True,
    )(applied_search)
