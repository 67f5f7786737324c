"""Small workbooks for the import tests, built with openpyxl in memory."""
from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import openpyxl
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.models import Court
from db.session import make_session_factory

COURT = "内0299"
CN = "（2024）内0299执{}号"

PEOPLE = [["姓名", "工号", "团队", "团队类型", "角色", "在岗"],
          ["张法官", "0001", "执行一团队", "简案团队", "承办人", "是"],
          ["李法官", "0002", "执行二团队", "繁案团队", "执行法官", "是"],
          ["赵助理", "0003", "执行一团队", "", "法官助理", "否"]]
CASES = [["案号", "立案日期", "收案日期", "结案日期", "结案方式", "承办团队", "承办人",
          "申请执行标的金额（元）", "实际到位金额(元)", "案由", "非诉执行", "繁简"],
         [CN.format(1), "2024-01-05", "2024-01-03", "2024-03-01", "执行完毕", "执行一团队", "张法官",
          "10,000.00", "10000", "民间借贷纠纷", "否", "简"],
         [CN.format(2), "2024/2/1", "", "2024年6月30日", "终本", "执行二团队", "李法官",
          "250000.5", "0", "买卖合同纠纷", "N", "繁案"],
         [CN.format(3), "20240310", "", "", "", "执行一团队", "张法官", "5000", "", "劳动争议", "是", "简"]]
PARTIES = [["案号", "诉讼地位", "类型", "名称", "证件号码"],
           [CN.format(1), "申请执行人", "自然人", "王某", "150221199001011234"],
           [CN.format(1), "被执行人", "法人", "包头某某有限公司", "91150200MA0000000X"],
           [CN.format(2), "被执行人", "自然人", "刘某", ""]]
ASSIGNMENTS = [["案号", "分案日期", "团队", "承办人", "原因"],
               [CN.format(2), "2024-02-01", "执行一团队", "张法官", "立案分案"],
               [CN.format(2), "2024-03-15", "执行二团队", "李法官", "繁简分流改派"]]
PAUSES = [["案号", "类型", "开始日期", "结束日期", "原因"],
          [CN.format(2), "鉴定评估", "2024-03-01", "2024-03-21", "委托评估"],
          [CN.format(3), "中止执行", "2024-04-01", "", "案外人异议"]]
EXTENSIONS = [["案号", "批准日期", "延长天数", "原因"],
              [CN.format(2), "2024-06-20", "30", "院长批准"]]
PAYMENTS = [["案号", "案款编号", "到账日期", "到账金额", "发放日期", "发放金额"],
            [CN.format(1), "AK001", "2024-02-20", "6000", "2024-02-25", "6000"],
            [CN.format(1), "AK002", "2024-02-27", "4000", "", ""]]
EVENTS = [["案号", "事件", "发生时间", "届满日期", "金额", "执行人员", "结果", "说明", "附件"],
          [CN.format(2), "网络查控发起", "2024-02-02 09:30", "", "", "李法官", "", "总对总", ""],
          [CN.format(2), "查控反馈", "2024-02-05 16:00", "", "", "李法官", "无财产", "", ""],
          [CN.format(2), "冻结", "2024-02-06", "2025-02-05", "1200.5", "李法官", "", "银行存款", ""]]
STANDARD = {"人员": PEOPLE, "案件": CASES, "当事人": PARTIES, "分案记录": ASSIGNMENTS, "扣除期限": PAUSES,
            "延长期限": EXTENSIONS, "案款": PAYMENTS, "执行事件": EVENTS}


def workbook(sheets: Mapping[str, Sequence[Sequence[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def standard(**changes: Sequence[Sequence[Any]]) -> dict[str, list[list[Any]]]:
    """The standard sheets, deep-copied, with whole sheets replaced by `changes`."""
    return {name: [list(r) for r in changes.get(name, rows)] for name, rows in STANDARD.items()}


def with_court(engine: Engine, code: str = COURT) -> Any:
    factory = make_session_factory(engine)
    with factory() as session:
        session.add(Court(code=code, name="某某人民法院"))
        session.commit()
    return factory


def read_sheets(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every imported table's rows (without ids, times and trigger-kept columns), sorted."""
    from db.base import Base

    skip = {"id", "created_at", "updated_at"}
    out = {}
    for name in ("teams", "officers", "cases", "case_parties", "case_assignments", "case_pauses",
                 "case_extensions", "payments", "case_events"):
        table = Base.metadata.tables[name]
        cols = [c for c in table.columns if c.name not in skip]
        out[name] = sorted(tuple(str(v) for v in r) for r in session.execute(table.select().with_only_columns(*cols)))
    return out
