"""专项行动 fetches for /campaigns, /campaigns/<id>, the 战报 and its workbook: scope checks here,
figures from db.campaigns (one report per campaign, data version and day, memoized)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callbacks import authz
from callbacks.context import app_context
from callbacks.desk.courts import court_name, page_court_id
from callbacks.desk.data import court_today, indicator_settings, memoized
from callbacks.desk.params import ParamError
from db.auth.access import MANAGE_CAMPAIGNS, may_see_court
from db.campaigns import edit
from db.campaigns.figures import (
    MEASURES,
    campaign_list,
    campaign_report,
    explain,
    explain_indicator,
)
from db.errors import ValidationError
from db.export.xlsx import Column, Sheet, file_name, workbook_bytes
from db.models import Campaign, Case, Team
from db.session import session_scope
from layouts.desk.campaign_parts import indicator_state
from layouts.desk.campaign_report import document


def zone() -> ZoneInfo:
    return ZoneInfo(app_context().settings.get("TIMEZONE") or "Asia/Shanghai")


def stamp() -> str:
    """Now in the court's zone: the stated time of a page or a 战报."""
    return dt.datetime.now(zone()).strftime("%Y-%m-%d %H:%M")


def may_manage() -> bool:
    who = authz.current()
    return who is not None and who.can(MANAGE_CAMPAIGNS)


def _court_id(_session: Session | None = None) -> int:
    """The court whose campaigns the pages show and launch: the selected court (courts.py)."""
    return page_court_id()


def _campaign_court(campaign_id: int) -> int | None:
    """The court a campaign belongs to (None: no such campaign); read outside the memoized report
    so that the scope check runs on every request, cached or not."""
    return memoized("campaign_court", (campaign_id,), lambda s: s.scalar(
        select(Campaign.court_id).where(Campaign.id == campaign_id)))


def campaign_id_of(raw: Any) -> int:
    text = str(raw or "").strip()
    if not text.isdigit() or int(text) <= 0 or len(text) > 9:
        raise ParamError(f"专项行动编号应为正整数，实际为“{text}”")
    return int(text)


def fetch_list() -> dict[str, Any]:
    """Every campaign of the court with its status, and the form's choices."""
    authz.require_court()
    today = court_today()
    court_id = _court_id()

    def run(session: Session) -> dict[str, Any]:
        mine = set(session.scalars(select(Campaign.id).where(Campaign.court_id == court_id)))
        teams = session.execute(select(Team.id, Team.name).where(Team.court_id == court_id, Team.active.is_(True))
                                .order_by(Team.sort_order, Team.id)).all()
        causes = session.scalars(select(Case.cause).distinct().where(Case.court_id == court_id, Case.cause != "")
                                 .order_by(Case.cause).limit(500)).all()
        return {"rows": [r for r in campaign_list(session, today) if r["id"] in mine],
                "teams": [{"value": t, "label": n} for t, n in teams],
                "causes": [{"value": c, "label": c} for c in causes]}
    return memoized("campaign_list", (court_id, today), run)


def fetch_report(raw_id: Any) -> dict[str, Any]:
    """One campaign's report as of today (the page, the 战报 and the workbook read this)."""
    authz.require_court()
    campaign_id = campaign_id_of(raw_id)
    today = court_today()
    court_id = _campaign_court(campaign_id)
    if court_id is None:
        raise ParamError(f"专项行动“{campaign_id}”不存在")
    if not may_see_court(authz.current(), court_id):
        # a campaign of a court outside the principal's 辖区: refused and audited, and answered
        # as one that does not exist (the answer never tells that it exists elsewhere)
        authz.record("denied", "全院数据", f"专项行动 {campaign_id}", outcome="denied")
        raise authz.Denied(f"专项行动“{campaign_id}”不存在")

    def run(session: Session) -> dict[str, Any]:
        return campaign_report(session, campaign_id, today, tz=zone(), settings=indicator_settings())
    # the court is in the key: the court check above runs only when the entry is computed
    return memoized("campaign_report", (campaign_id, today, authz.current_court_id()), run)


def fetch_explain(raw_id: Any, key: str) -> list[dict[str, Any]]:
    authz.require_court()
    campaign_id = campaign_id_of(raw_id)
    if key not in MEASURES:
        raise ParamError(f"“{key}”不是专项行动的统计项")
    fetch_report(campaign_id)  # the court check
    today = court_today()
    offset = int((dt.datetime.now(zone()).utcoffset() or dt.timedelta(0)).total_seconds() // 60)
    return memoized("campaign_explain", (campaign_id, key, today),
                    lambda s: explain(s, campaign_id, key, today, offset_minutes=offset))


def fetch_indicator_explain(raw_id: Any, key: str) -> dict[str, Any]:
    """The cases behind a targeted registry indicator: {"label", "numerator", "denominator"}."""
    authz.require_court()
    campaign_id = campaign_id_of(raw_id)
    report = fetch_report(campaign_id)  # the court check
    found = {f["key"]: f for f in report.get("indicators") or []}
    if key not in found:
        raise ParamError(f"“{key}”不是本专项行动的指标目标")
    today = court_today()

    def run(session: Session) -> dict[str, Any]:
        parts = explain_indicator(session, campaign_id, key, today, settings=indicator_settings())
        return {"label": found[key]["label"], **parts}
    return memoized("campaign_indicator_explain", (campaign_id, key, today), run)


def form_values(raw_id: Any) -> dict[str, Any]:
    if not may_manage():
        raise authz.deny("修改专项行动")
    campaign_id = campaign_id_of(raw_id)
    with app_context().sessions() as session:
        try:
            return {"id": campaign_id, **edit.form_values(session, campaign_id)}
        except ValidationError as exc:
            raise ParamError(str(exc)) from None


def save(data: Mapping[str, Any], raw_id: Any = None) -> int:
    """Launch (no id) or edit a campaign; only 指挥中心 and 管理员; written whole and audited."""
    if not may_manage():
        raise authz.deny("发起或修改专项行动")
    form = edit.parse_form(dict(data))
    with session_scope(app_context().sessions) as session:
        if raw_id in (None, ""):
            return edit.create(session, authz.current(), _court_id(session), form)
        campaign_id = campaign_id_of(raw_id)
        fetch_report(campaign_id)
        edit.update(session, authz.current(), campaign_id, form)
        return campaign_id


def end(raw_id: Any) -> None:
    if not may_manage():
        raise authz.deny("结束专项行动")
    campaign_id = campaign_id_of(raw_id)
    fetch_report(campaign_id)
    with session_scope(app_context().sessions) as session:
        edit.end(session, authz.current(), campaign_id, court_today())


def _court_name(court_id: int | None = None) -> str:
    return court_name(court_id if court_id is not None else page_court_id()) or ""


def report_document(raw_id: Any) -> tuple[str, str]:
    """The printable 战报 (HTML) and its stated time."""
    report = fetch_report(raw_id)
    generated = stamp()
    return document(report, _court_name(_campaign_court(campaign_id_of(raw_id))), generated), generated


MEASURE_COLUMNS = (Column("统计项", "label"), Column("单位", "unit"), Column("完成", "value", "number"),
                   Column("目标", "target", "number"), Column("行动进度", "progress", "percent"),
                   Column("时间进度", "time_progress", "percent"), Column("落后于时间进度", "behind_text"))


INDICATOR_COLUMNS = (Column("指标（全院口径）", "label"), Column("单位", "unit"),
                     Column("本行动", "value", "number"), Column("分子", "numerator", "number"),
                     Column("分母", "denominator", "number"), Column("目标方向", "rule"),
                     Column("目标", "target", "number"), Column("行动进度", "progress", "percent"),
                     Column("状态", "state"))


def report_sheets(report: Mapping[str, Any], generated: str) -> list[Sheet]:
    meta = [("专项行动", report["name"]), ("期间", f"{report['start']} 至 {report['end']}"),
            ("状态", report["status_label"]), ("数据截至", report["as_of"] or "—"), ("生成时间", generated),
            ("行动范围", "；".join(report["scope"]) or "全院案件"), ("范围内案件", report["scope_cases"])]
    # percent columns take percent units (db.export.xlsx): 45.5 for 45.5%
    measures = [{**m, "progress": None if m["progress"] is None else m["progress"] * 100,
                 "time_progress": report["time_progress"] * 100 if m["target"] else None,
                 "behind_text": ("是" if m["behind"] else "否") if m["target"] else ""} for m in report["measures"]]
    daily_cols = [Column("日期", "day")] + [Column(f"{m.label}（{m.unit}）", m.key, "money" if m.money else "int")
                                           for m in MEASURES.values()]
    days = report["daily"]["days"]
    daily = [{"day": d, **{k: report["daily"]["series"][k][i] for k in MEASURES}} for i, d in enumerate(days)]
    rank_cols = [Column("名次", "rank", "int"), Column("名称", "name")] + [
        Column(f"{m.label}（{m.unit}）", m.key, "money" if m.money else "int") for m in MEASURES.values()]
    return [
        Sheet("目标完成", f"“{report['name']}”专项行动战报", MEASURE_COLUMNS, measures, meta),
        Sheet("每日趋势", "每日完成情况", daily_cols, daily, meta[:5]),
        Sheet("团队排名", "团队排名", rank_cols, report["teams"], meta[:5]),
        Sheet("承办人前十", "承办人前十", rank_cols, report["officers"], meta[:5]),
    ] + ([Sheet("指标目标", "指标目标（全院指标口径，限本行动的案件范围和期间）", INDICATOR_COLUMNS,
                [{**f, "numerator": _number(f["numerator"]), "denominator": _number(f["denominator"]),
                  "progress": None if f["progress"] is None else f["progress"] * 100,
                  "state": indicator_state(f)[0]} for f in report["indicators"]], meta[:5])]
         if report.get("indicators") else [])


def _number(raw: Any) -> float | None:
    return None if raw is None else float(raw)


def report_workbook(raw_id: Any) -> tuple[bytes, str]:
    report = fetch_report(raw_id)
    return (workbook_bytes(report_sheets(report, stamp())),
            file_name("专项行动战报", report["name"], day=court_today()))
