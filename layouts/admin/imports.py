"""/admin/import (数据导入): upload a workbook, see how it was recognised, a dry run's counts and
problems, confirm, watch the progress, and the batch history with undo."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dash_ag_grid as dag
from dash import dcc, html

from layouts import ids
from layouts.admin.common import frame, table
from layouts.desk.grids import LOCALE_ZH

I = ids.AdminImport  # noqa: E741
HIDDEN, SHOWN = {"display": "none"}, {"display": "block"}
TEMPLATE_URL = "/export/import-template.xlsx"
REJECTS_URL = "/export/import-rejects.xlsx"
COUNTS = (("new", "新增"), ("updated", "更新"), ("unchanged", "未变"), ("rejected", "问题行"), ("deleted", "删除"))
ERROR_COLUMNS = (("sheet", "工作表", 110), ("row", "行号", 80), ("column", "列", 120), ("value", "原值", 160),
                 ("message", "问题", 420))


def _cell(cell: Mapping[str, Any]) -> Any:
    if cell.get("error"):
        return html.Span(f"✗ {cell['error']}", className="cell-bad", title=cell["error"])
    value = cell.get("value")
    return {"True": "是", "False": "否", "None": ""}.get(str(value), str(value)) if value is not None else ""


def preview_sheet(item: Mapping[str, Any]) -> html.Div:
    """One sheet as recognised: header → field, ignored and missing columns, the first rows."""
    title = item.get("file_sheet") or ""
    if not item.get("sheet"):
        return html.Div([html.H3(f"工作表“{title}”：未识别，不会导入"),
                         html.P("表头：" + "、".join(item.get("ignored_columns") or []) or "（空）", className="note")],
                        className="import-sheet import-sheet--ignored")
    columns = item.get("columns") or []
    mapping = table(("文件中的表头", "识别为"), [(c["header"], c["label"]) for c in columns], "没有识别出任何列")
    notes = []
    if item.get("ignored_columns"):
        notes.append(html.P("未识别的列（不会导入）：" + "、".join(item["ignored_columns"]), className="admin-msg error"))
    if item.get("missing"):
        notes.append(html.P("缺少必填列：" + "、".join(item["missing"]), className="admin-msg error"))
    labels = [c["label"] for c in columns]
    rows = table(("行号", *labels), [(r["row"], *(_cell(r["cells"].get(label, {})) for label in labels))
                                     for r in item.get("rows") or []], "没有数据行")
    name = item["sheet"] if item["sheet"] == title else f"{title} → {item['sheet']}"
    return html.Div([html.H3(f"工作表“{name}”"), *notes,
                     html.Div([html.Div([html.H4("表头识别"), mapping], className="import-map"),
                               html.Div([html.H4("前几行（按识别结果）"), rows], className="import-rows")],
                              className="import-sheet-body")],
                    className="import-sheet")


def preview_box(name: str, size: int, sheets: Sequence[Mapping[str, Any]]) -> list[Any]:
    known = [item for item in sheets if item.get("sheet")]
    warn = [] if known else [html.P("没有识别出任何标准工作表（案件、人员、当事人……）：请对照“下载空白模板”检查工作表名和表头",
                                    className="admin-msg error")]
    return [html.P(f"文件：{name}（{size / 1024:,.1f} KB）", className="note"), *warn,
            *[preview_sheet(item) for item in sheets]]


def progress_box(kind_label: str, status_label: str, sheet: str | None, read: int | None,
                 total: int | None) -> html.Div:
    where = f"：工作表“{sheet}”已读 {read:,} 行" + (f" / 共 {total:,} 行" if total else "") if sheet else ""
    share = min(1.0, (read or 0) / total) if total else None
    bar = html.Div(html.Div(className="import-bar-fill", style={"width": f"{(share or 0) * 100:.0f}%"}),
                   className="import-bar" + ("" if share is not None else " import-bar--busy"))
    return html.Div([html.Strong(f"{kind_label}{status_label}{where}"), bar], className="import-progress",
                    role="status")


def counts_table(result: Mapping[str, Any]) -> Any:
    sheets = result.get("sheets") or {}
    rows = [(name, *(c.get(key, 0) for key, _ in COUNTS)) for name, c in sheets.items()]
    rows.append(("合计", *(result.get(key, 0) for key, _ in COUNTS)))
    return table(("工作表", *(label for _, label in COUNTS)), rows)


def result_box(kind: str, result: Mapping[str, Any], batch: int | None) -> html.Div:
    """The counts of a finished dry run or import, and what happens next."""
    errors = int(result.get("error_count") or 0)
    if kind == "dry_run":
        head = ("试导入完成（未写入任何数据）：" + (f"发现 {errors} 处问题，见下表。" if errors else "没有发现问题。")
                + ("可修正后重新上传，或勾选“跳过有问题的行”后确认导入。" if errors else "请核对数量后确认导入。"))
    elif batch:
        head = (f"导入完成，批次 {batch}。" + (f"已跳过 {errors} 处问题所在的行。" if errors else "")
                + "大屏与各页面在下一次数据刷新后更新。")
    else:
        head = f"导入未执行：发现 {errors} 处问题，未写入任何数据。"
    extra = []
    if result.get("ignored_sheets"):
        extra.append(html.P("未识别的工作表：" + "、".join(result["ignored_sheets"]), className="note"))
    for sheet, headers in (result.get("ignored_columns") or {}).items():
        if headers:
            extra.append(html.P(f"工作表“{sheet}”未识别的列：" + "、".join(headers), className="note"))
    ok = kind == "dry_run" and not errors or bool(batch)
    return html.Div([html.Div(head, className="admin-msg " + ("ok" if ok else "error"), role="status"),
                     counts_table(result), *extra], className="import-result")


def failed_box(message: str) -> html.Div:
    return html.Div(message, className="admin-msg error", role="status")


def history_table(rows: Sequence[Mapping[str, Any]]) -> Any:
    return table(("批次", "时间", "导入人", "来源", "文件", "新增", "更新", "未变", "问题行", "删除", "状态"), [
        (b["id"], b["started_at"], b["actor"], "文件" if b["origin"] == "file" else "同步", b["file_name"],
         b["new"], b["updated"], b["unchanged"], b["rejected"], b["deleted"],
         "有效" if b["status"] == "done" else f"已撤销（{b['undone_at']}，{b['undone_by']}）") for b in rows
    ], "还没有导入过数据")


def error_grid() -> dag.AgGrid:
    return dag.AgGrid(
        id=I.ERRORS,
        columnDefs=[{"field": key, "headerName": label, "minWidth": width, "filter": "agTextColumnFilter"}
                    | ({"filter": "agNumberColumnFilter", "type": "rightAligned"} if key == "row" else {})
                    for key, label, width in ERROR_COLUMNS],
        rowData=[],
        defaultColDef={"sortable": True, "resizable": True, "floatingFilter": True, "flex": 1},
        dashGridOptions={"localeText": LOCALE_ZH, "animateRows": False, "enableCellTextSelection": True,
                         "pagination": True, "paginationPageSize": 50},
        className="ag-theme-quartz desk-grid",
        style={"height": "420px", "width": "100%"},
    )


def layout(**_: Any) -> html.Div:
    return frame("/admin/import", "数据导入", [
        dcc.Store(id=I.JOB, data=None),
        dcc.Store(id=I.REV, data=0),
        dcc.Interval(id=I.POLL, interval=1000, disabled=True),
        html.P(["上传本院的标准导入工作簿（xlsx、xls 或 CSV）。上传后先预览表头识别和前几行，系统自动试导入"
                "（不写入数据）并列出问题；核对无误后确认导入。每次导入都可撤销。",
                html.A("下载空白模板", href=TEMPLATE_URL, id=I.TEMPLATE, className="btn",
                       style={"marginLeft": "12px"})], className="note"),
        dcc.Upload(id=I.UPLOAD, multiple=False, className="import-drop",
                   children=html.Div(["把文件拖放到这里，或 ", html.A("点击选择文件")])),
        html.Div(id=I.FILE),
        html.Div(id=I.PREVIEW),
        html.H2("试导入与导入"),
        html.Div(id=I.STATUS, children=html.P("尚未上传文件", className="note")),
        html.Div([
            dcc.Checklist(id=I.SKIP, options=[{"label": " 跳过有问题的行，只导入正确的行", "value": "skip"}], value=[]),
            html.Button("确认导入", id=I.CONFIRM, className="btn", disabled=True),
        ], className="admin-form"),
        html.Div(id=I.MSG),
        html.Div(id=I.REJECTS),
        html.Div([html.H3("问题清单（可按列筛选）"), error_grid()], id=I.ERRORS_BOX, style=HIDDEN),
        html.H2("导入历史"),
        html.Div(id=I.HISTORY),
        html.Div([
            html.Label([html.Span("撤销批次", className="admin-label"),
                        dcc.Dropdown(id=I.PICK, placeholder="选择有效批次")], className="admin-field"),
            html.Button("撤销", id=I.UNDO, className="btn danger"),
        ], className="admin-form"),
        html.Div(id=I.UNDO_MSG),
    ], I.ROOT)
