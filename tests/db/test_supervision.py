"""督办 life cycle with its append-only audit trail, on SQLite, PostgreSQL and MariaDB."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.models import SupervisionOrder, SupervisionStep
from db.session import data_version
from db.supervision import orders as sv
from tests.db.nodes_factory import D, make_case, make_org, make_user

T0 = dt.datetime(2024, 3, 1, 2, 0)  # 10:00 Beijing time, 2024-03-01


def _at(days: int, hours: int = 0) -> dt.datetime:
    return T0 + dt.timedelta(days=days, hours=hours)


def test_issue_answer_close_with_audit_trail(engine: Engine) -> None:
    """已下发 → 已反馈 → 已办结; every step keeps who and when; nothing is removed."""
    with Session(engine) as s:
        org = make_org(s)
        center, officer = make_user(s, "center1"), make_user(s, "zhang", "officer")
        case_ = make_case(s, org, D(2024, 1, 2), team=1)
        before = data_version(s)[0]
        oid = sv.issue(s, target_kind="node", case_id=case_.id, node_key="notice",
                       subject="执行通知书超期未发", reason="节点超期 9 天", due_on=D(2024, 3, 5),
                       actor_id=center.id, now=T0)
        order = s.get(SupervisionOrder, oid)
        assert (order.team_id, order.officer_id, order.status) == (org.teams[1].id, org.officers[1].id, "issued")
        assert sv.answer(s, oid, "已于3月3日发出", officer.id, now=_at(2)) == "answered"
        assert sv.send_back(s, oid, "请补充送达回证", center.id, now=_at(3)) == "issued"
        assert sv.answer(s, oid, "已补充送达回证", officer.id, now=_at(3, 5)) == "answered"
        assert sv.close(s, oid, "同意办结", center.id, now=_at(4)) == "closed"
        s.commit()
        steps = sv.order_steps(s, oid)
        assert data_version(s)[0] == before + 5
    assert [(x["status"], x["actor"], x["at"]) for x in steps] == [
        ("issued", "center1", T0),
        ("answered", "zhang", _at(2)),
        ("issued", "center1", _at(3)),
        ("answered", "zhang", _at(3, 5)),
        ("closed", "center1", _at(4)),
    ]
    assert steps[0]["note"] == "节点超期 9 天" and steps[-1]["status_label"] == "已办结"


def test_overdue_sweep_list_and_team_stats(engine: Engine) -> None:
    """逾期 when the due date passes unanswered; lists derive it live; per-team statistics."""
    with Session(engine) as s:
        org = make_org(s)
        center, officer = make_user(s, "center1"), make_user(s, "li", "officer")
        case_ = make_case(s, org, D(2024, 1, 2))
        late = sv.issue(s, target_kind="case", case_id=case_.id, subject="长期未结", due_on=D(2024, 3, 3),
                        actor_id=center.id, now=T0)
        prompt = sv.issue(s, target_kind="officer", officer_id=org.officers[0].id, subject="案款未发放",
                          due_on=D(2024, 3, 10), actor_id=center.id, now=T0)
        sv.answer(s, prompt, "已发放", officer.id, now=_at(2))
        sv.close(s, prompt, "办结", center.id, now=_at(3))
        team = sv.issue(s, target_kind="team", team_id=org.teams[1].id, subject="终本合格率偏低",
                        due_on=D(2024, 3, 30), actor_id=center.id, now=T0)
        today = D(2024, 3, 6)
        assert [o["id"] for o in sv.list_orders(s, today, status="overdue")] == [late]
        assert sv.status_counts(s, today) == {"issued": 1, "answered": 0, "overdue": 1, "closed": 1, "open": 2}
        assert sv.sweep_overdue(s, today, now=_at(5)) == [late]
        assert sv.sweep_overdue(s, today, now=_at(5)) == []
        assert sv.answer(s, late, "已约谈当事人", officer.id, now=_at(6)) == "answered"
        sv.close(s, late, "办结", center.id, now=_at(7))
        stats = {t["team_id"]: t for t in sv.team_stats(s, D(2024, 3, 10))}
        listed = sv.list_orders(s, today, team_id=org.teams[1].id)
        steps = [x["status"] for x in sv.order_steps(s, late)]
    assert steps == ["issued", "overdue", "answered", "closed"]
    t0 = stats[org.teams[0].id]
    assert (t0["total"], t0["closed"], t0["closed_on_time"], t0["open"]) == (2, 2, 1, 0)
    assert (stats[org.teams[1].id]["issued"], stats[org.teams[1].id]["open"]) == (1, 1)
    assert [o["id"] for o in listed] == [team] and listed[0]["status_label"] == "已下发"


def test_invalid_steps_are_refused_in_chinese(engine: Engine) -> None:
    with Session(engine) as s:
        org = make_org(s)
        center = make_user(s, "center1")
        case_ = make_case(s, org, D(2024, 1, 2))
        with pytest.raises(ValidationError, match="办理期限 2024-02-29 不能早于今天"):
            sv.issue(s, target_kind="case", case_id=case_.id, subject="x", due_on=D(2024, 2, 29),
                     actor_id=center.id, now=T0)
        with pytest.raises(ValidationError, match="案件“9999”不存在"):
            sv.issue(s, target_kind="case", case_id=9999, subject="x", due_on=D(2024, 3, 9),
                     actor_id=center.id, now=T0)
        with pytest.raises(ValidationError, match="节点督办须指明节点"):
            sv.issue(s, target_kind="node", case_id=case_.id, subject="x", due_on=D(2024, 3, 9),
                     actor_id=center.id, now=T0)
        with pytest.raises(ValidationError, match="督办对象类型应为"):
            sv.issue(s, target_kind="court", subject="x", due_on=D(2024, 3, 9), actor_id=center.id, now=T0)
        oid = sv.issue(s, target_kind="case", case_id=case_.id, subject="x", due_on=D(2024, 3, 9),
                       actor_id=center.id, now=T0)
        with pytest.raises(ValidationError, match="当前状态为“已下发”，不能办结"):
            sv.close(s, oid, "办结", center.id, now=_at(1))
        with pytest.raises(ValidationError, match="反馈内容不能为空"):
            sv.answer(s, oid, "  ", center.id, now=_at(1))
        with pytest.raises(ValidationError, match="用户“None”不存在"):
            sv.apply(s, oid, "answer", note="done", actor_id=None, now=_at(1))
        steps = s.scalar(select(func.count()).select_from(SupervisionStep))
    assert steps == 1


def test_the_center_is_not_a_supervision_target(engine: Engine) -> None:
    """督办 goes to case-handling teams and their officers; the 执行指挥中心 and its staff are not offered."""
    from db.models import Officer, Team

    with Session(engine) as s:
        org = make_org(s)
        center = Team(court_id=org.court.id, name="执行指挥中心", kind="center", sort_order=0)
        s.add(center)
        s.flush()
        s.add(Officer(court_id=org.court.id, team_id=center.id, name="石查控", role="clerk", duty="query"))
        s.flush()
        choices = sv.target_choices(s)
        assert [t["name"] for t in choices["teams"]] == ["简案团队", "繁案团队"]
        assert [o["name"] for o in choices["officers"]] == ["张法官", "李法官"]
