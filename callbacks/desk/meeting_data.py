"""What /meeting (会议模式) shows, as plain data: parse → fetch here → render in layouts/desk/meeting.py.

Figures come from the same memoized `compute()` reads and row builders as /analysis
(`scope_results`, `kpi_items`, `indicator_rows`, `scope_row`), so a figure on the projector is the
one /analysis shows for the same scope and period. Every entity a focus names is checked against
the principal's scope here (the browser holds the focus, so it is input like a URL): a team lead
sees the own team, its officers and their cases, never the court level or another team.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from callbacks import authz
from callbacks.desk.courts import court_node, tree
from callbacks.desk.data import indicator_settings, scope_results, with_session
from callbacks.desk.export import INDICATOR_COLUMNS
from callbacks.desk.params import ParamError, PeriodChoice
from callbacks.desk.region_data import has_own_cases, region_courts
from callbacks.desk.request import (
    COMPARE_KINDS,
    MEETING_LEVELS,
    AnalysisRequest,
    Focus,
    MeetingRequest,
)
from callbacks.desk.screens import _court, _officer, _team, court_teams
from callbacks.desk.views import (
    GRID_KEYS,
    KPI_KEYS,
    indicator_rows,
    kpi_items,
    scope_row,
)
from db.auth.access import may_see_court
from db.export.xlsx import UNIT_KINDS, Column, Sheet, workbook_bytes
from db.org.courts import ancestors
from db.queries.cases import case_rows
from db.queries.queue import legal_deadlines

# The figures of a team / officer row in the list (a subset of the /analysis grid, for large type)
LIST_KEYS = ("accepted", "closed", "closure_rate", "completion_rate", "legal_limit_rate", "avg_days",
             "long_pending")
COMPARE_KEYS = tuple(dict.fromkeys(KPI_KEYS + GRID_KEYS))
CASE_LIMIT = 30  # an officer's open cases listed, most pressing 法定期限 first
TRAIL_LIMIT = 100  # visits a session's 会议材料 holds (the oldest are dropped)
PERIOD_LIMIT = 6  # different periods one 会议材料 may hold


@dataclass
class MeetingView:
    """One level of the meeting: title, breadcrumb, its figures and the list to move through."""

    level: str  # region | court | team | officer | case | compare
    title: str
    focus: dict[str, Any]  # Focus.data() of this view (what the trail records)
    crumbs: list[dict[str, Any]] = field(default_factory=list)  # {"label", "focus"}
    up: dict[str, Any] | None = None  # the focus Esc goes to (None: already at the top)
    kpis: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    row_kind: str | None = None  # court | team | officer | case: what the list rows open
    columns: list[dict[str, str]] = field(default_factory=list)  # {"key", "label"}
    rows: list[dict[str, Any]] = field(default_factory=list)  # {"id", "name", "<key>__d", "<key>__s"}
    note: str = ""  # e.g. how many of the officer's open cases the list shows
    facts: list[dict[str, Any]] = field(default_factory=list)  # case: {"label", "value"}
    compare: dict[str, Any] = field(default_factory=dict)  # names, rows with better/worse

    @property
    def level_label(self) -> str:
        return MEETING_LEVELS[self.level]

    def plain(self) -> dict[str, Any]:
        return asdict(self) | {"level_label": self.level_label}


def _crumb(label: str, focus: Focus) -> dict[str, Any]:
    return {"label": label, "focus": focus.data()}


def _at(level: str, court_id: int) -> Focus:
    """A region / court focus; the current court's carries no id (the same focus as before courts
    had a tree, so a single-court meeting's trail is unchanged)."""
    return Focus(level) if court_id == court_node().id else Focus(level, court_id)


def _court_chain(court_id: int | None = None) -> list[dict[str, Any]]:
    """辖区 (each visible court above, and the court's own 辖区 when it has one) → 法院 crumbs."""
    if not authz.scope().court:  # a team lead's meeting has no court level (and no refusal)
        return []
    node = tree().get(court_id) if court_id is not None else None
    node = node or court_node()
    if not may_see_court(authz.current(), node.id):
        return []
    above = [n for n in ancestors(tree(), node.id)[:-1] if may_see_court(authz.current(), n.id)]
    out = [_crumb(f"{n.name}辖区", _at("region", n.id)) for n in above]
    return out + [_crumb(node.name, _at("court", node.id))]


def _chain(choice: PeriodChoice, team: dict[str, Any] | None,
           officer: dict[str, Any] | None) -> list[dict[str, Any]]:
    """辖区 → 法院 → 团队 → 承办人 crumbs, each only when the principal may open it."""
    court_id = team["court_id"] if team else None
    out = _court_chain(court_id if court_id in tree() else None)
    if team and authz.team_visible(team["id"]):
        out.append(_crumb(team["name"], Focus("team", team["id"])))
    if officer:
        out.append(_crumb(officer["name"], Focus("officer", officer["id"])))
    return out


def _top(focus: Focus) -> Focus:
    """`top` resolved: the court for a whole-court scope, a team lead's own team; nobody else."""
    if focus.level != "top":
        return focus
    scope = authz.scope()
    if scope.court:  # a court with courts below it starts at its 辖区
        return Focus("region") if court_node().children else Focus("court")
    if scope.team_id is not None:
        return Focus("team", scope.team_id)
    raise authz.deny("会议模式")


def _one(scope: str, sid: int, choice: PeriodChoice) -> dict[str, Any]:
    found = scope_results(scope, [sid], choice.period, choice.compare)
    if not found:
        raise ParamError(f"{MEETING_LEVELS[scope]}编号 {sid} 没有数据")
    return found[0]


def _list_rows(results: list[dict[str, Any]], choice: PeriodChoice, href: Any) -> list[dict[str, Any]]:
    return [scope_row(r, choice.period, href(r["id"])) for r in results]


def _columns(keys: tuple[str, ...]) -> list[dict[str, str]]:
    settings = indicator_settings()
    return [{"key": k, "label": settings.indicators[k].name, "unit": settings.indicators[k].unit} for k in keys]


def _fill(view: MeetingView, scope: str, sid: int, choice: PeriodChoice) -> None:
    result = _one(scope, sid, choice)
    view.kpis = kpi_items(result, choice.period, choice.compare)
    view.indicators = indicator_rows(result, choice.period, choice.compare)


def _region_view(choice: PeriodChoice, court_id: int | None) -> MeetingView:
    """辖区: the courts below one court (and the court itself as 本院 when it has cases), in 辖区
    order with the list figures; Enter opens a court."""
    node = court_node(court_id)
    authz.require_court(node.id)
    if not node.children:
        return _court_view(choice, node.id)
    own = with_session("court-own-cases", (node.id,), lambda s: has_own_cases(s, node.id))
    courts = region_courts(tree(), node.id, own)
    up = next((_at("region", n.id).data() for n in reversed(ancestors(tree(), node.id)[:-1])
               if may_see_court(authz.current(), n.id)), None)
    crumbs = _court_chain(node.id)[:-1] + [_crumb(f"{node.name}辖区", _at("region", node.id))]
    view = MeetingView("region", f"{node.name}辖区", _at("region", node.id).data(), crumbs, up,
                       row_kind="court", columns=_columns(LIST_KEYS))
    view.note = "各院数字为各院自身案件（本院：该院自己受理的案件）；Enter 进入该院"
    results = scope_results("court", [c.node.id for c in courts], choice.period, choice.compare)
    labels = {c.node.id: c.label for c in courts}
    view.rows = [scope_row(r, choice.period, "") | {"name": labels[r["id"]]} for r in results]
    return view


def _court_view(choice: PeriodChoice, court_id: int | None = None) -> MeetingView:
    court = _court(court_id)
    authz.require_court(court["id"])
    node = tree()[court["id"]]
    up = (_at("region", node.parent_id).data()
          if node.parent_id is not None and may_see_court(authz.current(), node.parent_id) else None)
    view = MeetingView("court", court["name"], _at("court", court["id"]).data(), _court_chain(court["id"]),
                       up, row_kind="team", columns=_columns(LIST_KEYS))
    _fill(view, "court", court["id"], choice)
    teams = court_teams(court["id"], choice)
    view.rows = _list_rows(teams, choice, lambda i: AnalysisRequest(choice, i).href())
    return view


def _team_view(choice: PeriodChoice, team_id: int) -> MeetingView:
    authz.require_team(team_id)
    team = _team(team_id)
    up = _at("court", team["court_id"]).data() if authz.scope().court else None
    view = MeetingView("team", team["name"], Focus("team", team_id).data(), _chain(choice, team, None), up,
                       row_kind="officer", columns=_columns(LIST_KEYS))
    _fill(view, "team", team_id, choice)
    results = scope_results("officer", team["holder_ids"], choice.period, choice.compare) if team["holder_ids"] else []
    view.rows = _list_rows(results, choice, lambda i: AnalysisRequest(choice, team_id, i).href())
    return view


CASE_COLUMNS = [
    {"key": "case_number", "label": "案号"}, {"key": "filed_on", "label": "立案日期"},
    {"key": "deadline", "label": "法定期限"}, {"key": "remaining", "label": "剩余天数"},
    {"key": "applicant", "label": "申请执行人", "align": "text"},
    {"key": "respondent", "label": "被执行人", "align": "text"},
    {"key": "target_amount", "label": "标的金额（元）"},
]


def _money(value: Any) -> str:
    return "—" if value in (None, "") else f"{Decimal(str(value)):,.2f}"


def _remaining(days: int | None) -> tuple[str, str]:
    """(text, status): 剩余 12 天 / 超期 5 天, coloured by meaning."""
    if days is None:
        return "—", "none"
    if days < 0:
        return f"超期 {-days:,} 天", "bad"
    return f"剩余 {days:,} 天", "warn" if days <= 30 else "good"


def _deadlines(officer_id: int, today: dt.date) -> list[dict[str, Any]]:
    return with_session("deadlines", ("officer", officer_id, today),
                        lambda s: legal_deadlines(s, "officer", officer_id, today=today))


def _officer_view(choice: PeriodChoice, officer_id: int, today: dt.date) -> MeetingView:
    officer = _officer(officer_id)
    authz.require_officer(officer_id, officer["team_id"])
    team = _team(officer["team_id"]) if officer["team_id"] else None
    up = (Focus("team", team["id"]).data() if team and authz.team_visible(team["id"])
          else _court_chain()[-1]["focus"] if _court_chain() else None)
    view = MeetingView("officer", f"{officer['name']}（{officer['team'] or '未分配团队'}）",
                       Focus("officer", officer_id).data(), _chain(choice, team, officer), up,
                       row_kind="case", columns=CASE_COLUMNS)
    _fill(view, "officer", officer_id, choice)
    deadlines = _deadlines(officer_id, today)
    shown = deadlines[:CASE_LIMIT]
    facts = with_session("meeting-cases", (tuple(d["case_id"] for d in shown), today),
                         lambda s: case_rows(s, [d["case_id"] for d in shown], today=today))
    by_id = {f["id"]: f for f in facts}
    for d in shown:
        row = by_id.get(d["case_id"])
        if row is None:
            continue
        text, status = _remaining(d["remaining"])
        view.rows.append({
            "id": d["case_id"], "name": row["case_number"], "case_number__d": row["case_number"],
            "filed_on__d": str(row["filed_on"]), "deadline__d": str(d["deadline"]),
            "remaining__d": text, "remaining__s": status,
            "applicant__d": row["applicant"] or "—", "respondent__d": row["respondent"] or "—",
            "target_amount__d": _money(row["target_amount"]),
        })
    view.note = (f"未结案件共 {len(deadlines):,} 件，按法定期限由紧到松列出前 {len(shown):,} 件"
                 if len(deadlines) > len(shown) else f"未结案件共 {len(deadlines):,} 件，按法定期限由紧到松排列")
    return view


def _case_view(choice: PeriodChoice, case_id: int, today: dt.date) -> MeetingView:
    found = with_session("meeting-case", (case_id, today), lambda s: case_rows(s, [case_id], today=today))
    if not found:
        raise ParamError(f"案件编号 {case_id} 不存在")
    row = found[0]
    authz.require_case(case_id, row["team_id"], row["officer_id"])
    team = _team(row["team_id"]) if row["team_id"] else None
    officer = _officer(row["officer_id"]) if row["officer_id"] else None
    crumbs = _chain(choice, team, officer) + [_crumb(row["case_number"], Focus("case", case_id))]
    up = crumbs[-2]["focus"] if len(crumbs) > 1 else None
    view = MeetingView("case", row["case_number"], Focus("case", case_id).data(), crumbs, up)
    deadline = next((d for d in _deadlines(row["officer_id"], today) if d["case_id"] == case_id), None) \
        if row["officer_id"] else None
    text, status = _remaining(deadline["remaining"] if deadline else None)
    view.facts = [
        {"label": "案号", "value": row["case_number"]},
        {"label": "类别", "value": row["category"]},
        {"label": "立案日期", "value": str(row["filed_on"])},
        {"label": "状态", "value": f"已结案（{row['closed_on']}，{row['closing_method'] or '—'}）"
         if row["closed_on"] else "未结"},
        {"label": "用时" if row["closed_on"] else "已历天数", "value": f"{row['days']:,} 天"},
        {"label": "法定执行期限", "value": f"{deadline['deadline']}（{text}）" if deadline else "—",
         "status": status},
        {"label": "团队", "value": row["team"] or "—"},
        {"label": "承办人", "value": row["officer"] or "—"},
        {"label": "申请执行人", "value": row["applicant"] or "—"},
        {"label": "被执行人", "value": row["respondent"] or "—"},
        {"label": "标的金额（元）", "value": _money(row["target_amount"])},
        {"label": "执行到位金额（元）", "value": _money(row["recovered_amount"])},
    ]
    return view


def _delta(a: float | None, b: float | None, unit: str) -> str:
    if a is None or b is None:
        return "—"
    d = a - b
    if unit == "%":
        return f"{d:+.2f} 个百分点"
    return f"{d:+,.0f} {unit}" if float(d).is_integer() else f"{d:+,.2f} {unit}"


def _better(a: float | None, b: float | None, direction: str) -> str:
    """Which side is better: a | b | "" (equal, unknown, or no direction)."""
    if a is None or b is None or a == b or direction not in ("higher", "lower"):
        return ""
    return "a" if (a > b) == (direction == "higher") else "b"


def _compare_view(choice: PeriodChoice, focus: Focus) -> MeetingView:
    kind = focus.kind or "team"
    names, results, teams = [], [], []
    for sid in focus.ids:
        if kind == "team":
            authz.require_team(sid)
            entity = _team(sid)
            teams.append(sid)
        else:
            entity = _officer(sid)
            authz.require_officer(sid, entity["team_id"])
            teams.append(entity["team_id"])
        names.append(entity["name"])
        results.append(indicator_rows(_one(kind, sid, choice), choice.period, choice.compare))
    settings = indicator_settings()
    a_rows, b_rows = ({r["key"]: r for r in rows} for rows in results)
    rows = []
    for key in COMPARE_KEYS:
        a, b, ind = a_rows[key], b_rows[key], settings.indicators[key]
        rows.append({"key": key, "name": ind.name, "unit": ind.unit, "a": a["display"], "b": b["display"],
                     "a_value": a["value"], "b_value": b["value"], "a_status": a["status"], "b_status": b["status"],
                     "delta": _delta(a["value"], b["value"], ind.unit),
                     "better": _better(a["value"], b["value"], ind.direction)})
    same_team = kind == "officer" and teams[0] and teams[0] == teams[1] and authz.team_visible(teams[0])
    crumbs = _chain(choice, _team(teams[0]) if same_team else None, None)
    up = crumbs[-1]["focus"] if crumbs else None
    label = COMPARE_KINDS[kind]
    title = f"{names[0]} 对比 {names[1]}"
    crumbs.append({"label": f"{label}对比：{title}", "focus": focus.data()})
    return MeetingView("compare", title, focus.data(), crumbs, up,
                       compare={"kind": kind, "kind_label": label, "names": names, "rows": rows})


def fetch_meeting(request: MeetingRequest, today: dt.date) -> MeetingView:
    """The view of one focus, scope-checked (a refusal raises authz.Denied, written to the audit log)."""
    choice, focus = request.choice, _top(request.focus)
    if focus.level == "region":
        return _region_view(choice, focus.id)
    if focus.level == "court":
        return _court_view(choice, focus.id)
    if focus.level == "team":
        assert focus.id is not None
        return _team_view(choice, focus.id)
    if focus.level == "officer":
        assert focus.id is not None
        return _officer_view(choice, focus.id, today)
    if focus.level == "case":
        assert focus.id is not None
        return _case_view(choice, focus.id, today)
    return _compare_view(choice, focus)


def visit(request: MeetingRequest, view: MeetingView) -> dict[str, Any]:
    """One trail entry: where the meeting was (the resolved focus) and for which period."""
    return {"focus": view.focus, "q": request.choice.query()}


def extend_trail(trail: Any, entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The session's trail with `entry` appended (not twice in a row; at most TRAIL_LIMIT)."""
    kept = [t for t in trail if isinstance(t, dict)] if isinstance(trail, list) else []
    if not kept or kept[-1] != entry:
        kept.append(entry)
    return kept[-TRAIL_LIMIT:]


@dataclass
class Material:
    """会议材料: every level the session visited, re-read and scope-checked, with the as-of time."""

    visits: list[tuple[PeriodChoice, MeetingView]]
    as_of: Any
    made_at: dt.datetime


def fetch_material(trail: Any, today: dt.date, as_of: Any, made_at: dt.datetime) -> Material:
    """Re-read every visited level (the browser's trail is only where, never what: the figures
    come from the server, and a level outside the scope is refused like a page)."""
    entries = [t for t in trail if isinstance(t, dict)] if isinstance(trail, list) else []
    if not entries:
        raise ParamError("本次会议还没有浏览任何层级，无法生成会议材料")
    if len(entries) > TRAIL_LIMIT:
        raise ParamError(f"会议路径过长（最多 {TRAIL_LIMIT} 个层级）")
    requests = [MeetingRequest.parse(entry.get("q") or {}, entry.get("focus"), today) for entry in entries]
    if len({r.choice for r in requests}) > PERIOD_LIMIT:  # each period is its own computation
        raise ParamError(f"会议路径包含超过 {PERIOD_LIMIT} 个不同的统计期间，请按「重新开始」后重新浏览")
    visits = [(request.choice, fetch_meeting(request, today)) for request in requests]
    return Material(visits, as_of, made_at)


def _sheet_meta(choice: PeriodChoice, material: Material) -> list[tuple[str, Any]]:
    return [("统计期间", choice.label), ("对比期间", choice.compare_label), ("数据截至", material.as_of),
            ("导出时间", material.made_at)]


def _path_sheet(material: Material) -> Sheet:
    settings = indicator_settings()
    kpi_columns = [Column(f"{settings.indicators[k].name}（{settings.indicators[k].unit}）", k,
                          UNIT_KINDS.get(settings.indicators[k].unit, "number")) for k in KPI_KEYS]
    columns = [Column("序号", "n", "int"), Column("层级", "level"), Column("对象", "title"),
               Column("统计期间", "period"), *kpi_columns]
    rows = []
    for n, (choice, view) in enumerate(material.visits, start=1):
        row: dict[str, Any] = {"n": n, "level": view.level_label, "title": view.title, "period": choice.label}
        row |= {k["key"]: k["value"] for k in view.kpis}
        rows.append(row)
    first = material.visits[0][0]
    meta = [("数据截至", material.as_of), ("导出时间", material.made_at), ("首个层级的统计期间", first.label)]
    notes = [("说明", "按浏览顺序列出本次会议看过的每个层级；各层级的全部指标见后面的工作表（序号相同）")]
    return Sheet("会议路径", "会议材料：本次会议浏览路径", columns, rows, meta, notes)


def _visit_sheet(n: int, choice: PeriodChoice, view: MeetingView, material: Material) -> Sheet:
    title = f"{n} {view.level_label} {view.title}"
    meta = _sheet_meta(choice, material)
    if view.level == "case":
        return Sheet(title, f"{n}. 案件 {view.title} 基本情况", [Column("项目", "label"), Column("内容", "value")],
                     view.facts, meta)
    if view.level == "region":
        columns = [Column("法院", "name")] + [Column(c["label"], f"{c['key']}__d") for c in view.columns]
        return Sheet(title, f"{n}. {view.title} 各法院", columns, view.rows, meta)
    if view.level == "compare":
        a, b = view.compare["names"]
        rows = [r | {"better_name": {"a": a, "b": b}.get(r["better"], "相同" if r["a"] == r["b"] else "—")}
                for r in view.compare["rows"]]
        columns = [Column("指标", "name"), Column("单位", "unit"), Column(a, "a_value", "by_unit"),
                   Column(b, "b_value", "by_unit"), Column(f"差值（{a}−{b}）", "delta"), Column("较优", "better_name")]
        return Sheet(title, f"{n}. {view.compare['kind_label']}对比：{view.title}", columns, rows, meta)
    notes = [(r["name"], r["formula"]) for r in view.indicators]
    return Sheet(title, f"{n}. {view.level_label} {view.title} 执行质效指标", INDICATOR_COLUMNS, view.indicators,
                 meta, notes)


def material_workbook(material: Material) -> bytes:
    """One .xlsx: the path (one row per visit with its headline figures), then a sheet per visit."""
    sheets = [_path_sheet(material)] + [_visit_sheet(n, choice, view, material)
                                        for n, (choice, view) in enumerate(material.visits, start=1)]
    return workbook_bytes(sheets)


def material_plain(material: Material, court: str) -> dict[str, Any]:
    """The printable page's data (layouts/desk/meeting.py `material`)."""
    return {
        "court": court, "as_of": _stamp(material.as_of), "made_at": _stamp(material.made_at),
        "visits": [view.plain() | {"n": n, "period": choice.label, "compare_label": choice.compare_label}
                   for n, (choice, view) in enumerate(material.visits, start=1)],
    }


def _stamp(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else str(value)
