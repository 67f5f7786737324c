"""The desk pages' URLs parse once into typed requests: defaults, Chinese messages for bad values,
and a round trip back to the same URL (the pages build their links from requests)."""
from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest

from callbacks.desk.links import cases_href, node_href, queue_href
from callbacks.desk.params import ParamError
from callbacks.desk.request import (
    AnalysisRequest,
    CaseRequest,
    CasesRequest,
    CenterRequest,
    OfficerRequest,
    Scope,
    SupervisionRequest,
    TeamRequest,
)
from dashboard.config import ROOT
from db.indicators import load_indicator_settings
from db.indicators.period import Period
from db.supervision.orders import OrderFilter
from tests.pyparse import parse_file, parse_source

TODAY = dt.date(2022, 8, 15)
INDICATORS = load_indicator_settings(None).indicators
JAN = Period(dt.date(2022, 1, 1), dt.date(2022, 1, 31))


def query_of(href: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(href).query))


def test_analysis_defaults_and_drill() -> None:
    plain = AnalysisRequest.parse({}, TODAY)
    assert (plain.choice.preset, plain.choice.compare_mode) == ("ytd", "yoy")
    assert plain.choice.period == Period(dt.date(2022, 1, 1), TODAY)
    assert plain.team_id is None and plain.officer_id is None
    assert plain.href() == "/analysis?preset=ytd"
    deep = AnalysisRequest.parse({"preset": "month", "cmp": "none", "team": "3", "officer": "12"}, TODAY)
    assert (deep.team_id, deep.officer_id, deep.choice.compare) == (3, 12, None)
    assert deep.href() == "/analysis?preset=month&cmp=none&team=3&officer=12"


@pytest.mark.parametrize("query", [
    {}, {"preset": "quarter", "team": "2"}, {"preset": "custom", "start": "2022-02-01", "end": "2022-03-31",
                                             "cmp": "custom", "cstart": "2021-01-01", "cend": "2021-02-28"},
    {"preset": "last_year", "cmp": "none", "team": "1", "officer": "9"},
])
def test_analysis_round_trips_through_its_url(query) -> None:
    request = AnalysisRequest.parse(query, TODAY)
    assert AnalysisRequest.parse(query_of(request.href()), TODAY) == request


@pytest.mark.parametrize("query, message", [
    ({"team": "abc"}, "团队“abc”不是有效的编号"),
    ({"officer": "-4"}, "承办人“-4”不是有效的编号"),
    ({"preset": "decade"}, "未知的期间预设“decade”"),
    ({"preset": "custom", "start": "2022-09-30", "end": "2022-01-01"}, "晚于结束日期"),
    ({"start": "yesterday"}, "格式不正确"),
    ({"cmp": "sometimes"}, "未知的对比方式"),
])
def test_bad_analysis_values_name_the_field(query, message) -> None:
    with pytest.raises(ParamError, match=message):
        AnalysisRequest.parse(query, TODAY)


def test_team_and_officer_requests_from_path_and_query() -> None:
    team = TeamRequest.parse("7", {"preset": "month"}, TODAY)
    assert team.team_id == 7 and team.choice.preset == "month"
    assert team.href() == "/team/7?preset=month"
    assert TeamRequest.parse("7", query_of(team.href()), TODAY) == team
    officer = OfficerRequest.parse("12", {}, TODAY)
    assert officer.href() == "/officer/12?preset=ytd"
    assert OfficerRequest.parse("12", query_of(officer.href()), TODAY) == officer
    with pytest.raises(ParamError, match="团队“x”不是有效的编号"):
        TeamRequest.parse("x", {}, TODAY)
    with pytest.raises(ParamError, match="缺少承办人（officer）"):
        OfficerRequest.parse(None, {}, TODAY)
    with pytest.raises(ParamError, match="未知的期间预设"):  # the period is read before the id
        OfficerRequest.parse("x", {"preset": "never"}, TODAY)


def test_case_request() -> None:
    assert CaseRequest.parse("1661") == CaseRequest(1661)
    assert CaseRequest(1661).href() == "/case/1661"
    for raw, message in (("0", "不是有效的编号"), ("1.5", "不是有效的编号"), ("", "缺少案件编号")):
        with pytest.raises(ParamError, match=message):
            CaseRequest.parse(raw)


def test_cases_request_kinds_and_defaults() -> None:
    ind = CasesRequest.parse({"indicator": "closed", "start": "2022-01-01", "end": "2022-01-31"}, INDICATORS)
    assert ind == CasesRequest("indicator", "closed", Scope("court", None), "numerator", JAN)
    queue = CasesRequest.parse({"queue": "long6", "scope": "team", "id": "2"}, INDICATORS)
    assert queue == CasesRequest("queue", "long6", Scope("team", 2))
    assert queue.period is None and queue.scope.label == "团队"
    node = CasesRequest.parse({"node": "overdue", "queue": "long6", "scope": "officer", "id": "5"}, INDICATORS)
    assert (node.list, node.key, node.scope) == ("node", "overdue", Scope("officer", 5))  # node wins


def test_cases_links_are_requests() -> None:
    """The links on the desk pages are the requests' URLs, and parse back to the same request."""
    href = cases_href("closure_rate", "denominator", "team", 3, JAN)
    assert href == ("/cases?indicator=closure_rate&part=denominator&scope=team&id=3"
                    "&start=2022-01-01&end=2022-01-31")
    for link in (href, queue_href("unpaid", "officer", 4), node_href("due_soon", "court", 1)):
        request = CasesRequest.parse(query_of(link), INDICATORS)
        assert request.href() == link


@pytest.mark.parametrize("query, message", [
    ({}, "请指定要查看的指标"),
    ({"indicator": "nope", "start": "2022-01-01", "end": "2022-01-31"}, "未知的指标“nope”"),
    ({"indicator": "closed", "part": "half"}, "part 应为 numerator"),
    ({"indicator": "closed", "part": "denominator"}, "指标“结案数”没有分母"),
    ({"indicator": "closed"}, "缺少统计期间开始日期（start）"),
    ({"indicator": "closed", "start": "2022-02-01", "end": "2022-01-01"}, "晚于结束日期"),
    ({"indicator": "closed", "start": "2022-01-01", "end": "2022-01-31", "scope": "city"}, "未知的统计层级“city”"),
    ({"queue": "long6", "scope": "team"}, "缺少团队编号（id）"),
    ({"queue": "later", "scope": "team", "id": "1"}, "未知的待办类型“later”"),
    ({"node": "late", "scope": "team", "id": "1"}, "未知的节点状态“late”"),
    ({"node": "overdue", "scope": "officer", "id": "x"}, "承办人编号“x”不是有效的编号"),
])
def test_bad_cases_values_name_the_field(query, message) -> None:
    with pytest.raises(ParamError, match=message):
        CasesRequest.parse(query, INDICATORS)


def test_supervision_filters_defaults_and_round_trip() -> None:
    assert SupervisionRequest.parse({}) == SupervisionRequest()
    assert SupervisionRequest().href() == "/supervision"
    query = {"status": "open", "team": "3", "officer": "8", "case": "7", "kind": "case", "ifrom": "2022-08-01",
             "ito": "2022-08-31", "dfrom": "2022-09-01", "dto": "2022-09-30", "q": "约谈", "order": "5",
             "new": "node"}
    request = SupervisionRequest.parse(query)
    assert request.filters == OrderFilter(status="open", team_id=3, officer_id=8, case_id=7, target_kind="case",
                                          issued_from=dt.date(2022, 8, 1), issued_to=dt.date(2022, 8, 31),
                                          due_from=dt.date(2022, 9, 1), due_to=dt.date(2022, 9, 30), text="约谈")
    assert (request.order_id, request.new, request.required_order()) == (5, "node", 5)
    assert query_of(request.href()) == query
    assert SupervisionRequest.parse(query_of(request.href())) == request
    assert SupervisionRequest.parse({"q": "  " + "字" * 150}).filters.text == "字" * 100


@pytest.mark.parametrize("query, message", [
    ({"status": "late"}, "状态“late”无效"),
    ({"kind": "court"}, "督办对象“court”无效"),
    ({"dfrom": "2022-09-01", "dto": "2022-08-01"}, "办理期限开始 2022-09-01 晚于结束 2022-08-01"),
    ({"ifrom": "8/1"}, "下发日期开始（ifrom）“8/1”格式不正确"),
    ({"order": "abc"}, "督办编号“abc”不是有效的编号"),
])
def test_bad_supervision_values_name_the_field(query, message) -> None:
    with pytest.raises(ParamError, match=message):
        SupervisionRequest.parse(query)


def test_an_action_needs_an_order() -> None:
    with pytest.raises(ParamError, match="缺少督办编号"):
        SupervisionRequest.parse({"status": "open"}).required_order()


def test_requests_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CaseRequest(1).case_id = 2  # type: ignore[misc]


PARSERS = {"parse_id", "parse_range", "parse_period", "parse_date"}


def test_desk_pages_read_the_url_only_through_their_request() -> None:
    """Fetch and render code takes the parsed request; no module of the desk but the parser
    modules calls the URL parsers again."""
    found = []
    for path in sorted((ROOT / "callbacks" / "desk").glob("*.py")):
        if path.name in ("params.py", "request.py"):
            continue
        for node in ast.walk(parse_file(path)):
            if isinstance(node, ast.Name) and node.id in PARSERS:
                found.append(f"{path.name}:{node.lineno} {node.id}")
            if isinstance(node, ast.alias) and node.name in PARSERS:
                found.append(f"{path.name}:{node.lineno} imports {node.name}")
    assert not found, found


def test_the_parse_check_sees_a_call() -> None:
    code = parse_source("from callbacks.desk.params import parse_id\nx = parse_id({}, 'a', 'b')\n")
    names = {n.id for n in ast.walk(code) if isinstance(n, ast.Name)} | \
            {n.name for n in ast.walk(code) if isinstance(n, ast.alias)}
    assert "parse_id" in names & PARSERS


def test_center_defaults_to_the_month_and_keeps_a_chosen_period() -> None:
    plain = CenterRequest.parse({}, TODAY)
    assert plain.choice.period == Period(dt.date(2022, 8, 1), TODAY)
    assert query_of(plain.href())["preset"] == "month"
    chosen = CenterRequest.parse({"preset": "ytd"}, TODAY)
    assert chosen.choice.period == Period(dt.date(2022, 1, 1), TODAY)
    with pytest.raises(ParamError):
        CenterRequest.parse({"preset": "bogus"}, TODAY)
