"""The printable 战报 of a 专项行动: one standalone HTML document (A4, Chinese typography, the
charts as server-drawn SVG images) with the figures of one report as of a stated time.
Served by /export/campaign/<id>/report; the browser's 打印 makes the PDF."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

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
from layouts.units import wan

CSS = """
@page { size: A4; margin: 16mm 15mm 16mm 15mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #1f2d3d; background: #fff;
  font-family: 'Noto Serif CJK SC','Source Han Serif SC','Songti SC','SimSun',serif; font-size: 11pt; line-height: 1.65; }
.page { max-width: 180mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 22pt; text-align: center; letter-spacing: .12em; margin: 0 0 2mm; color: #b3261e; }
.sub { text-align: center; font-size: 10.5pt; color: #4a5665; margin-bottom: 4mm;
  font-family: 'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif; }
.rule { border: 0; border-top: 2pt solid #b3261e; margin: 0 0 5mm; }
h2 { font-size: 13.5pt; margin: 6mm 0 2mm; letter-spacing: .06em; page-break-after: avoid; }
p { margin: 0 0 2mm; text-indent: 2em; text-align: justify; }
table { width: 100%; border-collapse: collapse; font-size: 10pt;
  font-family: 'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif; }
th, td { border: .6pt solid #9aa5b1; padding: 1.2mm 2mm; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }
th { background: #eef2f6; font-weight: 700; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.chart { width: 100%; height: auto; display: block; margin: 2mm 0; page-break-inside: avoid; }
.behind { color: #b3261e; font-weight: 700; }
.foot { margin-top: 6mm; font-size: 9pt; color: #6b7785; text-indent: 0;
  font-family: 'Noto Sans CJK SC','Source Han Sans SC',sans-serif; }
.print-hint { font-family: sans-serif; font-size: 10pt; color: #6b7785; text-align: right; margin: 0 0 4mm; text-indent: 0; }
@media print { .print-hint { display: none; } }
.ind-note { margin: 5mm 0 2mm; text-indent: 0; }
"""


def _table(head: Sequence[str], rows: Sequence[Sequence[tuple[str, str]]]) -> str:
    """rows: cells as (text, css class)."""
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f'<td class="{cls}">{escape(text)}</td>' for text, cls in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _summary(report: Mapping[str, Any]) -> str:
    by = {m["key"]: m for m in report["measures"]}
    sanctions = "、".join(f"{by[k]['label']}{fmt_value(by[k]['value'], by[k]['unit']).replace(' ', '')}"
                         for k in ("detention", "fine", "blacklist", "consumption_ban", "search", "eviction",
                                   "refusal_referral") if by[k]["value"])
    text = (f"“{report['name']}”专项行动自 {report['start']} 开始，计划至 {report['end']} 结束"
            f"（{report['status_label']}），时间进度 {fmt_pct(report['time_progress'])}。"
            f"截至 {report['as_of'] or report['start']}，行动范围内共执结案件 {fmt_value(by['closed']['value'], '件')}，"
            f"其中执行完毕 {fmt_value(by['completed']['value'], '件')}；执行到位金额 "
            f"{fmt_value(by['recovered']['value'], '元')}，发放案款 {fmt_value(by['disbursed']['value'], '元')}。")
    if sanctions:
        text += f"行动中依法采取{sanctions}。"
    return text


def _measures(report: Mapping[str, Any]) -> str:
    rows = []
    for m in report["measures"]:
        target = m.get("target")
        state = ("落后于时间进度", "behind") if m["behind"] else ("达到时间进度", "")
        rows.append([(m["label"], ""), (fmt_value(m["value"], m["unit"]), "num"),
                     (fmt_value(target, m["unit"]) if target else "—", "num"),
                     (fmt_pct(m.get("progress")), "num"), state if target else ("—", "")])
    return _table(["统计项", "完成", "目标", "行动进度", "状态"], rows)


def _indicators(report: Mapping[str, Any]) -> str:
    """The targeted registry indicators (全院口径 over the campaign's scope and period)."""
    found = report.get("indicators") or []
    if not found:
        return ""
    rows = []
    for f in found:
        state, good = indicator_state(f)
        rows.append([(f["label"], ""), (f["display"], "num"), (fmt_parts(f), "num"),
                     (fmt_target(f), "num"), (fmt_pct(f.get("progress")), "num"),
                     (state, "behind" if good is False else "")])
    return ("<p class=\"ind-note\">指标目标（按全院指标口径统计本行动的案件范围和期间；“不低于”为下限，“不高于”为上限）：</p>"
            + _table(["指标", "本行动", "分子 / 分母", "目标", "行动进度", "状态"], rows))


def _ranking(rows: Sequence[Mapping[str, Any]], who: str) -> str:
    return _table(["名次", who, "执结（件）", "执行完毕（件）", "到位（万元）", "惩戒措施（次）"], [
        [(str(r["rank"]), "num"), (r["name"], ""), (f"{int(r.get('closed', 0)):,}", "num"),
         (f"{int(r.get('completed', 0)):,}", "num"), (wan(r.get('recovered')), "num"),
         (f"{int(r.get('sanctions', 0)):,}", "num")] for r in rows])


def document(report: Mapping[str, Any], court: str, generated: str) -> str:
    """The whole 战报 as one HTML document (no script: the browser's 打印 prints it)."""
    scope = "；".join(report["scope"]) or "全院案件"
    parts = [
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        f"<title>{escape(report['name'])} 专项行动战报</title><style>{CSS}</style></head><body><div class=\"page\">",
        "<p class=\"print-hint\">用浏览器“打印”（Ctrl+P）输出 A4 纸质版或 PDF</p>",
        f"<h1>“{escape(report['name'])}”专项行动战报</h1>",
        f"<div class=\"sub\">{escape(court)} 执行指挥中心 · 数据截至 {escape(report['as_of'] or '—')}"
        f" · 生成于 {escape(generated)}</div><hr class=\"rule\">",
        "<h2>一、总体情况</h2>", f"<p>{escape(_summary(report))}</p>",
        f"<p>行动范围：{escape(scope)}；范围内案件 {report['scope_cases']:,} 件。</p>",
        "<h2>二、目标完成情况</h2>",
        f"<img class=\"chart\" alt=\"行动进度与时间进度\" src=\"{data_uri(progress_svg(report, width=760))}\">",
        _measures(report),
        _indicators(report),
        "<h2>三、每日趋势</h2>",
        f"<img class=\"chart\" alt=\"每日趋势\" src=\"{data_uri(trend_svg(report, width=760, height=260))}\">",
        "<h2>四、团队排名</h2>", _ranking(report["teams"], "团队"),
        "<h2>五、承办人前十</h2>", _ranking(report["officers"], "承办人"),
        "<p class=\"foot\">统计口径：期间按本院当地日期计算，首尾两日均含；执结以结案日期、到位以到账日期、"
        "发放以发放日期、各项措施以事项发生时间计；同一案件参加多项行动时分别计入。"
        "数字与专项行动页面、大屏和 Excel 导出一致。</p>",
        "</div></body></html>",
    ]
    return "".join(parts)
