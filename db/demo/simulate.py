"""The live simulator: bursts of new activity so live pages visibly move."""
from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from typing import Any

from sqlalchemy.orm import Session

from db.context import AppContext
from db.demo.activities import ACTIVITIES, SimContext
from db.demo.days import DEFAULT_TZ, utc_offset
from db.demo.org import OrgPlan, load_org
from db.demo.profiles import REGION, court_spec
from db.session import bump_data_version, session_scope

log = logging.getLogger(__name__)
_NAMES = tuple(ACTIVITIES)
_WEIGHTS = tuple(weight for _, weight in ACTIVITIES.values())


def _utc_naive(now: dt.datetime) -> dt.datetime:
    """Naive UTC (how event times are stored); a naive input is taken as UTC."""
    if now.tzinfo is None:
        return now
    return now.astimezone(dt.UTC).replace(tzinfo=None)


def simulate_step(session: Session, now: dt.datetime, rng: random.Random, *,
                  tz: str = DEFAULT_TZ) -> list[str]:
    """Write one burst (1-3 activities) at `now`, bump the data version; return descriptions."""
    orgs = demo_orgs(session)
    if not orgs:
        raise ValueError("数据库中没有演示法院（内0221），请先运行 seed-demo")
    # the 中院 mode: each burst happens in one court, the busier courts more often
    org = orgs[0] if len(orgs) == 1 else rng.choices(orgs, [o.mix.size for o in orgs])[0]
    utc = _utc_naive(now)
    sim = SimContext(session=session, org=org, now=utc, today=(utc + utc_offset(tz)).date(), rng=rng)
    done: list[str] = []
    for name in rng.choices(_NAMES, _WEIGHTS, k=rng.randint(1, 3)):
        text = ACTIVITIES[name][0](sim)
        if text:
            done.append(text)
    if not done:  # an empty court still gets its first filing
        done.append(ACTIVITIES["file_case"][0](sim) or "")
    session.flush()
    bump_data_version(session)
    return [text for text in done if text]


def demo_orgs(session: Session) -> list[OrgPlan]:
    """The demo courts in the database: 土默特右旗, and in the 中院 mode the profiled courts."""
    article = load_org(session)  # a missing team of the demo court is an error, as it always was
    orgs = [article] if article is not None else []
    for profile in REGION:
        if profile.article:
            continue
        try:
            org = load_org(session, court_spec(profile))
        except ValueError:  # a region court whose teams were renamed: the simulator leaves it alone
            continue
        if org is not None:
            orgs.append(org)
    return orgs


def _context(target: Any) -> AppContext:
    if isinstance(target, AppContext):
        return target
    return target.extensions["dashboard"]


def start_simulator(server_or_context: Any, interval_s: float, *,
                    seed: int | None = None) -> threading.Thread:
    """Run simulate_step every `interval_s` seconds in a daemon thread (stop: extras event)."""
    ctx = _context(server_or_context)
    stop = threading.Event()
    rng = random.Random(seed)
    tz = ctx.settings.get("TIMEZONE", DEFAULT_TZ)

    def loop() -> None:
        while not stop.is_set():
            try:
                with session_scope(ctx.sessions) as session:
                    lines = simulate_step(session, dt.datetime.now(dt.UTC), rng, tz=tz)
                log.info("模拟数据：%s", "；".join(lines))
            except Exception:  # noqa: BLE001 - keep simulating after a transient DB error
                log.exception("模拟数据写入失败")
            stop.wait(interval_s)

    thread = threading.Thread(target=loop, name="demo-simulator", daemon=True)
    ctx.extras["simulator_stop"] = stop
    ctx.extras["simulator"] = thread
    thread.start()
    return thread
