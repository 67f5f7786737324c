"""On-demand queries of the desk pages, memoized on (data version, parameters).

Custom periods, drill-down lists and case lists are not in the refresher's snapshot, so they
run here; the shared cache (when the app has one) keeps each result until the data changes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import pickle
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy.orm import Session

from callbacks.context import app_context
from db.indicators import compute, explain, load_indicator_settings
from db.indicators.period import Period
from db.indicators.settings import IndicatorSettings
from db.nodes.rules import RuleSet, load_rules_from_settings
from db.session import data_version
from db.snapshot.store import building
from db.turns import Turn, take_turn

log = logging.getLogger(__name__)
T = TypeVar("T")
MEMO_TIMEOUT_S = 3600


def court_today() -> dt.date:
    """Today's date in the court's time zone (create_app overrides may pin TODAY for tests)."""
    pinned = app_context().settings.get("TODAY")
    if pinned:
        return dt.date.fromisoformat(str(pinned))
    return dt.datetime.now(ZoneInfo(app_context().settings.get("TIMEZONE") or "Asia/Shanghai")).date()


def indicator_settings() -> IndicatorSettings:
    """The court's indicator settings, loaded once per process."""
    extras = app_context().extras
    if "indicator_settings" not in extras:
        extras["indicator_settings"] = load_indicator_settings(
            app_context().settings.get("INDICATOR_SETTINGS") or None
        )
    return extras["indicator_settings"]


def node_rules() -> RuleSet:
    """The node rule set (national defaults + local overrides), loaded once per process."""
    extras = app_context().extras
    if "desk_node_rules" not in extras:
        extras["desk_node_rules"] = load_rules_from_settings(app_context().settings)
    return extras["desk_node_rules"]


def _cache() -> Any:
    """The app's Flask-Caching backend, or None when the app runs without one."""
    found = app_context().extras.get("cache") or current_app.extensions.get("cache")
    if isinstance(found, dict):  # Flask-Caching keeps {Cache(): backend}
        return next(iter(found.values()), None)
    return found


def memoized(name: str, params: tuple[Any, ...], fn: Callable[[Session], T]) -> T:
    """Run `fn(session)` once per data version and parameters; cache failures only cost time.

    While a snapshot build reads the database, a miss waits for its turn (db/turns.py,
    DASHBOARD_DESK_BUILD_SLOTS) and looks in the cache again before it runs: another page may
    have read the same meanwhile."""
    cache = _cache()
    with app_context().sessions() as session:
        key = memo_key(name, data_version(session)[0], params)
        found, result = _cached(cache, key)
        if found:
            return result
        with _turn(session, cache) as turn:
            if turn is not None:
                found, result = _cached(cache, key)
                if found:
                    return result
                if not turn.granted:
                    log.info("桌面查询等待轮次 %.1f 秒未果，直接执行：%s", turn.waited_s, name)
            result = fn(session)
            _remember(cache, key, result)  # before the turn is given back: its waiter finds it
    return result


def memo_key(name: str, version: int, params: tuple[Any, ...]) -> str:
    """The shared cache's key of a memoized read at a data version."""
    raw = repr((name, version, params)).encode()
    return "desk:" + hashlib.sha1(raw, usedforsecurity=False).hexdigest()


def _remember(cache: Any, key: str, result: Any) -> None:
    if cache is None:
        return
    try:
        cache.set(key, pickle.dumps(result), timeout=MEMO_TIMEOUT_S)
    except Exception:  # noqa: BLE001
        log.warning("desk cache write failed", exc_info=True)


def _cached(cache: Any, key: str) -> tuple[bool, Any]:
    """(found, value) of a memoized result; a broken cache reads as a miss."""
    if cache is None:
        return False, None
    try:
        hit = cache.get(key)
    except Exception:  # noqa: BLE001 - a broken cache must not break the page
        log.warning("desk cache read failed", exc_info=True)
        return False, None
    return (True, pickle.loads(hit)) if hit is not None else (False, None)


def _turn(session: Session, cache: Any) -> AbstractContextManager[Turn | None]:
    """A turn among the desk queries while a snapshot build reads the database; else none."""
    settings = app_context().settings  # load_settings: every key, defaults included
    slots = int(settings["DESK_BUILD_SLOTS"])
    if not slots or cache is None or not building(cache):
        return nullcontext(None)
    return take_turn(session, slots, float(settings["DESK_BUILD_WAIT_S"]))


def scope_results(scope: str, ids: list[int] | None, period: Period,
                  compare: Period | None, keys: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """compute() for a scope; compare=None means no comparison period; keys=None: the
    standard indicators (the center's own are computed only when named)."""
    def run(session: Session) -> list[dict[str, Any]]:
        return compute(session, scope=scope, ids=ids, period=period,
                       compare=compare if compare is not None else False,
                       settings=indicator_settings(), keys=keys)
    return memoized("compute", (scope, tuple(ids or ()), period, compare, keys), run)


def explained(key: str, scope: str, scope_id: int | None, period: Period) -> dict[str, list[dict]]:
    """explain(): the case rows behind an indicator's numerator and denominator."""
    def run(session: Session) -> dict[str, list[dict]]:
        return explain(session, key, scope, scope_id, period, indicator_settings())
    return memoized("explain", (key, scope, scope_id, period), run)


def with_session(name: str, params: tuple[Any, ...], fn: Callable[[Session], T]) -> T:
    """Memoize any other read (case lists, queues, names) the same way."""
    return memoized(name, params, fn)
