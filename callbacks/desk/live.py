"""Live desk pages: re-read a page's figures and lists when the data changed, nothing else.

Every desk page (and the start page) keeps the data version it shows in its own `SHOWN`
store and listens to the shell's snapshot version (`Shell.VERSION`, a cache read per tick,
published only when the refresher stored a new snapshot). When that version moves, the page's
callback first asks the database for the data version (one primary-key lookup) and stops
there when it is the one on screen; otherwise it re-reads and sends only the *data* outputs
(figures, tables, grid rows, 数据截至): crumbs, titles, column definitions, grid sizes and the
URL stay as they are, so the grids keep their filters, sort, column state and scroll position
(rows carry a stable `_rid` the grids use as row id, so AG Grid updates them in place and
flashes changed cells) and an open drill-down stays open. During an outage the last figures
stay on screen (the shell greys them); a refresh never replaces them with an error.

Prewarming: the views opened in the last minutes (page and URL query, no viewer: the shared
cache's `desk:recent`) are rebuilt by the refresher right after it publishes a snapshot and
before pages learn the new version (`prewarm`, wired in dashboard.scheduler), so the refreshes
of all open desk pages read the memoized results (callbacks.desk.data) instead of each running
the queries of a cold page.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from dash import ctx, html, no_update
from dash.exceptions import PreventUpdate
from flask import Flask, g
from sqlalchemy.exc import SQLAlchemyError

from callbacks.context import app_context
from db.auth.access import Principal
from db.session import data_version
from layouts import ids

log = logging.getLogger(__name__)

ROW_ID = "_rid"
# fields that identify a grid row, most specific last (a node row is case id + node)
ID_FIELDS = ("id", "case_id", "kind", "node_key", "node", "received_on", "paid_out_on")
NAME_FIELDS = ("name", "role", "team")  # rows without any id (the officer list)

RECENT_KEY = "desk:recent"  # views opened lately: [{"page", "inputs", "at"}], newest last
RECENT_MAX = 24
RECENT_S = 15 * 60
PREWARM_BUDGET_S = 60.0  # one prewarm stops starting views after this long
# renders that may be rebuilt without a viewer (their data is memoized per data version and
# independent of who asks; the scope checks run again when a viewer asks)
_PREWARMED: dict[str, Callable[..., tuple[Any, ...]]] = {}
_PREWARM_PRINCIPAL = Principal(user_id=None, username="prewarm", display_name="预计算", role="center")


def data_state() -> tuple[int, dt.datetime | None]:
    """(data version, changed at) with one primary-key lookup."""
    with app_context().sessions() as session:
        return data_version(session)


def _state_unless_down() -> tuple[int | None, dt.datetime | None]:
    """data_state() after a page's own read; (None, None) during a known outage."""
    health = app_context().extras.get("db_health")
    if health is not None and health.down:
        return None, None
    try:
        return data_state()
    except SQLAlchemyError:
        return None, None


def as_of_text(changed_at: dt.datetime | None, today: dt.date | None = None) -> str:
    """「数据截至 HH:MM」 in the court's zone (with the date when it is not today)."""
    if changed_at is None:
        return "数据截至 —"
    zone = ZoneInfo(app_context().settings.get("TIMEZONE") or "Asia/Shanghai")
    moment = (changed_at if changed_at.tzinfo else changed_at.replace(tzinfo=dt.UTC)).astimezone(zone)
    today = today or dt.datetime.now(zone).date()
    shown = moment.strftime("%H:%M") if moment.date() == today else moment.strftime("%Y-%m-%d %H:%M")
    return f"数据截至 {shown}"


def as_of_stamp(changed_at: dt.datetime | None) -> html.Span:
    """The stamp's children: the text, and the full moment as a tooltip."""
    text = as_of_text(changed_at)
    return html.Span(text, title=("数据最后变更于 " + changed_at.replace(tzinfo=dt.UTC).isoformat(
        timespec="seconds")) if changed_at else "尚无数据变更记录")


def row_ids(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with a stable, unique `_rid` (identity fields; repeats numbered in order)."""
    seen: Counter[str] = Counter()
    out = []
    for row in rows:
        parts = [str(row.get(f, "")) for f in ID_FIELDS if row.get(f) is not None]
        if not parts:
            parts = [str(row.get(f, "")) for f in NAME_FIELDS]
        key = "|".join(parts)
        seen[key] += 1
        out.append({**row, ROW_ID: key if seen[key] == 1 else f"{key}#{seen[key]}"})
    return out


def _name(render: Callable[..., Any]) -> str:
    return f"{render.__module__}.{render.__name__}"


def note_view(page: str, inputs: list[Any]) -> None:
    """Remember that `page` was opened with `inputs` (JSON data) for the next prewarm."""
    cache = app_context().extras.get("cache")
    if cache is None:
        return
    try:
        now = time.time()
        text = cache.get(RECENT_KEY)
        recent = [e for e in (json.loads(text) if isinstance(text, str) else [])
                  if now - e["at"] < RECENT_S and (e["page"], e["inputs"]) != (page, inputs)]
        recent.append({"page": page, "inputs": inputs, "at": now})
        cache.set(RECENT_KEY, json.dumps(recent[-RECENT_MAX:], ensure_ascii=False), timeout=RECENT_S)
    except Exception:  # noqa: BLE001 - only the next prewarm is lost
        log.warning("无法记录最近打开的工作台页面", exc_info=True)


def recent_views() -> list[dict[str, Any]]:
    """The views opened in the last RECENT_S seconds, newest first."""
    try:
        text = app_context().extras["cache"].get(RECENT_KEY)
    except Exception:  # noqa: BLE001
        return []
    now = time.time()
    return [e for e in reversed(json.loads(text) if isinstance(text, str) else []) if now - e["at"] < RECENT_S]


def prewarm(server: Flask, _version: int | None = None, budget_s: float = PREWARM_BUDGET_S) -> int:
    """Rebuild the recently opened desk views (newest first, within `budget_s`); return how many.

    Runs on the refresher's thread after a publish; failures are logged, never raised."""
    began, done = time.monotonic(), 0
    with server.test_request_context():
        g.principal = _PREWARM_PRINCIPAL
        for entry in recent_views():
            if time.monotonic() - began > budget_s:
                break
            render = _PREWARMED.get(entry["page"])
            if render is None:
                continue
            try:
                render(*entry["inputs"])
                done += 1
            except Exception:  # noqa: BLE001 - the page itself will show what is wrong
                log.warning("预计算工作台页面失败：%s", entry["page"], exc_info=True)
    return done


def is_refresh() -> bool:
    """Whether the callback runs only because the shell published a new snapshot version (an input
    that changed in the same round, such as the outage banner, makes it a full render)."""
    triggered = ctx.triggered_prop_ids
    return bool(triggered) and all(component == ids.Shell.VERSION for component in triggered.values())


def _refresh_state(shown: int | None) -> tuple[int, dt.datetime | None] | None:
    """For a version-only refresh, the data state to render with; None for a full render; raises
    PreventUpdate when nothing is to be sent (the page shows this version, or the database is down
    while the page shows figures)."""
    if not is_refresh():
        return None
    try:
        version, changed_at = data_state()
    except SQLAlchemyError:
        if shown is not None:
            raise PreventUpdate from None  # outage: the last figures stay, greyed by the shell
        return None  # nothing on screen yet: render, with the page's own outage fallback
    if shown is not None and version == shown:
        raise PreventUpdate  # nothing new for this page: no query, nothing sent
    return version, changed_at


def live(render: Callable[..., tuple[Any, ...]], *, data: Sequence[int], grids: Sequence[int] = (),
         error: int | None = None, prewarmed: bool = False) -> Callable[..., tuple[Any, ...]]:
    """Wrap a page's render function for a callback with two more inputs and two more outputs.

    The wrapped callback takes the page's inputs, then `Shell.VERSION` (input) and the page's
    `SHOWN` (state); it returns the page's outputs, then 数据截至 and the new `SHOWN`. On a
    version refresh only the outputs at `data` are sent (the rest is `no_update`); `grids` are
    the indexes of rowData outputs (rows get `_rid`); a render whose `error` output is set
    during a refresh keeps the last figures on screen. `prewarmed`: the views opened are rebuilt
    by the refresher after each publish (`prewarm`).
    """
    keep = set(data) | set(grids)
    name = _name(render)
    if prewarmed:
        _PREWARMED[name] = render

    def run(*args: Any) -> tuple[Any, ...]:
        *inputs, _snapshot_version, shown = args
        state = _refresh_state(shown)
        refresh = state is not None
        if state is not None:
            version, changed_at = state
        out = list(render(*inputs))
        if not refresh:
            version, changed_at = _state_unless_down()
            if prewarmed and (error is None or not out[error]):
                note_view(name, list(inputs))
        for index in grids:
            if isinstance(out[index], list):
                out[index] = row_ids(out[index])
        if refresh and shown is not None:
            if error is not None and out[error]:
                raise PreventUpdate  # a failed re-read never replaces good figures
            out = [value if index in keep else no_update for index, value in enumerate(out)]
        return (*out, as_of_stamp(changed_at), version)

    run.__name__ = f"live_{render.__name__}"
    run.__doc__ = f"{render.__name__} on load and whenever the data version moved (callbacks.desk.live)."
    return run
