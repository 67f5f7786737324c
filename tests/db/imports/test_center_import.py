"""The center's data through the import (issue #18 §2): 中心岗位 of the staff, the 案款专管员 of
a receipt, 执行110 接警 (not 出警) and 送达 events; an unknown 专管员 is named, nothing written."""
from __future__ import annotations

from sqlalchemy import func, select

from db.imports import run_import
from db.models import CaseEvent, Officer, Payment
from tests.db.imports.helpers import CN, standard, with_court, workbook

PEOPLE = [["姓名", "工号", "团队", "团队类型", "角色", "中心岗位", "在岗"],
          ["张法官", "0001", "执行一团队", "简案团队", "承办人", "", "是"],
          ["李法官", "0002", "执行二团队", "繁案团队", "执行法官", "", "是"],
          ["钱专管", "0009", "执行指挥中心", "执行指挥中心", "法官助理", "案款专管员", "是"],
          ["孙警官", "0010", "执行指挥中心", "执行指挥中心", "法警", "执行110", "是"]]
PAYMENTS = [["案号", "案款编号", "到账日期", "到账金额", "发放日期", "发放金额", "案款专管员"],
            [CN.format(1), "AK001", "2024-02-20", "6000", "2024-02-25", "6000", "钱专管"]]
EVENTS = [["案号", "事件", "发生时间", "届满日期", "金额", "执行人员", "结果", "说明", "附件"],
          [CN.format(2), "执行110接警", "2024-02-02 09:30", "", "", "孙警官", "", "", ""],
          [CN.format(2), "执行110出警", "2024-02-02 09:41", "", "", "孙警官", "", "", ""],
          [CN.format(2), "送达", "2024-02-03 10:00", "", "", "孙警官", "", "", ""]]


def _run(factory, sheets):
    with factory() as session:
        result = run_import(session, workbook(sheets), name="中心.xlsx", actor="admin")
        session.commit()
    return result


def test_center_staff_clerk_and_events_are_imported(engine) -> None:
    factory = with_court(engine)
    result = _run(factory, standard(人员=PEOPLE, 案款=PAYMENTS, 执行事件=EVENTS))
    assert result.errors == []
    with factory() as s:
        duties = dict(s.execute(select(Officer.name, Officer.duty)).all())
        assert duties == {"张法官": None, "李法官": None, "钱专管": "funds", "孙警官": "dispatch"}
        qian = s.scalar(select(Officer.id).where(Officer.name == "钱专管"))
        assert s.scalar(select(Payment.clerk_id).where(Payment.ref == "AK001")) == qian
        kinds = s.scalars(select(CaseEvent.kind).order_by(CaseEvent.occurred_at)).all()
        assert kinds == ["alarm_110", "dispatch_110", "service"]


def test_an_unknown_clerk_is_named_and_nothing_is_written(engine) -> None:
    factory = with_court(engine)
    bad = [PAYMENTS[0], [*PAYMENTS[1][:-1], "无此人"]]
    result = _run(factory, standard(人员=PEOPLE, 案款=bad))
    assert any("案款专管员不存在" in str(e) for e in result.errors), result.errors
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Payment)) == 0
