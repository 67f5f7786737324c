"""The standard workbook (../shared/import-format.md): sheets, fields, header forms, value forms.

Every sheet is a tuple of `Field`s; a field lists the headers it is recognised by (compared
after `normalize_header`) and the kind of value it takes. Enumerations map every accepted
Chinese form to the product's key.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from db.cases.event_kinds import EVENT_KINDS
from db.cases.vocab import CLOSING_METHODS, OFFICER_DUTIES

# Value kinds: text, case_number, date, datetime, amount, yesno, int, enum
TEAM_KIND_FORMS = {"简案团队": "simple", "繁案团队": "complex", "保全团队": "preservation",
                   "执行指挥中心": "center", "指挥中心": "center", "其他": "other", "其他团队": "other"}
ROLE_FORMS = {"承办人": "judge", "执行法官": "judge", "员额法官": "judge", "法官助理": "assistant",
              "书记员": "clerk", "法警": "bailiff", "司法警察": "bailiff", "团队长": "team_lead",
              "网络查控员": "query_clerk", "案款专管员": "funds_clerk", "指挥中心": "center_staff"}
# the center's 事务集约 duty of an officer (officers.duty)
DUTY_FORMS = {label: key for key, label in OFFICER_DUTIES.items()} | {
    "查控员": "query", "查控": "query", "送达": "service", "案款": "funds", "110": "dispatch",
    "执行110接警员": "dispatch", "接警员": "dispatch"}
CLOSING_FORMS = {m.label: key for key, m in CLOSING_METHODS.items()} | {
    "终本": "terminated_this_round", "终结本次执行": "terminated_this_round",
    "和解履行": "settled", "执行和解履行完毕": "settled", "撤回申请": "withdrawn",
}
TRACK_FORMS = {"简": "simple", "简案": "simple", "繁": "complex", "繁案": "complex"}
PARTY_ROLE_FORMS = {"申请执行人": "applicant", "申请人": "applicant", "被执行人": "respondent"}
PARTY_KIND_FORMS = {"自然人": "natural", "个人": "natural", "法人": "legal", "单位": "legal",
                    "非法人组织": "organization", "其他组织": "organization"}
PAUSE_FORMS = {"中止执行": "suspension", "中止": "suspension", "暂缓执行": "deferral", "暂缓": "deferral",
               "公告": "public_notice", "鉴定评估": "appraisal", "审计、评估、资产清理": "appraisal",
               "评估": "appraisal", "鉴定": "appraisal", "拍卖、变卖": "auction", "拍卖": "auction",
               "委托执行": "commissioned", "上级法院决定暂缓执行": "higher_court_deferral",
               "其他": "other"}
EVENT_FORMS = {k.label: key for key, k in EVENT_KINDS.items()} | {
    "查控反馈": "online_query_result", "扣划": "transfer", "续封": "renewal", "续冻": "renewal",
    "拘留": "detention", "纳入失信": "blacklist", "失信": "blacklist", "限高": "consumption_ban",
    "执行通知": "notice_issued", "报告财产令": "property_order",
    "执行110接警": "alarm_110", "接警": "alarm_110", "执行110出警": "dispatch_110", "执行110派警": "dispatch_110",
    "执行110到场": "arrival_110", "执行110处置完毕": "result_110",
}
QUERY_RESULTS = ("有财产", "无财产")


@dataclass(frozen=True)
class Field:
    key: str
    headers: tuple[str, ...]
    kind: str = "text"
    required: bool = False
    forms: Mapping[str, str] | None = None  # enum: accepted form → key
    max_len: int = 256

    @property
    def label(self) -> str:
        return self.headers[0]


@dataclass(frozen=True)
class Sheet:
    name: str
    fields: tuple[Field, ...]
    table: str
    child: bool = True  # rows are the complete list per 案号

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


CASE_NUMBER = Field("case_number", ("案号", "执行案号"), "case_number", required=True)
# the row's court (法院代字, full or short name): 人员 rows need it when the import holds several
# courts' data; on 案件 rows the 案号's 法院代字 decides and this column must agree with it
COURT = Field("court", ("法院", "法院代字", "所属法院", "承办法院", "执行法院"), max_len=64)

SHEETS: dict[str, Sheet] = {s.name: s for s in (
    Sheet("人员", (
        Field("name", ("姓名", "人员姓名", "承办人"), required=True, max_len=32),
        Field("staff_no", ("工号", "人员编号"), max_len=32),
        Field("team", ("团队", "所在团队", "部门", "承办部门"), required=True, max_len=64),
        Field("team_kind", ("团队类型",), "enum", forms=TEAM_KIND_FORMS),
        Field("role", ("角色", "岗位"), "enum", forms=ROLE_FORMS),
        Field("duty", ("中心岗位",), "enum", forms=DUTY_FORMS),
        Field("active", ("在岗",), "yesno"),
        COURT,
    ), "officers", child=False),
    Sheet("案件", (
        CASE_NUMBER,
        Field("filed_on", ("立案日期", "立案时间"), "date", required=True),
        Field("received_on", ("收案日期", "收到材料日期", "收案时间"), "date"),
        Field("closed_on", ("结案日期", "结案时间"), "date"),
        Field("closing_method", ("结案方式",), "enum", forms=CLOSING_FORMS),
        Field("team", ("承办团队", "团队", "承办部门", "执行团队"), max_len=64),
        Field("officer", ("承办人", "承办法官", "执行法官", "承办人员"), max_len=32),
        Field("target_amount", ("申请执行标的金额", "申请执行标的", "执行标的金额", "标的金额", "标的额"),
              "amount"),
        Field("recovered_amount", ("实际到位金额", "执行到位金额", "实际执行到位金额", "到位金额"), "amount"),
        Field("cause", ("案由",), max_len=64),
        Field("non_litigation", ("非诉执行", "是否非诉"), "yesno"),
        Field("track", ("繁简", "繁简分流"), "enum", forms=TRACK_FORMS),
        Field("origin_case_number", ("原案号", "恢复执行原案号"), "case_number"),
        COURT,
    ), "cases", child=False),
    Sheet("当事人", (
        CASE_NUMBER,
        Field("role", ("诉讼地位", "身份"), "enum", required=True, forms=PARTY_ROLE_FORMS),
        Field("kind", ("类型", "当事人类型"), "enum", forms=PARTY_KIND_FORMS),
        Field("name", ("名称", "姓名", "当事人名称", "当事人"), required=True, max_len=128),
        Field("id_number", ("证件号码", "身份证号", "统一社会信用代码"), max_len=32),
    ), "case_parties"),
    Sheet("分案记录", (
        CASE_NUMBER,
        Field("assigned_on", ("分案日期", "改派日期"), "date", required=True),
        Field("team", ("团队", "承办团队"), max_len=64),
        Field("officer", ("承办人",), max_len=32),
        Field("reason", ("原因",), max_len=128),
    ), "case_assignments"),
    Sheet("扣除期限", (
        CASE_NUMBER,
        Field("kind", ("类型", "扣除类型"), "enum", required=True, forms=PAUSE_FORMS),
        Field("started_on", ("开始日期", "起始日期"), "date", required=True),
        Field("ended_on", ("结束日期",), "date"),
        Field("reason", ("原因",)),
    ), "case_pauses"),
    Sheet("延长期限", (
        CASE_NUMBER,
        Field("approved_on", ("批准日期",), "date", required=True),
        Field("days", ("延长天数", "延长期间"), "int", required=True),
        Field("reason", ("原因",)),
    ), "case_extensions"),
    Sheet("案款", (
        CASE_NUMBER,
        Field("ref", ("案款编号", "流水号"), max_len=64),
        Field("received_on", ("到账日期",), "date", required=True),
        Field("amount", ("到账金额",), "amount", required=True),
        Field("paid_out_on", ("发放日期",), "date"),
        Field("paid_amount", ("发放金额",), "amount"),
        Field("clerk", ("案款专管员",), max_len=32),
    ), "payments"),
    Sheet("执行事件", (
        CASE_NUMBER,
        Field("kind", ("事件", "事项"), "enum", required=True, forms=EVENT_FORMS),
        Field("occurred_at", ("时间", "发生时间"), "datetime", required=True),
        Field("expires_on", ("届满日期",), "date"),
        Field("amount", ("金额",), "amount"),
        Field("officer", ("执行人员",), max_len=32),
        Field("result", ("结果",), "enum", forms={r: r for r in QUERY_RESULTS}),
        Field("detail", ("说明",), max_len=4000),
        Field("media_ref", ("附件",)),
    ), "case_events"),
)}
ORDER = tuple(SHEETS)  # 人员 first, then 案件, then the child sheets

_SPACES = re.compile(r"\s+")
_UNIT = re.compile(r"^(.+?)\((万元|元)\)$")


def normalize_header(raw: object) -> tuple[str, str]:
    """(header without spaces, unit suffix and bracket width; the unit '元'/'万元'/'')."""
    text = _SPACES.sub("", str(raw or "")).replace("（", "(").replace("）", ")")
    match = _UNIT.match(text)
    return (match.group(1), match.group(2)) if match else (text, "")


def match_sheet(name: str) -> Sheet | None:
    return SHEETS.get(_SPACES.sub("", name or ""))


def field_for(sheet: Sheet, header: str) -> Field | None:
    """The field a normalized header names: a header form, the field key or the first label."""
    for f in sheet.fields:
        if header in f.headers or header == f.key:
            return f
    return None
