"""seed_demo: the demo court, deterministic and reproducing the published figures."""
from __future__ import annotations

import datetime as dt
import json
import math
import random
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from db.base import table_of
from db.campaigns.figures import measure_values, time_progress
from db.campaigns.indicators import indicator_figures
from db.campaigns.scope import scope_from
from db.demo.calibrate import calibrate
from db.demo.days import DEFAULT_TZ, court_today, utc_offset
from db.demo.drafts import P1_END, CaseDraft, background
from db.demo.events import EventContext
from db.demo.org import OrgPlan, build_org
from db.demo.rows import Numbering, link_origins, number, reassign
from db.demo.special import (
    CAMPAIGN_DAY,
    CAMPAIGN_NAME,
    CAMPAIGN_TEXT,
    LIVE_AFTER,
    LIVE_BEFORE,
    LIVE_FACTORS,
    LIVE_INDICATORS,
    LIVE_NAME,
    LIVE_SCOPE,
    LIVE_TEXT,
    pick_campaign,
)
from db.demo.triage import seed_triage
from db.demo.window import preservation_window, simple_window
from db.demo.writer import write_drafts
from db.models import Campaign, CampaignCase, Court
from db.session import bump_data_version, make_session_factory, session_scope

DEFAULT_SEED = 20221001
EARLIEST_TODAY = P1_END + dt.timedelta(days=1)


def seed_demo(engine: Engine, *, today: dt.date | None = None, seed: int = DEFAULT_SEED,
              tz: str = DEFAULT_TZ) -> dict[str, Any]:
    """Build 包头市土默特右旗人民法院 into an empty migrated database; return row counts."""
    today = check_today(today, tz)
    with session_scope(make_session_factory(engine)) as session:
        check_empty(session)
        return seed_article(session, today, seed, tz)


def check_today(today: dt.date | None, tz: str) -> dt.date:
    """The demo's today (the court's today when None); not before the article's data ends."""
    today = today or court_today(tz)
    if today < EARLIEST_TODAY:
        raise ValueError(f"演示法院的“今天”不能早于 {EARLIEST_TODAY}（文章数据截至 2022-09-30），实际为 {today}")
    return today


def check_empty(session: Session) -> None:
    if session.scalar(select(func.count()).select_from(Court)):
        raise ValueError("数据库中已有法院数据；演示法院只能载入空数据库（请换一个数据库或先清空）")


def seed_article(session: Session, today: dt.date, seed: int, tz: str) -> dict[str, Any]:
    """The article court into `session` (the caller checked it is empty and commits)."""
    streams = random.Random(seed)
    # One stream per stage, so changing one stage does not reshuffle the others.
    org_rng, case_rng, cal_rng, row_rng = (random.Random(streams.getrandbits(64)) for _ in range(4))
    org = build_org(session, org_rng)
    drafts, campaign = build_drafts(case_rng, cal_rng, org, today)
    state = Numbering()
    number(drafts, state)
    link_origins(drafts, state, row_rng)
    ctx = EventContext(org=org, today=today, offset=utc_offset(tz))
    counts = write_drafts(session, drafts, org, ctx, row_rng)
    _write_campaign(session, org, campaign)
    _write_live_campaign(session, org, today, utc_offset(tz))
    counts.update(seed_triage(session, drafts, org, today, random.Random(streams.getrandbits(64))))
    bump_data_version(session)
    return {"court": "包头市土默特右旗人民法院", "today": today.isoformat(), "seed": seed,
            "teams": len(org.team_ids),
            "officers": sum(len(ids) for roles in org.staff.values() for ids in roles.values()),
            **counts, "campaign_cases": len(campaign)}


def build_drafts(case_rng: random.Random, cal_rng: random.Random, org: OrgPlan,
                 today: dt.date) -> tuple[list[CaseDraft], list[CaseDraft]]:
    """Background cases, the campaign, the constructed window cases, then calibration."""
    drafts = background(case_rng, org, today)
    campaign = pick_campaign(case_rng, drafts)
    drafts += simple_window(case_rng, org, today)
    drafts += preservation_window(case_rng, org, today)
    calibrate(drafts, cal_rng, today)
    reassign(drafts, org, case_rng)
    return drafts, campaign


def _write_live_campaign(session: Session, org: OrgPlan, today: dt.date, offset: dt.timedelta) -> None:
    """The campaign running now, its targets set from what it reached so far (db.campaigns.figures)."""
    row = Campaign(court_id=org.court_id, name=LIVE_NAME, description=LIVE_TEXT, on_wall=True,
                   started_on=today - dt.timedelta(days=LIVE_BEFORE), ended_on=today + dt.timedelta(days=LIVE_AFTER),
                   scope=scope_from(LIVE_SCOPE).to_json())
    session.add(row)
    session.flush()
    reached = measure_values(session, row.id, today, offset_minutes=int(offset.total_seconds() // 60))
    share = time_progress(row, today)
    targets = {}
    for key, factor in LIVE_FACTORS.items():
        goal = float(reached[key]) / share * factor
        targets[key] = round(goal, -4) if key in ("recovered", "disbursed") else max(5, math.ceil(goal))
    # registry indicators over the scope (db.campaigns.indicators): 结案率 aimed at the end of the
    # campaign (not reached yet), 首执平均用时 a ceiling it keeps
    so_far = indicator_figures(session, row, row.started_on, today, dict.fromkeys(LIVE_INDICATORS, 1.0), share)
    for found in so_far:
        value = found["value"] or 0.0
        if found["direction"] == "higher":
            targets[found["key"]] = max(1, math.ceil(value / share * LIVE_INDICATORS[found["indicator"]]))
        else:
            targets[found["key"]] = max(1, math.ceil(value * LIVE_INDICATORS[found["indicator"]]))
    row.targets = json.dumps(targets, sort_keys=True)


def _write_campaign(session: Session, org: OrgPlan, campaign: list[CaseDraft]) -> None:
    row = Campaign(court_id=org.court_id, name=CAMPAIGN_NAME, started_on=CAMPAIGN_DAY,
                   ended_on=CAMPAIGN_DAY, description=CAMPAIGN_TEXT)
    session.add(row)
    session.flush()
    session.execute(insert(table_of(CampaignCase)),
                    [{"campaign_id": row.id, "case_id": d.id} for d in campaign])
