"""AG Grid column definitions and the grid builder of the desk pages."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dash_ag_grid as dag

# (key, header, unit) of the indicator columns; the callbacks pass the registry's names.
IndicatorColumn = tuple[str, str, str]

STATUS_RULES = {
    f"cell-{s}": f"params.data && params.data[params.colDef.field + '__s'] === '{s}'"
    for s in ("good", "warn", "bad")
}
MONEY = {"function": "params.value == null ? '' : d3.format(',.2f')(params.value)"}
LOCALE_ZH = {
    "contains": "包含", "notContains": "不包含", "equals": "等于", "notEqual": "不等于",
    "startsWith": "开头是", "endsWith": "结尾是", "lessThan": "小于", "greaterThan": "大于",
    "lessThanOrEqual": "小于等于", "greaterThanOrEqual": "大于等于", "inRange": "介于",
    "blank": "为空", "notBlank": "不为空", "filterOoo": "筛选…", "andCondition": "且",
    "orCondition": "或", "noRowsToShow": "没有数据", "loadingOoo": "加载中…",
    "before": "早于", "after": "晚于",
}


# a live grid's row id: the `_rid` callbacks.desk.live gives every row (dash-ag-grid evaluates this
# expression itself; every row of a live grid must carry a unique `_rid`)
ROW_ID_JS = "params.data._rid"

CASE_NUMBER_WIDTH = 240  # px that show a whole bold 案号 such as “（2026）内0221执保1234号”


def link_column(field: str, header: str, *, text_field: str | None = None, width: int | None = None,
                numeric: bool = False, pinned: bool = False) -> dict[str, Any]:
    """A column whose cell is a link (href in `<field>__href`), sorted on the raw value."""
    col: dict[str, Any] = {
        "field": field, "headerName": header,
        "cellRenderer": "DeskLink",
        "cellRendererParams": {"hrefField": f"{field}__href", "textField": text_field},
        "filter": "agNumberColumnFilter" if numeric else "agTextColumnFilter",
    }
    if numeric:
        col["type"] = "rightAligned"
    if width:
        col["minWidth"] = width
    if pinned:
        col["pinned"] = "left"
    return col


def indicator_columns(name_header: str, indicators: Sequence[IndicatorColumn]) -> list[dict[str, Any]]:
    """Entity name (drill link) then one coloured, linked column per indicator."""
    cols = [link_column("name", name_header, width=130, pinned=True)]
    for key, header, unit in indicators:
        col = link_column(key, header, text_field=f"{key}__d", numeric=True)
        if key == "accepted":
            col["sort"] = "desc"  # busiest first; every column can be re-sorted
        col["headerTooltip"] = f"{header}（{unit}）；点击数字查看案件；颜色：绿 达标 / 黄 临界 / 红 未达标 / 灰 样本少"
        col["cellClassRules"] = STATUS_RULES
        col["tooltipField"] = f"{key}__delta"
        cols.append(col)
    return cols


def case_columns(kind: str = "cases", value_label: str = "") -> list[dict[str, Any]]:
    """Columns of a case list (masked parties); payments and officers get their own."""
    if kind == "nodes":
        return [link_column("case_number", "案号", width=CASE_NUMBER_WIDTH, pinned=True),
                {"field": "node", "headerName": "流程节点", "minWidth": 180},
                {"field": "deadline", "headerName": "节点期限"}, {"field": "status", "headerName": "状态"},
                {"field": "days_left", "headerName": "剩余（负数为超期）天数", "type": "rightAligned",
                 "filter": "agNumberColumnFilter",
                 "cellClassRules": {"cell-bad": "params.value < 0", "cell-warn": "params.value >= 0"}},
                {"field": "team", "headerName": "团队"}, {"field": "officer", "headerName": "承办人"}]
    if kind == "officers":
        return [{"field": "name", "headerName": "姓名"}, {"field": "role", "headerName": "角色"},
                {"field": "team", "headerName": "团队"}]
    cols = [
        link_column("case_number", "案号", width=CASE_NUMBER_WIDTH + 10, pinned=True),
        {"field": "category", "headerName": "类别", "width": 100},
        {"field": "filed_on", "headerName": "立案日期", "width": 120, "minWidth": 118},
        {"field": "closed_on", "headerName": "结案日期", "width": 120, "minWidth": 118},
        {"field": "closing_method", "headerName": "结案方式"},
        {"field": "days", "headerName": "用时/已历天数", "type": "rightAligned", "filter": "agNumberColumnFilter", "width": 130},
        {"field": "team", "headerName": "团队"},
        {"field": "officer", "headerName": "承办人", "width": 100},
        {"field": "applicant", "headerName": "申请执行人"},
        {"field": "respondent", "headerName": "被执行人"},
        {"field": "target_amount", "headerName": "标的金额（元）", "type": "rightAligned",
         "filter": "agNumberColumnFilter", "valueFormatter": MONEY, "minWidth": 125},
    ]
    if kind == "payments":
        cols[4:4] = [{"field": "received_on", "headerName": "到账日期"}, {"field": "paid_out_on", "headerName": "发放日期"}]
    if value_label:
        cols.insert(1, {"field": "value", "headerName": value_label, "type": "rightAligned",
                        "filter": "agNumberColumnFilter"})
    return cols


def supervision_columns() -> list[dict[str, Any]]:
    return [
        link_column("id", "编号", width=80, numeric=True) | {"maxWidth": 100},
        {"field": "status_label", "headerName": "状态", "width": 110,
         "cellClassRules": {"cell-bad": "params.data.status === 'overdue'",
                            "cell-warn": "params.data.status === 'issued'"}},
        {"field": "subject", "headerName": "督办事项", "minWidth": 260, "flex": 2},
        link_column("case_number", "案号", width=CASE_NUMBER_WIDTH),
        {"field": "officer_name", "headerName": "承办人", "width": 110},
        {"field": "due_on", "headerName": "办理期限", "width": 130},
        {"field": "issued_at", "headerName": "下发时间", "width": 170},
    ]


def deadline_columns() -> list[dict[str, Any]]:
    return [
        link_column("case_number", "案号", width=CASE_NUMBER_WIDTH),
        {"field": "filed_on", "headerName": "立案日期"},
        {"field": "deadline", "headerName": "法定期限届满"},
        {"field": "remaining", "headerName": "剩余天数", "type": "rightAligned", "filter": "agNumberColumnFilter",
         "cellClassRules": {"cell-bad": "params.value < 0", "cell-warn": "params.value >= 0 && params.value <= 30"}},
        {"field": "extension_days", "headerName": "延长天数", "type": "rightAligned"},
        {"field": "paused_days", "headerName": "扣除天数", "type": "rightAligned"},
    ]


def grid(id_: str, columns: list[dict[str, Any]] | None = None, rows: list[dict[str, Any]] | None = None,
         height: str = "60vh", live: bool = False) -> dag.AgGrid:
    """A sortable, filterable grid with a sticky header (the grid scrolls, the header stays).

    `live`: its rows come through callbacks.desk.live (each with a unique `_rid`), so a refresh
    updates them in place: filters, sort and scroll position stay, changed cells flash."""
    extra: dict[str, Any] = {"getRowId": ROW_ID_JS} if live else {}
    return dag.AgGrid(
        id=id_,
        columnDefs=columns or [],
        rowData=rows or [],
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "floatingFilter": False,
                       "minWidth": 96, "flex": 1, "wrapHeaderText": True,
                       "enableCellChangeFlash": True},  # a live refresh flashes the changed cells
        dashGridOptions={"localeText": LOCALE_ZH, "tooltipShowDelay": 300, "animateRows": False,
                         "enableCellTextSelection": True, "suppressMovableColumns": False},
        className="ag-theme-quartz desk-grid",
        style={"height": height, "width": "100%"},
        **extra,
    )


def paged_grid(id_: str, height: str = "60vh", block: int = 200) -> dag.AgGrid:
    """A grid with AG Grid's infinite row model: it asks the server for blocks of `block` rows
    (`getRowsRequest` → callback → `getRowsResponse`), sorted and filtered on the server. The
    columns come from the page's callback like a client-side grid's."""
    return dag.AgGrid(
        id=id_,
        columnDefs=[],
        rowModelType="infinite",
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "floatingFilter": False,
                       "minWidth": 96, "flex": 1, "wrapHeaderText": True},
        dashGridOptions={"localeText": LOCALE_ZH, "tooltipShowDelay": 300, "animateRows": False,
                         "enableCellTextSelection": True, "cacheBlockSize": block},
        className="ag-theme-quartz desk-grid desk-grid-paged",
        style={"height": height, "width": "100%"},
    )
