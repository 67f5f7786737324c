"""/campaigns: the 专项行动 list (running, planned, finished) and the launch/edit form.

The form is in the page for everyone but shown only to whom may launch (管理员, 指挥中心); the
server refuses a save from anyone else anyway. `?edit=<id>` fills it with that campaign."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dash import dcc, html

from db.campaigns.indicators import PREFIX, TARGETABLE
from layouts import ids
from layouts.desk.campaign_parts import fmt_pct
from layouts.table import table

C = ids.Campaigns
# (measure key, label, unit) in the form's target grid; the keys of db.campaigns.figures.MEASURES
TARGET_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("closed", "执结案件数", "件"), ("completed", "执行完毕", "件"), ("recovered", "执行到位金额", "元"),
    ("disbursed", "案款发放", "元"), ("detention", "司法拘留", "人次"), ("fine", "罚款", "次"),
    ("blacklist", "纳入失信", "人次"), ("consumption_ban", "限制高消费", "人次"), ("search", "搜查", "次"),
    ("eviction", "集中清场", "次"), ("refusal_referral", "拒执移送", "件"),
) + tuple(
    # registry indicators over the campaign's scope (db.campaigns.indicators): ind.<key>; the unit
    # says whether the target is a floor (不低于) or a ceiling (不高于)
    (f"{PREFIX}{key}", ind.name, f"{ind.unit}，{'不低于' if ind.direction == 'higher' else '不高于'}")
    for key, ind in TARGETABLE.items()
)
CATEGORY_OPTIONS = [{"value": "first", "label": "首执"}, {"value": "resumed", "label": "恢复执行"},
                    {"value": "preservation", "label": "保全"}, {"value": "review", "label": "审查"}]
FLAG_OPTIONS = [{"value": "any", "label": "不限"}, {"value": "yes", "label": "是"}, {"value": "no", "label": "否"}]
STATUS_ORDER = (("running", "进行中"), ("planned", "未开始"), ("finished", "已结束"))


def target_id(key: str) -> str:
    """The input of one measure's target: campaigns-target-<measure>."""
    return f"{C.TARGETS}-{key.replace('_', '-').replace('.', '-')}"


def _field(label: str, control: Any, hint: str = "") -> html.Label:
    return html.Label([html.Span(label, className="cp-label"), control,
                       html.Span(hint, className="cp-hint") if hint else None], className="cp-field")


def form() -> html.Div:
    targets = [_field(f"{label}（{unit}）", dcc.Input(id=target_id(key), type="text",
                                                     inputMode="decimal", placeholder="不设目标"))
               for key, label, unit in TARGET_FIELDS if not key.startswith(PREFIX)]
    indicator_targets = [_field(f"{label}（{unit}）", dcc.Input(id=target_id(key), type="text",
                                                               inputMode="decimal", placeholder="不设目标"))
                         for key, label, unit in TARGET_FIELDS if key.startswith(PREFIX)]
    return html.Div([
        html.H2(id=C.FORM_OPEN, children="发起专项行动"),
        html.Div([
            _field("行动名称", dcc.Input(id=C.NAME, type="text", maxLength=64, placeholder="如 冬季集中执行")),
            _field("开始日期", dcc.Input(id=C.START, type="text", placeholder="2026-12-01")),
            _field("结束日期", dcc.Input(id=C.END, type="text", placeholder="2026-12-31"), "含当日"),
            _field("大屏展示", dcc.Checklist(id=C.ON_WALL, options=[{"value": "on", "label": "进行中时加入大屏轮播"}],
                                          value=["on"])),
        ], className="cp-row"),
        _field("行动说明", dcc.Textarea(id=C.DESCRIPTION, className="cp-text", maxLength=2000)),
        html.H3("案件范围（不填即不限；各项同时满足）"),
        html.Div([
            _field("参与团队", dcc.Dropdown(id=C.TEAMS, multi=True, placeholder="全院")),
            _field("案件类型", dcc.Dropdown(id=C.CATEGORIES, options=CATEGORY_OPTIONS, multi=True, placeholder="不限")),
            _field("案由", dcc.Dropdown(id=C.CAUSES, multi=True, placeholder="不限")),
        ], className="cp-row"),
        html.Div([
            _field("涉民生", dcc.RadioItems(id=C.LIVELIHOOD, options=FLAG_OPTIONS, value="any", inline=True),
                   "追索劳动报酬、抚养费、赡养费、人身损害等案由"),
            _field("涉企", dcc.RadioItems(id=C.ENTERPRISE, options=FLAG_OPTIONS, value="any", inline=True),
                   "当事人中有法人"),
            _field("标的额下限（元）", dcc.Input(id=C.AMOUNT_MIN, type="text", inputMode="decimal")),
            _field("标的额上限（元）", dcc.Input(id=C.AMOUNT_MAX, type="text", inputMode="decimal")),
        ], className="cp-row"),
        _field("指定案号（每行一个；留空则不限）",
               dcc.Textarea(id=C.CASE_NUMBERS, className="cp-text cp-numbers")),
        dcc.Upload(id=C.UPLOAD, children=html.Span("从 Excel 导入案号（.xlsx，第一列或“案号”列）"),
                   className="cp-upload", accept=".xlsx", max_size=5 * 1024 * 1024),
        html.H3("目标"),
        html.Div(targets, className="cp-targets"),
        html.H3(["指标目标", html.Span("按全院指标口径（docs/indicators.md）统计本行动的案件范围和期间；"
                                     "“不低于”的目标是下限，“不高于”的目标是上限", className="cp-hint")]),
        html.Div(indicator_targets, className="cp-targets cp-indicator-targets"),
        html.Div([html.Button("保存", id=C.SAVE, className="btn"), html.Div(id=C.MESSAGE)], className="cp-actions"),
    ], id=C.FORM, className="cp-form", hidden=True)


def layout(**query: Any) -> html.Div:
    """Skeleton; the callback fills the list and (for 指挥中心 and 管理员) the form."""
    return html.Div([
        dcc.Location(id=C.NAV, refresh="callback-nav"),
        dcc.Store(id=C.QUERY, data=dict(query)),
        html.Div([html.H1("专项行动")], className="desk-head"),
        html.Div(id=C.ERROR),
        html.Div(id=C.LIST, className="cp-list"),
        form(),
    ], className="desk desk-campaigns")


def campaign_table(rows: Sequence[Mapping[str, Any]], may_edit: bool) -> list[Any]:
    """The campaigns grouped by status; each name opens its page."""
    out: list[Any] = []
    for status, label in STATUS_ORDER:
        group = [r for r in rows if r["status"] == status]
        out.append(html.H2(f"{label}（{len(group)}）"))
        if not group:
            out.append(html.P("无", className="note"))
            continue
        head = ["行动", "期间", "时间进度", "目标项", "指定案号", "大屏"] + (["操作"] if may_edit else [])
        body = [html.Tr([
            html.Td(dcc.Link(r["name"], href=f"/campaigns/{r['id']}")),
            html.Td(f"{r['start']} 至 {r['end']}"),
            html.Td(fmt_pct(r.get("time_progress"))), html.Td(str(r["targets"])),
            html.Td(str(r["listed_cases"]) if r["listed_cases"] else "—"),
            html.Td("是" if r["on_wall"] else "否"),
            *([html.Td(dcc.Link("修改", href=f"/campaigns?edit={r['id']}"))] if may_edit else []),
        ]) for r in group]
        out.append(table(head, body, className="indicator-table cp-table"))
    return out


def message(text: str, ok: bool = True) -> html.Div:
    return html.Div(text, className="cp-msg " + ("ok" if ok else "error"), role="status")
