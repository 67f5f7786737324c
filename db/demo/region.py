"""seed_region: the demo's 中院 mode — 包头市中级人民法院 (内02) and its eight basic courts.

土默特右旗 (the article court) is seeded first, exactly as the single-court demo seeds it (same
ids, same random streams: its published figures stay unchanged); then the 中院 and the other
basic courts, each from its profile (db.demo.profiles) with its own random stream, teams (incl.
its 执行指挥中心), officers, cases, events, 案款 and 分流 history, numbered with its own 法院代字.
The profiled courts' history starts on 1 January of last year (this year's figures and their
同比), which keeps the whole region well under a minute to seed.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.base import table_of
from db.demo.days import DEFAULT_TZ, START, utc_offset
from db.demo.drafts import background
from db.demo.events import EventContext
from db.demo.org import COURT_CODE, build_org
from db.demo.profiles import REGION, CourtProfile, court_spec
from db.demo.rows import link_origins, number, reassign
from db.demo.seed import DEFAULT_SEED, check_empty, check_today, seed_article
from db.demo.triage import history_rows
from db.demo.writer import insert_rows, numbering_from_db, write_drafts
from db.models import Court
from db.models.triage import CaseTriage, TrackChange
from db.session import bump_data_version, make_session_factory, session_scope

Progress = Callable[[str, int], None]


def seed_region(engine: Engine, *, today: dt.date | None = None, seed: int = DEFAULT_SEED,
                tz: str = DEFAULT_TZ, scale: float = 1.0,
                progress: Progress | None = None) -> dict[str, Any]:
    """Build the 中院 and its basic courts into an empty migrated database; return counts.

    `scale` multiplies the profiled courts' case volume (土默特右旗 is always the full demo
    court); `progress(court name, cases)` is called after each court.
    """
    if not 0 < scale <= 20:
        raise ValueError(f"规模系数应在 0 到 20 之间，实际为 {scale}")
    today = check_today(today, tz)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        check_empty(session)
        article = seed_article(session, today, seed, tz)
        article_id = session.scalar(select(Court.id).where(Court.code == COURT_CODE))
    totals: Counter[str] = Counter()
    courts: list[dict[str, Any]] = []
    parent_id: int | None = None
    for order, profile in enumerate(REGION):
        with session_scope(factory) as session:
            if profile.article:
                row = session.get(Court, article_id)
                assert row is not None
                row.parent_id, row.level, row.sort_order = parent_id, profile.level, order
                counts: dict[str, Any] = {"cases": article["cases"]}
            else:
                court_id, counts = seed_profiled(session, profile, parent_id=parent_id, sort_order=order,
                                                 today=today, seed=seed, tz=tz, scale=scale)
                parent_id = parent_id or court_id  # the first profile is the 中院
                totals.update({k: v for k, v in counts.items() if isinstance(v, int)})
            bump_data_version(session)
        courts.append({"code": profile.code, "name": profile.name, "cases": counts["cases"]})
        if progress:
            progress(profile.name, counts["cases"])
    return {"region": REGION[0].name, "today": today.isoformat(), "seed": seed, "scale": scale,
            "courts": len(courts), "cases": article["cases"] + totals["cases"],
            "case_events": article["case_events"] + totals["case_events"],
            "payments": article["payments"] + totals["payments"], "per_court": courts}


def history_start(today: dt.date) -> dt.date:
    """First filing day of a profiled court: 1 January of last year."""
    return max(START, dt.date(today.year - 1, 1, 1))


def seed_profiled(session: Session, profile: CourtProfile, *, parent_id: int | None, sort_order: int,
                  today: dt.date, seed: int, tz: str, scale: float) -> tuple[int, dict[str, int]]:
    """One court from its profile: organisation, cases and everything hanging off them."""
    stream = random.Random(f"{seed}-{profile.code}")
    org_rng, case_rng, row_rng, triage_rng = (random.Random(stream.getrandbits(64)) for _ in range(4))
    org = build_org(session, org_rng, court_spec(profile, scale), parent_id, sort_order)
    drafts = background(case_rng, org, today, start=history_start(today), window=False)
    reassign(drafts, org, case_rng)
    state = numbering_from_db(session, org.code)
    number(drafts, state)
    link_origins(drafts, state, row_rng)
    ctx = EventContext(org=org, today=today, offset=utc_offset(tz))
    counts = write_drafts(session, drafts, org, ctx, row_rng)
    triage, changes = history_rows(drafts, triage_rng, today)
    insert_rows(session, table_of(CaseTriage), triage)
    insert_rows(session, table_of(TrackChange), changes)
    counts.update({"teams": len(org.team_ids), "case_triage": len(triage), "track_changes": len(changes)})
    return org.court_id, dict(counts)
