"""Start page: what is loaded and where each part of the product lives."""
from __future__ import annotations

from dash import dcc, html

from layouts import ids

SECTIONS = (
    ("/wall?kiosk=1", "指挥中心大屏", "视频墙：全院指标、团队对比、节点预警、实时动态"),
    ("/analysis", "会商分析", "任选期间、同比、逐级下钻到案件"),
    ("/team/1", "团队工作台", "团队长：承办人指标与待办案件"),
    ("/supervision", "督办", "节点超期督办与反馈"),
    ("/healthz", "运行状态", "数据快照版本与新鲜度 (JSON)"),
)


def layout(**_: str) -> html.Div:
    return html.Div(
        [
            html.H1("执行指挥中心质效看板"),
            html.P(id=ids.Home.COURT, className="lead"),
            html.Div(id=ids.Home.SUMMARY, className="home-summary"),
            html.Div(
                [
                    html.A([html.H3(title), html.P(text)], href=href, className="section-card")
                    for href, title, text in SECTIONS
                ],
                className="section-grid",
            ),
            dcc.Interval(id=ids.Home.LOAD, max_intervals=0),
        ],
        className="home",
    )
