"""Finding 1: masking that holds. A table of written-out variants of names, phone numbers,
identity numbers and credit codes (each must lose the secret part), text that must stay as it is,
the feed masked at its source (the snapshot never holds a party's name), and a wall session that
receives no unmasked party data from any wall callback."""
from __future__ import annotations

import pytest

from db.auth.masking import mask_text

ID = "152222198805061234"
IDX = "15222219880506123X"
PHONE = "13812345678"
CREDIT = "91150221MA0N1234XY"

# (free text, what must NOT survive masking)
LEAKS = [
    ("被执行人张三丰名下房产", "三丰"),
    ("被执行人 张三丰名下房产", "三丰"),
    ("被执行人\u3000张三丰名下房产", "三丰"),
    ("被执行人  张三丰，经查", "三丰"),
    ("被执行人：张三丰", "三丰"),
    ("被执行人: 张三丰", "三丰"),
    ("被执行人 ：张三丰", "三丰"),
    ("被执行人（张三丰）", "三丰"),
    ("被执行人「张三丰」拒不到庭", "三丰"),
    ("被执行人“张三丰”", "三丰"),
    ("被执行人为张三丰", "三丰"),
    ("被执行人张三、李四名下存款", "三"),
    ("被执行人张三、李四名下存款", "四"),
    ("申请执行人 王五报告财产线索", "王五"),
    ("申请人：赵六", "赵六"),
    ("法定代表人 孙七已到庭", "孙七"),
    ("实际控制人周八拒不申报", "周八"),
    ("被执行人包头市鑫源建材有限公司的账户", "鑫源建材"),
    ("被执行人 包头市鑫源建材有限公司", "鑫源建材"),
    ("被告吴九", "吴九"),
    ("担保人郑十名下车辆", "郑十"),
    ("案外人 阿依古丽·买买提 提出异议", "古丽"),
    (f"电话{PHONE}", "12345678"),
    (f"电话 {PHONE}", "12345678"),
    (f"手机：{PHONE}", "12345678"),
    ("手机 138-1234-5678", "1234-5678"),
    ("手机 138 1234 5678", "1234 5678"),
    ("联系 +86 138 1234 5678", "1234 5678"),
    ("联系 +8613812345678", "12345678"),
    ("联系 008613812345678", "12345678"),
    ("联系 (+86)13812345678", "12345678"),
    ("联系 +86-138-1234-5678", "1234-5678"),
    ("拨打13812345678未接", "12345678"),
    ("拨打 138.1234.5678", "1234.5678"),
    ("联系人李雷13812345678", "12345678"),
    (f"身份证号{ID}", "19880506"),
    (f"身份证号 {ID}", "19880506"),
    (f"身份证号：{IDX}", "19880506"),
    (f"身份证号：{IDX.lower()}", "19880506"),
    ("身份证号 152222 19880506 1234", "19880506"),
    ("身份证 1522 2219 8805 0612 34", "8805"),
    ("身份证号152222-19880506-123x", "19880506"),
    (f"证件号码为{ID}", "19880506"),
    (f"其身份证号码是 {ID}，住址", "19880506"),
    (ID, "19880506"),
    (f"号码{ID}与", "19880506"),
    ("旧身份证号 152222880506123", "880506"),
    (f"统一社会信用代码{CREDIT}", "MA0N"),
    (f"统一社会信用代码：{CREDIT}", "MA0N"),
    (f"统一社会信用代码 {CREDIT.lower()}", "ma0n"),
    (f"信用代码 {CREDIT}", "MA0N"),
    (f"该公司{CREDIT}名下", "MA0N"),
    ("统一社会信用代码 9115 0221 MA0N 1234 XY", "MA0N"),
    ("银行账号 6222 0212 3456 7890 123", "3456"),
    ("银行卡号6222021234567890123", "3456"),
    ("冻结账户 6222021234567890123 存款", "3456"),
    ("座机 0472-5123456", "5123456"),
    ("座机 (0472)5123456", "5123456"),
    ("联系电话：0472 5123456", "5123456"),
]
# (free text that has nothing personal and must come through unchanged)
KEEPS = [
    "银行存款 3 笔，车辆 1 辆",
    "（2024）内0205执1234号 已结案",
    "执行到位金额 1,234,567.89 元",
    "2024-01-01 查控完毕",
    "下发督办 3 件，反馈 2 件",
]


def test_the_table_is_big_enough() -> None:
    assert len(LEAKS) >= 50


@pytest.mark.parametrize(("raw", "secret"), LEAKS)
def test_free_text_loses_the_personal_part(raw: str, secret: str) -> None:
    masked = mask_text(raw)
    assert secret not in masked, masked
    assert "*" in masked


@pytest.mark.parametrize("raw", KEEPS)
def test_text_without_personal_data_stays(raw: str) -> None:
    assert mask_text(raw) == raw


def test_known_party_names_are_masked_wherever_they_appear() -> None:
    """The structured party fields of the record mask its free text without any role word."""
    text = "经查，张三丰于3月在包头市鑫源建材有限公司任职，张三丰之妻已联系"
    masked = mask_text(text, names=["张三丰", "包头市鑫源建材有限公司"])
    assert "三丰" not in masked and "鑫源" not in masked
    assert masked.count("张**") == 2 and "包头***有限公司" in masked


# ------------------------------------------------------------------ the wall session end to end

def test_a_wall_session_receives_no_unmasked_party_data(sqlite_engine, migrated_urls) -> None:
    """Events whose details name the parties (with and without a role word), their phone and
    identity numbers go through the real snapshot build; a wall token's session then calls
    every wall callback and finds none of it."""
    import datetime as dt
    import json

    from sqlalchemy.orm import Session

    from dashboard.app import create_app
    from dashboard.scheduler import make_refresher
    from db.models import CaseEvent
    from db.snapshot import current_snapshot, read_state
    from tests.callbacks.test_access import client_as
    from tests.db.test_case_queries import seed_desk

    ids = seed_desk(sqlite_engine)
    details = ["张三丰（电话 +86 138-1234-5678）到庭", f"被执行人 张三丰 身份证号 {IDX.lower()}",
               "包头市某某建材有限公司账户 6222 0212 3456 7890 123 已冻结", f"信用代码{CREDIT}"]
    with Session(sqlite_engine) as session:
        for i, detail in enumerate(details):
            session.add(CaseEvent(case_id=ids["case:2022执2"], kind="seizure", detail=detail,
                                  occurred_at=dt.datetime(2022, 3, 1 + i, 2)))
        session.commit()
    app = create_app({"DATABASE_URL": migrated_urls["sqlite"], "CACHE_URL": "simple://",
                      "SCHEDULER_ENABLED": False})
    state = app.server.extensions["dashboard"]
    assert make_refresher(state).run() == "published"
    snapshot = current_snapshot(state.extras["cache"])
    stored = json.dumps(snapshot, ensure_ascii=False)
    assert "张**" in stored  # the feed holds the events …
    secrets = ("三丰", "1234-5678", "12345678", "19880506", "MA0N", "某某建材", "3456")
    assert not [s for s in secrets if s in stored]  # … masked at the source
    wall = client_as(app, sqlite_engine, "wall", ids)
    wall.get("/wall")
    version = read_state(state.extras["cache"]).version
    bodies = []
    for key, spec in app.callback_map.items():
        outs = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
        if not all(str(o.component_id).startswith("wall-") for o in outs):
            continue
        inputs = [{"id": i["id"], "property": i["property"],
                   "value": version if "version" in i["id"] else None} for i in spec["inputs"]]
        body = {"output": key, "inputs": inputs, "state": [
            {"id": s["id"], "property": s["property"], "value": None} for s in spec.get("state", [])],
            "outputs": [{"id": o.component_id, "property": o.component_property} for o in outs],
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs]}
        reply = wall.post("/_dash-update-component", json=body)
        assert reply.status_code in (200, 204, 400), (key, reply.status_code)
        bodies.append(json.dumps(reply.get_json(silent=True), ensure_ascii=False))
    text = "".join(bodies)
    assert "张**" in text  # the feed reached the wall
    assert not [s for s in secrets if s in text]
    state.engine.dispose()
