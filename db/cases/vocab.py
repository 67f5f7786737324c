"""Controlled vocabularies as registries: case types, categories, closing methods.

Each entry carries its Chinese label; code never branches on the Chinese text.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    key: str
    label: str


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("first", "首执"),
        Category("resumed", "恢复执行"),
        Category("preservation", "保全"),
        Category("review", "审查"),
    )
}


@dataclass(frozen=True)
class CaseType:
    code: str  # 类型代字
    label: str
    category: str


# Longest first matters for parsing: "执恢" must win over "执".
CASE_TYPES: dict[str, CaseType] = {
    t.code: t
    for t in (
        CaseType("执恢", "恢复执行", "resumed"),
        CaseType("执保", "财产保全执行", "preservation"),
        CaseType("执异", "执行异议", "review"),
        CaseType("执复", "执行复议", "review"),
        CaseType("执监", "执行监督", "review"),
        CaseType("执协", "执行协调", "review"),
        CaseType("执他", "其他执行事项", "review"),
        CaseType("执请", "执行请示", "review"),
        CaseType("执", "首次执行", "first"),
    )
}


@dataclass(frozen=True)
class ClosingMethod:
    key: str
    label: str
    completed: bool = False  # 执行完毕 (incl. 和解履行完毕)
    terminated_this_round: bool = False  # 终结本次执行程序 (终本)
    actual: bool = False  # 实结标志: the debt was actually satisfied
    categories: tuple[str, ...] = ("first", "resumed")


CLOSING_METHODS: dict[str, ClosingMethod] = {
    m.key: m
    for m in (
        ClosingMethod("completed", "执行完毕", completed=True, actual=True),
        ClosingMethod("settled", "和解履行完毕", completed=True, actual=True),
        ClosingMethod("terminated_this_round", "终结本次执行程序", terminated_this_round=True),
        ClosingMethod("terminated", "终结执行"),
        ClosingMethod("settlement_performing", "和解长期履行"),
        ClosingMethod("withdrawn", "销案", categories=("first", "resumed", "preservation")),
        ClosingMethod("not_enforced", "不予执行"),
        ClosingMethod("rejected", "驳回申请", categories=("first", "resumed", "preservation", "review")),
        ClosingMethod("preservation_done", "保全完毕", categories=("preservation",)),
        ClosingMethod("preservation_lifted", "解除保全", categories=("preservation",)),
        ClosingMethod("review_decided", "审查结案", categories=("review",)),
    )
}

TEAM_KINDS: dict[str, str] = {
    "center": "指挥中心",
    "simple": "简案团队",
    "complex": "繁案团队",
    "preservation": "保全团队",
    "other": "其他团队",
}

OFFICER_ROLES: dict[str, str] = {
    "judge": "员额法官",
    "assistant": "法官助理",
    "clerk": "书记员",
    "bailiff": "司法警察",
    "team_lead": "团队长",
    "query_clerk": "网络查控员",
    "funds_clerk": "案款专管员",
    "center_staff": "指挥中心",
}

# The center's 事务集约 duties (officers.duty): who launches 网络查控, who serves documents,
# who handles 案款, who answers and dispatches 执行110 (domain.md §3.1, 临汾 designated roles).
OFFICER_DUTIES: dict[str, str] = {
    "query": "网络查控员",
    "service": "送达员",
    "funds": "案款专管员",
    "dispatch": "执行110",
}

TRACKS: dict[str, str] = {"simple": "简", "complex": "繁"}

PARTY_ROLES: dict[str, str] = {"applicant": "申请执行人", "respondent": "被执行人"}
PARTY_KINDS: dict[str, str] = {"natural": "自然人", "legal": "法人", "organization": "非法人组织"}

PAUSE_KINDS: dict[str, str] = {
    "suspension": "中止执行",
    "deferral": "暂缓执行",
    "appraisal": "审计、评估、资产清理",
    "auction": "拍卖、变卖",
    "higher_court_deferral": "上级法院决定暂缓执行",
    "public_notice": "公告",
    "commissioned": "委托执行",
    "other": "其他",
}
