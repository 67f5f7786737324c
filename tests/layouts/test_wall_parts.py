"""Pure wall builders: masking, ranking, URL parameters, tiles and screens from a snapshot."""
from __future__ import annotations

import json
from typing import Any

import plotly.io as pio
import pytest

from db.auth.masking import mask_name, mask_text
from layouts.wall import feed, figures, nodes, overview, teams
from layouts.wall import wall as page
from layouts.wall.marks import change, direction, numeral, tone
from layouts.wall.params import resolve, screen_key
from layouts.wall.ranking import movement, rank_officers
from layouts.wall.tiles import MONEY_KEY, OVERVIEW_TILES
from tests.layouts.wall_sample import sample_snapshot, scope

SETTINGS = {"WALL_ROTATE_S": 45, "WALL_SCREENS": "overview,teams,center,nodes,feed", "WALL_RELOAD_H": 24,
            "TIMEZONE": "Asia/Shanghai"}


def text_of(component: Any) -> str:
    """All text of a component tree, in document order (what the browser shows)."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return "".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def find(component: Any, class_name: str) -> list[Any]:
    """Every component whose className contains `class_name` as a word."""
    found: list[Any] = []
    if isinstance(component, list | tuple):
        for child in component:
            found += find(child, class_name)
        return found
    if component is None or isinstance(component, str | int | float):
        return found
    if class_name in (getattr(component, "className", None) or "").split():
        found.append(component)
    return found + find(getattr(component, "children", None), class_name)


@pytest.mark.parametrize(("raw", "masked"), [
    ("张三", "张*"), ("欧阳娜娜", "欧***"), ("王", "王*"), ("", ""), (None, ""),
    ("包头市鑫源建材有限公司", "包头***有限公司"), ("土右旗富民农机合作社", "土右***合作社"),
])
def test_mask_name(raw: str | None, masked: str) -> None:
    assert mask_name(raw) == masked


@pytest.mark.parametrize(("raw", "masked"), [
    ("查封被执行人张三名下房产一套", "查封被执行人张*名下房产一套"),
    ("被执行人：包头市鑫源建材有限公司的银行存款", "被执行人：包头***有限公司的银行存款"),
    ("申请执行人李四报告线索", "申请执行人李*报告线索"),
    ("被执行人钱六拒不申报财产", "被执行人钱*拒不申报财产"),
    ("被执行人赵五，身份证号152222198805061234", "被执行人赵*，身份证号******************"),
    ("联系电话13912345678", "联系电话139********"),
    ("统一社会信用代码91150221MA0N1234XY", "统一社会信用代码******************"),
    ("银行存款 3 笔，车辆 1 辆", "银行存款 3 笔，车辆 1 辆"),
])
def test_mask_text(raw: str, masked: str) -> None:
    assert mask_text(raw) == masked


def test_feed_never_shows_party_names_or_id_numbers() -> None:
    rows = feed.feed_rows(sample_snapshot(), "Asia/Shanghai")
    shown = text_of(rows)
    for secret in ("张三", "李四", "赵五", "钱六", "孙七", "鑫源建材", "152222198805061234", "13912345678"):
        assert secret not in shown
    assert "（2022）内0221执1532号" in shown and "张*" in shown


def test_feed_times_are_in_the_court_zone_newest_first() -> None:
    snap = sample_snapshot()
    snap["feed"][0]["at"] = "2022-09-30T01:00:00+00:00"  # 09:00 in Asia/Shanghai
    rows = feed.feed_rows(snap, "Asia/Shanghai")
    clocks = [text_of(find(r, "w-fd-clock")) for r in rows]
    assert clocks[0] == "10:31" and "09:00" in clocks
    assert len(rows) == feed.FEED_ROWS == 11


def _officer(name: str, now: str | None, before: str | None) -> dict[str, Any]:
    return scope("officer", hash(name) % 1000, name, {"closure_rate": (now, before)})


def test_rank_officers_with_ties_and_moves() -> None:
    officers = [_officer("甲", "80", "70"), _officer("乙", "90", "95"), _officer("丙", "80", None),
                _officer("丁", None, "60")]
    ranked = rank_officers(officers, "closure_rate")
    assert [(r.result["name"], r.rank, r.previous) for r in ranked] == [
        ("乙", 1, 1), ("丙", 2, None), ("甲", 2, 2)]
    assert [movement(r)[1] for r in ranked] == ["持平", "新进", "持平"]
    assert movement(rank_officers([_officer("甲", "90", "50"), _officer("乙", "80", "60")],
                                  "closure_rate")[0])[1] == "升1位"


def test_ranking_flags_below_threshold_officers() -> None:
    table = teams.ranking(sample_snapshot())
    rows = find(table, "w-rk-row")
    assert len(rows) == teams.RANK_ROWS
    below = [text_of(find(r, "w-rk-name")) for r in rows if "w-rk-row--below" in r.className]
    assert below and all("⚠" in name for name in below)
    assert "表外未达标：韩冬" in text_of(table)


@pytest.mark.parametrize(("params", "expect"), [
    ({}, {"kiosk": False, "rotate_s": 45, "screens": ["overview", "teams", "center", "nodes", "feed"], "pinned": None}),
    ({"kiosk": "1", "rotate": "20"}, {"kiosk": True, "rotate_s": 20}),
    ({"screen": "团队"}, {"screens": ["teams"], "pinned": "teams"}),
    ({"screen": "feed", "rotate": "0"}, {"screens": ["feed"], "rotate_s": 0}),
])
def test_resolve_params(params: dict[str, str], expect: dict[str, Any]) -> None:
    config = resolve(params, SETTINGS)
    assert {k: config[k] for k in expect} == expect
    assert config["errors"] == []


def test_resolve_bad_params_say_what_is_wrong_in_chinese() -> None:
    config = resolve({"rotate": "abc", "screen": "天气"}, {**SETTINGS, "WALL_SCREENS": "总览,外星"})
    assert config["rotate_s"] == 45 and config["pinned"] is None and config["screens"] == ["overview"]
    joined = "；".join(config["errors"])
    assert "参数 rotate 应为秒数" in joined and "“天气”不是大屏页面" in joined and "“外星”" in joined
    assert resolve({"rotate": "2"}, SETTINGS)["rotate_s"] == 5
    assert screen_key("节点") == "nodes" and screen_key("x") is None


def test_tiles_show_the_engine_displays_verbatim() -> None:
    snap = sample_snapshot()
    indicators = snap["views"]["ytd"]["court"]["indicators"]
    tiles = overview.tiles(snap)
    assert len(tiles) == len(OVERVIEW_TILES) == 10
    for tile in tiles:
        key = tile.to_plotly_json()["props"]["data-key"]
        if key in indicators:
            assert text_of(find(tile, "w-kpi-value")) == indicators[key]["display"]
            assert text_of(find(tile, "w-delta-text")) == indicators[key]["delta_display"]
    closure = next(t for t in tiles if t.to_plotly_json()["props"]["data-key"] == "closure_rate")
    assert "+31.49个百分点" in text_of(closure) and "▲" in text_of(closure) and "达标" in text_of(closure)


def test_money_tile_comes_from_the_node_summary_or_says_it_is_missing() -> None:
    money = overview.tiles(sample_snapshot())[-1]
    assert text_of(find(money, "w-kpi-value")) == "44.21万元"
    assert "超过30日 1笔" in text_of(money)
    missing = overview.tiles(sample_snapshot(nodes=False))[-1]
    assert "快照中暂无此指标" in text_of(missing)


def test_money_tile_shows_the_engine_amount_and_its_change() -> None:
    """With the 待发放案款 indicator the tile shows its amount and its change in 万元."""
    indicator = {"name": "待发放案款", "value": "4845900.00", "display": "4845900.00元",
                 "compare_value": "4000000.00", "delta_display": "+845900.00元"}
    snap = sample_snapshot()
    snap["views"]["ytd"]["court"]["indicators"][MONEY_KEY] = indicator
    money = overview.tiles(snap)[-1]
    assert text_of(find(money, "w-kpi-value")) == "484.59万元"
    assert text_of(find(money, "w-delta-text")) == "+84.59万元"
    assert "去年 400.00万元" in text_of(money) and "超过30日 1笔" in text_of(money)
    # more money waiting than last year is worse: the change line is marked bad
    assert "w-delta--bad" in json.dumps(money.to_plotly_json(), default=str)


def test_change_arrow_and_colour_follow_the_better_direction() -> None:
    assert direction("83.65", "135.91") == -1 and direction(None, "1") is None
    assert tone(-1, "down") == "good" and tone(1, "down") == "bad" and tone(1, None) == "flat"
    line = change({"value": "83.65", "compare_value": "135.91", "delta_display": "-52.26天"}, "down")
    assert "w-delta--good" in line.className and text_of(line).startswith("▼")
    assert "无可比数据" in text_of(change({"value": "1"}, "up"))


def test_numeral_keeps_the_display_text() -> None:
    for shown in ("81.21%", "1,312件", "-52.26天（-38.45%）", "—", "44.21万元"):
        assert text_of(numeral(shown)) == shown


def test_teams_side_by_side_flag_below_threshold_and_skip_idle_teams() -> None:
    snap = sample_snapshot()
    snap["views"]["ytd"]["teams"].insert(0, scope("team", 10, "执行指挥中心", {"accepted": (0, 0), "pending": (0, 0)}))
    table = teams.cards(snap)
    heads = find(table, "w-tt-team")
    assert [text_of(find(h, "w-tt-name")) for h in heads] == ["简案团队", "繁案团队", "保全团队"]
    assert "w-tt-team--below" in heads[1].className
    assert "⚠ 未达标：结案率、执行完毕率、平均用时" in text_of(heads[1])
    cells = [text_of(c) for c in find(table, "w-tt-val")]
    assert cells[:3] == ["810件", "286件", "216件"]
    assert "本期无承办案件：执行指挥中心" in text_of(table)
    assert "暂无团队数据" in text_of(teams.cards({}))


def test_nodes_screen_without_node_control_shows_no_numbers() -> None:
    shown = text_of(nodes.content(sample_snapshot(nodes=False)))
    assert "节点管控尚未启用" in shown and not any(ch.isdigit() for ch in shown.replace("3日", ""))


def test_nodes_screen_lists_overdue_nodes_most_overdue_first() -> None:
    content = nodes.content(sample_snapshot())
    labels = [text_of(find(r, "w-nr-label")) for r in find(content, "w-nr")]
    assert labels[1:4] == ["财产处置启动", "案款发放", "报告财产令"]
    assert "结案审限" not in labels  # nothing open there
    assert "督办逾期" in text_of(content) and "超过 30 日" in text_of(content)


def test_campaign_card_shows_results_and_progress() -> None:
    card = feed.campaign_card(sample_snapshot())
    shown = text_of(card)
    assert "“疾风骏马”" in shown and "第 38 天 / 共 69 天" in shown and "103.65万元" in shown
    assert "当前没有进行中的专项行动" in text_of(feed.campaign_card({}))


def test_figures_plot_numbers_and_keep_zoom() -> None:
    snap = sample_snapshot()
    trend = figures.trend_figure(snap["trend"])
    assert trend.layout.uirevision == "wall-trend"
    this_year = next(t for t in trend.data if t.name == "本年")
    assert list(this_year.y)[-1] == pytest.approx(81.21)
    assert trend.data[0].name == "月度目标"
    bars = figures.team_figure(snap["views"]["ytd"]["teams"], teams.CHART_KEYS)
    assert list(bars.data[0].y) == [87.28, 50.34, 99.07] and list(bars.data[0].text)[0] == "87.28%"
    json.loads(pio.to_json(trend))  # serialisable for the browser
    assert figures.month_label("2022-01") == "2022年1月" and figures.month_label("2022-05") == "5月"


def test_layout_is_cheap_and_pins_a_screen() -> None:
    default = page.layout()
    assert default.className == "wall"
    kiosk = page.layout(kiosk="1", screen="动态")
    assert kiosk.className == "wall wall--kiosk"
    sections = find(kiosk, "w-screen")
    assert [s.className.endswith("is-active") for s in sections] == [False, False, False, False, True, False,
                                                                     False, False]
    assert not find(kiosk, "wall-home")  # no way out of kiosk mode


def _types(component: Any) -> list[str]:
    """The component types of a tree, in document order."""
    if isinstance(component, list | tuple):
        return [t for child in component for t in _types(child)]
    if component is None or isinstance(component, str | int | float):
        return []
    return [type(component).__name__, *_types(getattr(component, "children", None))]


def test_wall_tables_carry_their_head_row_without_a_thead() -> None:
    """Chromium keeps a media-query object for every laid-out `<table>` with a `<thead>`, and
    each version replaces the wall's tables: the head row sits in a `<tbody>` of its own."""
    snap = sample_snapshot(7)
    for built in (teams.cards(snap), teams.ranking(snap)):
        tables = [c for c in built if type(c).__name__ == "Table"]
        assert tables and "Thead" not in _types(built)
        head, body = tables[0].children
        assert type(head).__name__ == type(body).__name__ == "Tbody" and head.className == "t-head"
        assert _types(head)[:3] == ["Tbody", "Tr", "Th"]
        assert body.children and all(type(row).__name__ == "Tr" for row in body.children)
