"""/campaigns/<campaign_id>: one 专项行动 — progress per target (行动进度 vs 时间进度), the daily
trend, team and officer rankings, its field events, and the cases behind every number; with
修改 / 结束 for 指挥中心 and 管理员 and the 战报 (print) and Excel links for every viewer."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from layouts import ids
from layouts.desk.campaign_parts import (
    data_uri,
    fmt_parts,
    fmt_pct,
    fmt_target,
    fmt_value,
    indicator_state,
    progress_svg,
    trend_svg,
)
from layouts.table import table
from layouts.units import wan

P = ids.CampaignPage
HIDDEN = "btn is-hidden"


def report_href(campaign_id: Any) -> str:
    return f"/export/campaign/{campaign_id}/report"


def workbook_href(campaign_id: Any) -> str:
    return f"/export/campaign/{campaign_id}.xlsx"


def layout(campaign_id: str | None = None, **query: Any) -> html.Div:
    """Skeleton; the callback fills it from the campaign id kept in QUERY."""
    return html.Div([
        dcc.Store(id=P.QUERY, data={"campaign_id": campaign_id, "query": dict(query)}),
        dcc.Store(id=P.ENDED),
        html.Nav([dcc.Link("专项行动", href="/campaigns")], className="crumbs"),
        html.Div([html.H1(id=P.TITLE, children="专项行动"),
                  html.A("战报（打印）", href=report_href(campaign_id), target="_blank", className="btn export-link"),
                  html.A("导出 Excel", href=workbook_href(campaign_id), className="btn export-link"),
                  html.Div(id=P.ACTIONS, className="cp-manage"),
                  dcc.ConfirmDialogProvider(html.Button("结束行动", className=HIDDEN, id=P.END),
                                            id=P.END_CONFIRM,
                                            message="结束后行动期间截止到今天，大屏从明天起不再轮播。确定结束？")],
                 className="desk-head"),
        html.Div(id=P.MESSAGE),
        html.Div(id=P.ERROR),
        html.Div(id=P.BODY),
        html.Section([html.H2("明细（数字背后的案件）"),
                      dcc.Dropdown(id=P.EXPLAIN_KEY, placeholder="选择统计项查看明细", clearable=True),
                      html.Div(id=P.EXPLAIN)], className="cp-explain"),
    ], className="desk desk-campaign")


def _measure_rows(report: Mapping[str, Any]) -> html.Table:
    head = ["统计项", "完成", "目标", "行动进度", "时间进度", "状态"]
    rows = []
    for m in report["measures"]:
        target = m.get("target")
        state = "—" if not target else ("落后于时间进度" if m["behind"] else "达到时间进度")
        rows.append(html.Tr([
            html.Td(m["label"]),
            html.Td(fmt_value(m["value"], m["unit"]), className="num", **{"data-key": m["key"]}),
            html.Td(fmt_value(target, m["unit"]) if target else "—", className="num"),
            html.Td(fmt_pct(m.get("progress")), className="num"),
            html.Td(fmt_pct(report["time_progress"]) if target else "—", className="num"),
            html.Td(html.Span(state, className="light status-bad" if m["behind"] else "light status-good")
                    if target else "—"),
        ]))
    return table(head, rows, className="indicator-table cp-measures")


def indicator_rows(report: Mapping[str, Any]) -> Any:
    """The targeted registry indicators over the scope: value, parts, target, progress, state."""
    found = report.get("indicators") or []
    if not found:
        return None
    head = ["指标（全院口径）", "本行动", "分子 / 分母", "目标", "行动进度", "状态"]
    rows = []
    for f in found:
        state, good = indicator_state(f)
        rows.append(html.Tr([
            html.Td(f["label"]), html.Td(f["display"], className="num", **{"data-key": f["key"]}),
            html.Td(fmt_parts(f), className="num"), html.Td(fmt_target(f), className="num"),
            html.Td(fmt_pct(f.get("progress")), className="num"),
            html.Td(html.Span(state, className="light " + ("status-none" if good is None
                                                         else "status-good" if good else "status-bad"))),
        ]))
    return table(head, rows, className="indicator-table cp-indicators")


def ranking_table(rows: Sequence[Mapping[str, Any]], who: str) -> html.Table:
    head = ["名次", who, "执结（件）", "执行完毕（件）", "到位（万元）", "发放（万元）", "惩戒措施（次）"]
    body = [html.Tr([html.Td(str(r["rank"])), html.Td(r["name"]),
                     html.Td(f"{int(r.get('closed', 0)):,}", className="num"),
                     html.Td(f"{int(r.get('completed', 0)):,}", className="num"),
                     html.Td(wan(r.get('recovered')), className="num"),
                     html.Td(wan(r.get('disbursed')), className="num"),
                     html.Td(f"{int(r.get('sanctions', 0)):,}", className="num")]) for r in rows]
    return table(head, body, className="indicator-table cp-rank")


def _events(rows: Sequence[Mapping[str, Any]]) -> Any:
    if not rows:
        return html.P("暂无现场事件", className="note")
    return table(("时间", "事项", "案号", "团队", "说明"),
                 [html.Tr([html.Td(e["at"]), html.Td(e["label"]), html.Td(e["case_number"]),
                           html.Td(e["team"]), html.Td(e["detail"])]) for e in rows],
                 className="indicator-table cp-events")


def body(report: Mapping[str, Any], stamp: str) -> list[Any]:
    """The campaign's figures (the same report the wall and the 战报 render)."""
    head = html.Div([
        html.Span(report["status_label"], className=f"cp-status cp-status--{report['status']}"),
        html.Span(f"{report['start']} 至 {report['end']}"),
        html.Span(f"时间进度 {fmt_pct(report['time_progress'])}"),
        html.Span(f"数据截至 {report['as_of'] or '—'}（{stamp}）"),
        html.Span(f"范围内案件 {report['scope_cases']:,} 件"),
    ], className="cp-meta")
    scope = html.Ul([html.Li(p) for p in report["scope"]] or [html.Li("全院案件")], className="cp-scope")
    return [
        head,
        html.P(report["description"], className="note") if report["description"] else None,
        html.Details([html.Summary("行动范围"), scope], open=False),
        html.Section([html.H2("指标目标"),
                      html.P("按全院指标口径（与看板、报表同一定义）统计本行动的案件范围和期间；"
                             "“不低于”为下限，“不高于”为上限。在下方“明细”中可查看分子、分母背后的案件。",
                             className="note"),
                      indicator_rows(report)]) if report.get("indicators") else None,
        html.Section([html.H2("行动进度 vs 时间进度"),
                      html.Img(src=data_uri(progress_svg(report)), className="cp-chart", alt="行动进度与时间进度"),
                      _measure_rows(report)]),
        html.Section([html.H2("每日趋势"), html.Img(src=data_uri(trend_svg(report)), className="cp-chart",
                                                  alt="每日趋势")]),
        html.Div([html.Section([html.H2("团队排名"), ranking_table(report["teams"], "团队")]),
                  html.Section([html.H2("承办人前十"), ranking_table(report["officers"], "承办人")])],
                 className="cp-two"),
        html.Section([html.H2("现场动态（当事人信息已脱敏）"), _events(report["events"])]),
    ]


def indicator_explain(label: str, parts: Mapping[str, Sequence[Mapping[str, Any]]]) -> Any:
    """The cases behind a registry indicator's numerator and denominator (the engine's explain)."""
    out: list[Any] = []
    for part, title in (("numerator", "分子"), ("denominator", "分母")):
        rows = parts.get(part) or []
        if part == "denominator" and not rows:
            continue
        valued = bool(rows) and "value" in rows[0]
        total = f"{title}：{len(rows):,} 条" + (
            f"，合计 {sum(float(r['value']) for r in rows):,.2f}" if valued else "")
        head = ["案号", "立案日期", "结案日期", "团队", "承办人"] + (["值"] if valued else [])
        body_rows = [html.Tr([html.Td(dcc.Link(r["case_number"], href=f"/case/{r['id']}")),
                              html.Td(r["filed_on"]), html.Td(r.get("closed_on") or "—"),
                              html.Td(r.get("team") or "—"), html.Td(r.get("officer") or "—"),
                              *([html.Td(str(r["value"]), className="num")] if valued else [])])
                     for r in rows]
        out += [html.H3(f"{label} · {title}"), html.P(total, className="note"),
                table(head, body_rows, className="indicator-table")]
    return out


def explain_table(rows: Sequence[Mapping[str, Any]], money: bool) -> Any:
    if not rows:
        return html.P("没有记录", className="note")
    total = f"合计 {len(rows):,} 条" + (f"，金额 {sum(r['amount'] or 0 for r in rows):,.2f} 元" if money else "")
    head = ["日期", "案号"] + (["金额（元）"] if money else [])
    body_rows = [html.Tr([html.Td(r["day"]), html.Td(dcc.Link(r["case_number"], href=f"/case/{r['case_id']}")),
                          *([html.Td(f"{r['amount'] or 0:,.2f}", className="num")] if money else [])])
                 for r in rows]
    return [html.P(total, className="note"),
            table(head, body_rows, className="indicator-table")]
