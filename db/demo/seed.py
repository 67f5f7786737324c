"""seed_demo: the demo court, deterministic and reproducing the published figures."""
from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from db.base import table_of
from db.demo.calibrate import calibrate
from db.demo.days import DEFAULT_TZ, court_today, utc_offset
from db.demo.drafts import P1_END, CaseDraft, background
from db.demo.events import EventContext
from db.demo.org import OrgPlan, build_org
from db.demo.rows import Numbering, link_origins, number, reassign
from db.demo.special import CAMPAIGN_DAY, CAMPAIGN_NAME, CAMPAIGN_TEXT, pick_campaign
from db.demo.window import preservation_window, simple_window
from db.demo.writer import write_drafts
from db.models import Campaign, CampaignCase, Court
from db.session import bump_data_version, make_session_factory, session_scope

DEFAULT_SEED = 20221001
EARLIEST_TODAY = P1_END + dt.timedelta(days=1)


def seed_demo(engine: Engine, *, today: dt.date | None = None, seed: int = DEFAULT_SEED,
              tz: str = DEFAULT_TZ) -> dict[str, Any]:
    """Build 包头市土默特右旗人民法院 into an empty migrated database; return row counts."""
    today = today or court_today(tz)
    if today < EARLIEST_TODAY:
        raise ValueError(f"演示法院的“今天”不能早于 {EARLIEST_TODAY}（文章数据截至 2022-09-30），实际为 {today}")
    with session_scope(make_session_factory(engine)) as session:
        if session.scalar(select(func.count()).select_from(Court)):
            raise ValueError("数据库中已有法院数据；演示法院只能载入空数据库（请换一个数据库或先清空）")
        return _seed(session, today, seed, tz)


def _seed(session: Session, today: dt.date, seed: int, tz: str) -> dict[str, Any]:
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


def _write_campaign(session: Session, org: OrgPlan, campaign: list[CaseDraft]) -> None:
    row = Campaign(court_id=org.court_id, name=CAMPAIGN_NAME, started_on=CAMPAIGN_DAY,
                   ended_on=CAMPAIGN_DAY, description=CAMPAIGN_TEXT)
    session.add(row)
    session.flush()
    session.execute(insert(table_of(CampaignCase)),
                    [{"campaign_id": row.id, "case_id": d.id} for d in campaign])
