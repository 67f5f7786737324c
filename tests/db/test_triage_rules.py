"""繁简分流 rules: each condition kind, order (first match wins), validation, the edit history,
re-evaluation after the first 查控反馈, and the desk actions with their audit entries."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.models import (
    AuditEntry,
    CaseAssignment,
    CaseTriage,
    TrackChange,
    TriageRuleChange,
)
from db.triage import (
    DEFAULT_RULES,
    Facts,
    Rule,
    assign,
    change_track,
    classify_query,
    confirm,
    delete_rule,
    dismiss_convert,
    evaluate,
    load_facts,
    load_rules,
    queue,
    refresh,
    save_rule,
    seed_default_rules,
    validate,
    workload,
)
from tests.db import triage_data as data

D = data.D


def facts(**kw) -> Facts:
    base = dict(case_id=1, amount=Decimal(50000), debtor_kinds=("natural",), cause="民间借贷纠纷",
                non_litigation=False, category="first", other_open=0, origin_track=None, query=None)
    base.update(kw)
    return Facts(**base)


def rule(conditions: dict, track: str = "simple", rid: int = 1, name: str = "r") -> Rule:
    return Rule(rid, rid, name, track, f"理由{rid}", validate(conditions))


@pytest.mark.parametrize(("conditions", "yes", "no"), [
    ({"amount_min": 100000}, {"amount": Decimal(100000)}, {"amount": Decimal("99999.99")}),
    ({"amount_max": 100000}, {"amount": Decimal("99999.99")}, {"amount": Decimal(100000)}),
    ({"debtor_kind": "natural"}, {"debtor_kinds": ("natural", "natural")},
     {"debtor_kinds": ("natural", "legal")}),
    ({"debtor_kind": "legal"}, {"debtor_kinds": ("legal",)}, {"debtor_kinds": ()}),
    ({"debtor_min": 2}, {"debtor_kinds": ("natural", "legal")}, {"debtor_kinds": ("legal",)}),
    ({"debtor_max": 1}, {"debtor_kinds": ("legal",)}, {"debtor_kinds": ("legal", "legal")}),
    ({"causes": ["诉讼费", "罚金"]}, {"cause": "追索诉讼费"}, {"cause": "买卖合同纠纷"}),
    ({"non_litigation": True}, {"non_litigation": True}, {"non_litigation": False}),
    ({"non_litigation": False}, {"non_litigation": False}, {"non_litigation": True}),
    ({"categories": ["resumed"]}, {"category": "resumed"}, {"category": "first"}),
    ({"other_open_min": 3}, {"other_open": 3}, {"other_open": 2}),
    ({"origin_track": "complex"}, {"origin_track": "complex"}, {"origin_track": None}),
    ({"query": ["none", "funds_enough"]}, {"query": "none"}, {"query": "real_estate"}),
    ({"query": ["none"]}, {"query": "none"}, {"query": None}),  # no result yet: not fired
])
def test_each_condition_kind(conditions: dict, yes: dict, no: dict) -> None:
    rules = [rule(conditions, "simple")]
    assert evaluate(rules, facts(**yes)).track == "simple"
    assert evaluate(rules, facts(**no)).fired == ()


def test_all_conditions_of_a_rule_must_hold() -> None:
    both = [rule({"amount_max": 100000, "debtor_kind": "natural"})]
    assert evaluate(both, facts()).fired
    assert not evaluate(both, facts(debtor_kinds=("legal",))).fired
    assert not evaluate(both, facts(amount=Decimal(200000))).fired


def test_first_match_wins_and_every_match_is_listed() -> None:
    rules = [rule({"amount_min": 1000000}, "complex", 1, "大额"),
             rule({"debtor_kind": "natural"}, "simple", 2, "自然人"),
             rule({}, "complex", 3, "其余")]
    small = evaluate(rules, facts())
    assert (small.track, small.reason) == ("simple", "理由2")
    assert [f["name"] for f in small.fired] == ["自然人", "其余"]
    big = evaluate(rules, facts(amount=Decimal(2000000)))
    assert (big.track, [f["name"] for f in big.fired]) == ("complex", ["大额", "自然人", "其余"])
    # order is the order of the list given (load_rules sorts by position): swap → other answer
    assert evaluate([rules[1], rules[0]], facts(amount=Decimal(2000000))).track == "simple"


def test_no_rule_fires_falls_back_to_complex() -> None:
    got = evaluate([rule({"amount_max": 10})], facts())
    assert (got.track, got.fired) == ("complex", ())
    assert "未命中" in got.reason


def test_inactive_rules_are_skipped() -> None:
    off = Rule(1, 1, "停用", "simple", "x", {}, active=False)
    assert evaluate([off], facts()).fired == ()


@pytest.mark.parametrize(("detail", "amount", "want"), [
    ("总对总查控反馈：银行存款60000元，车辆0辆，不动产1处", 50000, "funds_enough"),
    ("总对总查控反馈：银行存款3200元，车辆1辆，不动产2处", 50000, "real_estate"),
    ("总对总查控反馈：银行存款3200元，车辆0辆，不动产0处", 50000, "property"),
    ("总对总查控反馈：银行存款0元，车辆1辆", 50000, "property"),
    ("总对总查控反馈：银行存款0元，车辆0辆，不动产0处", 50000, "none"),
    ("查询结果：有不动产", 50000, "real_estate"),
    ("", 50000, "none"),
])
def test_classify_query(detail: str, amount: int, want: str) -> None:
    assert classify_query(detail, Decimal(amount)) == want


@pytest.mark.parametrize(("bad", "words"), [
    ({"amount_max": "十万"}, "标的额上限"),
    ({"debtor_kind": "robot"}, "被执行人类型"),
    ({"debtor_min": -1}, "被执行人数下限"),
    ({"query": ["maybe"]}, "首次查控反馈"),
    ({"colour": "red"}, "未知的条件“colour”"),
    ({"amount_min": 10, "amount_max": 5}, "下限应小于上限"),
    ("{not json", "不是有效的 JSON"),
    ([1, 2], "JSON 对象"),
])
def test_bad_conditions_are_named_in_chinese(bad, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        validate(bad)


def test_default_rules_are_valid_and_local() -> None:
    for name, track, reason, conditions in DEFAULT_RULES:
        assert validate(conditions) == conditions or validate(conditions)
        assert track in ("simple", "complex") and name and reason


def test_rule_edits_keep_a_history(sqlite_engine) -> None:
    with Session(sqlite_engine) as session:
        assert seed_default_rules(session) == len(DEFAULT_RULES)
        assert seed_default_rules(session) == 0  # only into an empty table
        rules = load_rules(session)
        assert [r.name for r in rules] == [r[0] for r in DEFAULT_RULES]
        assert all(r.local for r in rules)
        first = rules[0]
        save_rule(session, actor="admin", rule_id=first.id, name=first.name, track="simple",
                  reason="改为简案", conditions=json.dumps(first.conditions), position=5)
        with pytest.raises(ValidationError, match="分流理由不能为空"):
            save_rule(session, actor="admin", rule_id=first.id, name="x", track="simple",
                      reason="", conditions={})
        delete_rule(session, actor="admin", rule_id=rules[1].id)
        session.commit()
        changes = session.scalars(select(TriageRuleChange).order_by(TriageRuleChange.id)).all()
        assert [c.action for c in changes[-2:]] == ["update", "delete"]
        update = changes[-2]
        assert json.loads(update.old)["track"] == "complex"
        assert json.loads(update.new)["track"] == "simple"
        assert update.actor == "admin" and changes[-1].new == ""
        assert load_rules(session)[0].reason == "改为简案"
        assert rules[1].id not in {r.id for r in load_rules(session)}


def test_facts_read_parties_origin_and_other_open_cases(sqlite_engine) -> None:
    with Session(sqlite_engine) as session:
        ids = data.org(session)
        origin = data.add_case(session, ids, "2025-01-01", 1000, track="complex")
        origin.closed_on, origin.closing_method = D("2025-06-01"), "terminated_this_round"
        for _ in range(3):
            data.add_case(session, ids, "2026-01-01", 1000, debtor_ids=("ID-SHARED",))
        case = data.add_case(session, ids, "2026-02-01", 1000, category="resumed", origin=origin.id,
                             debtors=("natural", "legal"), debtor_ids=("ID-SHARED",))
        data.query_result(session, case, "2026-02-03", "银行存款0元，不动产0处")
        data.query_result(session, case, "2026-02-09", "不动产3处")  # not the first
        f = load_facts(session, [case.id])[case.id]
    assert f.debtor_kinds == ("natural", "legal")
    assert f.origin_track == "complex" and f.category == "resumed"
    assert f.other_open == 3  # the three other open cases of the same 证件号
    assert f.query == "none"


def test_re_evaluation_after_the_first_query(engine) -> None:
    with Session(engine) as session:
        ids = data.org(session)
        save_rule(session, actor="a", rule_id=None, name="有不动产", track="complex",
                  reason="不动产需处置", conditions={"query": ["real_estate"]}, position=10)
        save_rule(session, actor="a", rule_id=None, name="小额", track="simple",
                  reason="小额", conditions={"amount_max": 100000}, position=20)
        waiting = data.add_case(session, ids, "2026-03-01", 5000)
        confirmed = data.add_case(session, ids, "2026-03-01", 5000)
        calm = data.add_case(session, ids, "2026-03-01", 5000)
        assert refresh(session)["new"] == 3
        for case in (confirmed, calm):
            confirm(session, data.CLERK, case.id, today=D("2026-03-02"))
        row = session.scalar(select(CaseTriage).where(CaseTriage.case_id == waiting.id))
        assert (row.suggested_track, row.stage) == ("simple", "filed")
        for case in (waiting, confirmed):
            data.query_result(session, case, "2026-03-05", "银行存款100元，不动产1处")
        data.query_result(session, calm, "2026-03-05", "银行存款0元，不动产0处")
        counts = refresh(session)
        assert counts == {"new": 0, "updated": 1, "convert": 1}
        session.refresh(row)
        assert (row.suggested_track, row.stage, row.query_result) == ("complex", "query", "real_estate")
        assert [f["name"] for f in json.loads(row.fired)] == ["有不动产", "小额"]
        flagged = session.scalar(select(CaseTriage).where(CaseTriage.case_id == confirmed.id))
        assert flagged.convert_suggested and flagged.track == "simple"
        quiet = session.scalar(select(CaseTriage).where(CaseTriage.case_id == calm.id))
        assert not quiet.convert_suggested and quiet.stage == "query"
        states = {r["case_id"]: r["state"] for r in queue(session, D("2026-03-06"))}
        assert states == {waiting.id: "待确认", confirmed.id: "建议转繁", calm.id: "待分案"}
        assert refresh(session) == {"new": 0, "updated": 0, "convert": 0}  # once only
        session.commit()


def test_desk_actions_and_their_audit(sqlite_engine) -> None:
    with Session(sqlite_engine) as session:
        ids = data.org(session)
        data.simple_rules(session)
        a = data.add_case(session, ids, "2026-03-01", 5000)
        b = data.add_case(session, ids, "2026-03-01", 5000)
        data.add_case(session, ids, "2026-03-01", 5000, team="simple", officer="jia")  # busy
        refresh(session)
        with pytest.raises(ValidationError, match="改判.*必须填写理由"):
            confirm(session, data.CLERK, b.id, "complex", "  ")
        with pytest.raises(ValidationError, match="尚未分流确认"):
            assign(session, data.CLERK, a.id, ids["simple"], ids["jia"])
        confirm(session, data.CLERK, a.id, today=D("2026-03-02"))
        confirm(session, data.CLERK, b.id, "complex", "有关联案件", today=D("2026-03-02"))
        with pytest.raises(ValidationError, match="已于"):
            confirm(session, data.CLERK, a.id)
        with pytest.raises(ValidationError, match="不属于"):
            assign(session, data.CLERK, a.id, ids["simple"], ids["yi"])
        with pytest.raises(ValidationError, match="不能承办"):
            assign(session, data.CLERK, a.id, ids["center"], ids["jia"])
        hint = {t["name"]: t["officers"] for t in workload(session, ids["court"])}
        assert "指挥中心" not in hint
        assert hint["简案组"] == [{"id": ids["jia"], "name": "甲法官", "open": 1}]
        assign(session, data.CLERK, a.id, ids["simple"], ids["jia"], today=D("2026-03-02"))
        with pytest.raises(ValidationError, match="已分案"):
            assign(session, data.CLERK, a.id, ids["simple"], ids["jia"])
        with pytest.raises(ValidationError, match="必须填写理由"):
            change_track(session, data.CLERK, a.id, "complex", "")
        change_track(session, data.CLERK, a.id, "complex", "查控发现不动产", today=D("2026-03-10"))
        with pytest.raises(ValidationError, match="没有待处理的转繁建议"):
            dismiss_convert(session, data.CLERK, a.id, "维持")
        session.commit()
        assert session.get(type(a), a.id).track == "complex"
        assert session.get(type(b), b.id).track == "complex"
        b_row = session.scalar(select(CaseTriage).where(CaseTriage.case_id == b.id))
        assert b_row.overridden and b_row.override_reason == "有关联案件"
        history = [(c.old_track, c.new_track, c.source) for c in session.scalars(
            select(TrackChange).where(TrackChange.case_id == a.id).order_by(TrackChange.id))]
        assert history == [(None, "simple", "triage"), ("simple", "complex", "desk")]
        entry = session.scalar(select(CaseAssignment).where(CaseAssignment.case_id == a.id))
        assert entry.officer_id == ids["jia"] and "分流分案" in entry.reason
        audit = [(e.action, e.actor, e.target) for e in session.scalars(
            select(AuditEntry).order_by(AuditEntry.id))]
        assert [x[0] for x in audit] == ["triage_confirm", "triage_override", "triage_assign",
                                         "track_change"]
        assert all(x[1] == "clerk" for x in audit)
        assert audit[0][2] == a.case_number


def test_the_refresher_step_queues_new_cases_once_per_interval(sqlite_engine) -> None:
    from db.session import make_session_factory
    from db.triage.sweep import TriageSweep

    clock = [0.0]
    with Session(sqlite_engine) as session:
        ids = data.org(session)
        first = data.add_case(session, ids, "2026-03-01", 5000).id
        session.commit()
    sweep = TriageSweep(make_session_factory(sqlite_engine), interval_s=60, monotonic=lambda: clock[0])
    assert sweep.run() == {"new": 1, "updated": 0, "convert": 0}
    with Session(sqlite_engine) as session:
        data.add_case(session, ids, "2026-03-02", 5000)
        session.commit()
    clock[0] = 30.0
    assert sweep.run() is None  # not due yet
    clock[0] = 61.0
    assert sweep.run() == {"new": 1, "updated": 0, "convert": 0}
    with Session(sqlite_engine) as session:
        queued = session.scalars(select(CaseTriage.case_id)).all()
    assert first in queued and len(queued) == 2
