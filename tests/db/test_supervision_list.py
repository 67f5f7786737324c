"""督办 list filters, scope narrowing, permissions and the scheduled 逾期 sweep, on SQLite,
PostgreSQL and MariaDB."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from dashboard.scheduler import RefreshService
from db.auth.access import Principal, Scope
from db.models import SupervisionOrder, SupervisionStep
from db.supervision import orders as sv
from db.supervision.access import addressed_to, may_view, refusal
from db.supervision.sweep import OverdueSweep
from tests.db.nodes_factory import D, make_case, make_org, make_user

T0 = dt.datetime(2024, 3, 1, 17, 30)  # 01:30 on 2024-03-02 in Beijing: the local day differs from UTC
TZ = dt.timezone(dt.timedelta(hours=8))


def _seed(s: Session) -> dict[str, Any]:
    org = make_org(s)
    center = make_user(s, "center1")
    case_ = make_case(s, org, D(2024, 1, 2), team=1)
    out = {"org": org, "center": center, "center_id": center.id, "case": case_}
    out["node"] = sv.issue(s, target_kind="node", case_id=case_.id, node_key="notice", subject="通知书 100%_超期",
                           reason="节点超期", due_on=D(2024, 3, 5), actor_id=center.id, now=T0)
    out["team"] = sv.issue(s, target_kind="team", team_id=org.teams[0].id, subject="结案率偏低",
                           due_on=D(2024, 3, 20), actor_id=center.id, now=T0 + dt.timedelta(days=3))
    out["officer"] = sv.issue(s, target_kind="officer", officer_id=org.officers[0].id, subject="案款未发放",
                              due_on=D(2024, 3, 10), actor_id=center.id, now=T0 + dt.timedelta(days=5))
    s.commit()
    return out


def _ids(s: Session, today: dt.date, **kw: Any) -> list[int]:
    return [o["id"] for o in sv.list_orders(s, today, flt=sv.OrderFilter(**kw), offset_minutes=480)]


def test_filters_and_text_search(engine: Engine) -> None:
    with Session(engine) as s:
        o = _seed(s)
        org, today = o["org"], D(2024, 3, 8)
        assert _ids(s, today) == [o["officer"], o["team"], o["node"]]
        assert _ids(s, today, status="overdue") == [o["node"]]
        assert _ids(s, today, status="open") == [o["officer"], o["team"], o["node"]]
        assert _ids(s, today, target_kind="team") == [o["team"]]
        assert _ids(s, today, team_id=org.teams[1].id) == [o["node"]]
        assert _ids(s, today, case_id=o["case"].id) == [o["node"]]
        # issued_at 2024-03-01 17:30 UTC is 2024-03-02 in the court's zone
        assert _ids(s, today, issued_from=D(2024, 3, 2), issued_to=D(2024, 3, 2)) == [o["node"]]
        assert _ids(s, today, issued_to=D(2024, 3, 1)) == []
        assert _ids(s, today, due_from=D(2024, 3, 6), due_to=D(2024, 3, 19)) == [o["officer"]]
        assert _ids(s, today, text="100%_") == [o["node"]]  # LIKE wildcards are matched literally
        assert _ids(s, today, text="100%x") == []
        assert _ids(s, today, text=o["case"].case_number[1:8]) == [o["node"]]
        found = sv.get_order(s, o["node"], today)
        assert (found["issuer_name"], found["target_label"], found["status_label"]) == ("center1", "节点", "逾期")


def test_scope_narrows_list_counts_and_stats(engine: Engine) -> None:
    with Session(engine) as s:
        o = _seed(s)
        org, today = o["org"], D(2024, 3, 8)
        team0 = Scope(team_id=org.teams[0].id)
        assert {x["id"] for x in sv.list_orders(s, today, scope=team0)} == {o["team"], o["officer"]}
        assert [x["id"] for x in sv.list_orders(s, today, scope=Scope(officer_id=org.officers[0].id))] == [o["officer"]]
        assert sv.list_orders(s, today, scope=Scope()) == []
        assert sv.get_order(s, o["node"], today, scope=team0) is None
        assert sv.status_counts(s, today, scope=team0)["open"] == 2
        assert [t["team_id"] for t in sv.team_stats(s, today, scope=team0)] == [org.teams[0].id]


def _p(role: str, team_id: int | None = None, officer_id: int | None = None) -> Principal:
    return Principal(1, role, role, role, team_id, officer_id)


def test_permissions_registry() -> None:
    to_officer = {"id": 9, "team_id": 2, "officer_id": 5}
    to_team = {"id": 8, "team_id": 2, "officer_id": None}
    assert refusal(_p("center"), "issue") is None and refusal(_p("center"), "answer", to_officer) is None
    assert "无权下发督办" in refusal(_p("leader"), "issue")
    assert "无权办结督办" in refusal(_p("lead", team_id=2), "close", to_officer)
    assert refusal(_p("lead", team_id=2), "answer", to_officer) is None
    assert "不是下发给您" in refusal(_p("lead", team_id=3), "answer", to_officer)
    assert refusal(_p("officer", team_id=2, officer_id=5), "answer", to_officer) is None
    assert "不是下发给您" in refusal(_p("officer", team_id=2, officer_id=6), "answer", to_officer)
    assert addressed_to(_p("officer", team_id=2, officer_id=6), to_team)  # team order naming no officer
    assert "无权反馈督办" in refusal(_p("wall"), "answer", to_team)
    assert "请先登录" in refusal(None, "answer", to_team)
    assert "未知的督办操作" in refusal(_p("center"), "delete")
    assert may_view(_p("officer", officer_id=5), to_officer) and not may_view(_p("officer", officer_id=6), to_officer)


class _Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.at, self.mono = at, 0.0

    def now(self) -> dt.datetime:
        return self.at

    def monotonic(self) -> float:
        return self.mono


def test_sweep_runs_once_per_day_and_hourly(engine: Engine) -> None:
    with Session(engine) as s:
        o = _seed(s)
    clock = _Clock(dt.datetime(2024, 3, 5, 15, 0, tzinfo=dt.UTC))  # 23:00 on 3-5 in Beijing: not yet due
    sweep = OverdueSweep(sessionmaker(engine), TZ, interval_s=3600, clock=clock.now, monotonic=clock.monotonic)
    assert sweep.run() == []
    clock.at += dt.timedelta(minutes=10)  # same court day, within the hour: nothing to do, no query
    assert sweep.run() is None
    clock.at += dt.timedelta(minutes=50)  # 3-6 00:00 Beijing: a new court day
    clock.mono += 10
    assert sweep.run() == [o["node"]]
    clock.mono += 3600  # an hour later, same day: sweeps again, finds nothing new
    assert sweep.run() == []
    with Session(engine) as s:
        steps = s.execute(select(SupervisionStep.status, SupervisionStep.actor_id, SupervisionStep.at)
                          .where(SupervisionStep.order_id == o["node"]).order_by(SupervisionStep.id)).all()
        assert s.get(SupervisionOrder, o["node"]).status == "overdue"
    assert [(st, actor) for st, actor, _ in steps] == [("issued", o["center_id"]), ("overdue", None)]
    assert steps[1][2] == dt.datetime(2024, 3, 5, 16, 0)  # stored as naive UTC


def test_sweep_failure_is_logged_and_retried(sqlite_engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    def broken() -> Session:
        raise RuntimeError("数据库连接失败")

    sweep = OverdueSweep(broken, TZ)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING):
        assert sweep.run() is None
        assert sweep.run() is None  # not marked done: tried again on the next tick
    assert sweep.last_day is None
    assert [r.levelname for r in caplog.records] == ["ERROR", "WARNING"]  # traceback once, then one line


class _Lease:
    holder = "test"

    def acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass


class _Refresher:
    def __init__(self) -> None:
        self.runs = 0

    def run(self) -> str:
        self.runs += 1
        return "unchanged"


def test_refresh_job_runs_the_sweep_before_the_refresh(sqlite_engine: Engine) -> None:
    from flask import Flask

    with Session(sqlite_engine) as s:
        o = _seed(s)
    calls: list[str] = []
    refresher = _Refresher()
    clock = _Clock(dt.datetime(2024, 3, 9, 2, 0, tzinfo=dt.UTC))
    sweep = OverdueSweep(sessionmaker(sqlite_engine), TZ, clock=clock.now, monotonic=clock.monotonic)
    original = sweep.run

    def tracked() -> list[int] | None:
        calls.append(f"sweep runs={refresher.runs}")
        return original()

    sweep.run = tracked  # type: ignore[method-assign]
    service = RefreshService(Flask("t"), _Lease(), refresher, 1.0, sweep=sweep)  # type: ignore[arg-type]
    assert service.tick() == "unchanged"
    assert service.tick() == "unchanged"
    assert calls == ["sweep runs=0", "sweep runs=1"] and refresher.runs == 2
    with Session(sqlite_engine) as s:
        overdue = s.scalars(select(SupervisionOrder.id).where(SupervisionOrder.status == "overdue")).all()
    assert overdue == [o["node"]]  # due 3-5, swept on 3-9; the others are due later
