"""Invariants every figure of a snapshot must satisfy (issue #15 §2; docs/check.md).

Two kinds of checks:

* `snapshot_violations(body)`: inside one snapshot. The court's figures equal the sum of its
  teams plus 未分配/其他 (every numerator and denominator: counts, days, amounts, in the
  court's own case scope); the trend's last point equals the current-period figure (本月 for
  monthly series, 本年至今 for the cumulative 结案率), for the court and every team.
* `live_violations(session, body, settings)`: the snapshot against the other surfaces, read
  in the same transaction as the data it describes. The CLI/desk figure (`compute`, which
  `python -m dashboard indicators` and the desk pages call) equals the wall's; each
  drill-down list (`explain`, the desk's 明细 and `python -m dashboard explain`) has as many
  rows, or as large a sum, as the number it explains; the exported cell (db.export.xlsx,
  read back from a real .xlsx) equals the figure.

A violation names the rule, where, and both numbers; the checker never repairs anything.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from db.export.xlsx import Column, Sheet, workbook_bytes
from db.indicators import compute, explain
from db.indicators.period import Period
from db.indicators.registry import is_money, split_measure
from db.indicators.settings import IndicatorSettings

PERIOD_NAMES = {"ytd": "本年至今", "mtd": "本月"}
# trend series → (period of the view it must end on, indicator key)
CUMULATIVE = {"closure_rate_ytd": ("ytd", "closure_rate")}
EXPORT_KINDS = {"%": "percent", "件": "int", "天": "number", "元": "money"}


@dataclass(frozen=True)
class Violation:
    rule: str  # 团队合计 / 趋势末点 / 命令行 / 明细 / 导出
    where: str  # 本年至今 · 全院 · 结案数 · 分子
    detail: str  # both numbers

    def __str__(self) -> str:
        return f"[{self.rule}] {self.where}：{self.detail}"


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _indicators(entity: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return (entity or {}).get("indicators") or {}


def _parts_violations(period: str, view: Mapping[str, Any]) -> list[Violation]:
    parts = view.get("court_parts")
    court = _indicators(view.get("court"))
    if not parts or not court:
        return []
    found = []
    rows = [*parts.get("teams", []), parts.get("other") or {}]
    for key, entry in court.items():
        for side, label in (("numerator", "分子"), ("denominator", "分母")):
            if entry.get(side) is None:
                continue
            total = sum((_number(_indicators(r).get(key, {}).get(side)) or Decimal(0)
                         for r in rows), Decimal(0))
            if total != _number(entry[side]):
                other = _number(_indicators(parts.get("other")).get(key, {}).get(side))
                found.append(Violation(
                    "团队合计", f"{PERIOD_NAMES.get(period, period)} · {entry.get('name', key)} · {label}",
                    f"全院 {entry[side]} ≠ 各团队 {total - (other or 0)} ＋ 未分配/其他 {other or 0}"))
    return found


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-9


def _trend_violations(body: Mapping[str, Any]) -> list[Violation]:
    trend = body.get("trend") or {}
    views = body.get("views") or {}
    found = []
    subjects: list[tuple[str, Mapping[str, Any], Any]] = [
        ("全院", trend.get("court") or {}, lambda period: (views.get(period) or {}).get("court"))]
    for team_id, series in (trend.get("teams") or {}).items():
        def team_view(period: str, tid: Any = team_id) -> Any:
            teams = (views.get(period) or {}).get("teams") or []
            return next((t for t in teams if str(t.get("id")) == str(tid)), None)
        subjects.append((f"团队 {team_id}", series, team_view))
    for who, by_key, view_of in subjects:
        for name, series in by_key.items():
            period, key = CUMULATIVE.get(name, ("mtd", name))
            entity = view_of(period)
            entry = _indicators(entity).get(key)
            values = (series or {}).get("values") or []
            if entity is None or entry is None or not values:
                continue
            shown = _number(entry.get("value"))
            if not _close(values[-1], shown):
                found.append(Violation(
                    "趋势末点", f"{who} · {name}",
                    f"趋势最后一点 {values[-1]} ≠ {PERIOD_NAMES[period]}数值 {entry.get('value')}"))
    return found


def _target_violations(body: Mapping[str, Any]) -> list[Violation]:
    """A figure judged against a progress target uses the target line its chart draws."""
    trend = body.get("trend") or {}
    found = []
    for series, (period, key) in CUMULATIVE.items():
        line = (trend.get("targets") or {}).get(series) or []
        entry = _indicators(((body.get("views") or {}).get(period) or {}).get("court")).get(key)
        if not line or entry is None or line[-1] is None or entry.get("value") is None:
            continue
        if f"{float(line[-1]):g}%" not in (entry.get("basis") or ""):
            found.append(Violation("目标", f"{PERIOD_NAMES[period]} · {entry.get('name')}",
                                   f"状态依据“{entry.get('basis')}”不是趋势图的目标线 {line[-1]}%"))
    return found


def _money_violations(body: Mapping[str, Any]) -> list[Violation]:
    """待发放案款: one definition, one number — the tile, the ageing total, the bands' sum."""
    payments = (body.get("nodes") or {}).get("payments")
    entry = _indicators(((body.get("views") or {}).get("ytd") or {}).get("court")).get(
        "pending_payout")
    if not payments or entry is None:
        return []
    found = []
    bands = sum((Decimal(str(b.get("amount") or 0)) for b in payments.get("bands") or []),
                Decimal(0))
    for label, amount in (("账龄合计", _number(payments.get("amount"))), ("各账龄之和", bands)):
        if amount != _number(entry.get("value")):
            found.append(Violation("待发放案款", label,
                                   f"指标 {entry.get('value')} 元 ≠ {label} {amount} 元"))
    return found


def snapshot_violations(body: Mapping[str, Any]) -> list[Violation]:
    """The invariants that hold inside one snapshot."""
    found = _target_violations(body) + _money_violations(body)
    for period, view in (body.get("views") or {}).items():
        if period in PERIOD_NAMES:
            found += _parts_violations(period, view or {})
    return found + _trend_violations(body)


RULE_NAMES = ("团队合计", "趋势末点", "目标", "待发放案款")


def check_report(body: Mapping[str, Any], at: str | None) -> dict[str, Any]:
    """The in-snapshot invariants as plain data (stored in the snapshot as "check")."""
    if body.get("court") is None:
        return {"at": at, "rules": list(RULE_NAMES), "violations": [], "skipped": True}
    return {"at": at, "rules": list(RULE_NAMES), "skipped": False,
            "violations": [{"rule": v.rule, "where": v.where, "detail": v.detail}
                           for v in snapshot_violations(body)]}


def _period(body: Mapping[str, Any], key: str) -> tuple[Period, Period]:
    info = body["periods"][key]
    return (Period.parse(f"{info['start']}:{info['end']}"),
            Period.parse(f"{info['compare_start']}:{info['compare_end']}"))


def _same_entry(where: str, wall: Mapping[str, Any], other: Mapping[str, Any],
                rule: str) -> list[Violation]:
    found = []
    for field in ("value", "numerator", "denominator", "status"):
        if str(wall.get(field)) != str(other.get(field)):
            found.append(Violation(rule, f"{where} · {field}",
                                   f"大屏 {wall.get(field)} ≠ {rule} {other.get(field)}"))
    return found


def _cli_violations(session: Session, body: Mapping[str, Any], settings: IndicatorSettings,
                    period_key: str) -> list[Violation]:
    period, compare = _period(body, period_key)
    view = body["views"][period_key]
    found = []
    court = view.get("court")
    entities: list[tuple[str, list[Any], list[Mapping[str, Any]]]] = [
        ("court", [court["id"]], [court])] if court else []
    teams = view.get("teams") or []
    if teams:
        entities.append(("team", [t["id"] for t in teams], teams))
    for scope, ids, shown in entities:
        fresh = {r["id"]: r for r in compute(session, scope, ids=ids, period=period,
                                             compare=compare, settings=settings)}
        for entity in shown:
            other = fresh.get(entity["id"], {"indicators": {}})
            for key, entry in _indicators(entity).items():
                where = f"{PERIOD_NAMES[period_key]} · {entity.get('name')} · {entry.get('name')}"
                found += _same_entry(where, entry, other["indicators"].get(key, {}), "命令行")
    return found


def _region_violations(session: Session, body: Mapping[str, Any], settings: IndicatorSettings,
                       period_key: str) -> list[Violation]:
    """The 辖区 part's court and team rows (db/snapshot/region.py) against `compute`."""
    rows = (((body.get("region") or {}).get("views") or {}).get(period_key)) or {}
    period, compare = _period(body, period_key)
    found = []
    for scope, shown in (("court", rows.get("courts") or []), ("team", rows.get("teams") or [])):
        if not shown:
            continue
        fresh = {r["id"]: r for r in compute(session, scope, ids=[r["id"] for r in shown],
                                             period=period, compare=compare, settings=settings)}
        for entity in shown:
            other = fresh.get(entity["id"], {"indicators": {}})
            for key, entry in _indicators(entity).items():
                where = (f"{PERIOD_NAMES[period_key]} · 辖区 · {entity.get('name')} · "
                         f"{entry.get('name')}")
                found += _same_entry(where, entry, other["indicators"].get(key, {}), "命令行")
    return found


def _row_total(rows: Sequence[Mapping[str, Any]], measure: str) -> Decimal:
    if split_measure(measure)[1] is None:
        return Decimal(len(rows))
    return sum((Decimal(str(r.get("value") or 0)) for r in rows), Decimal(0))


def _explain_violations(session: Session, body: Mapping[str, Any],
                        settings: IndicatorSettings, period_key: str) -> list[Violation]:
    period, _ = _period(body, period_key)
    view = body["views"][period_key]
    found = []
    entities = [("court", view["court"])] if view.get("court") else []
    entities += [("team", t) for t in view.get("teams") or []]
    for scope, entity in entities:
        for key, entry in _indicators(entity).items():
            ind = settings.indicators[key]
            rows = explain(session, key, scope, entity["id"], period, settings)
            for side, measure in (("numerator", ind.numerator), ("denominator", ind.denominator)):
                if measure is None or entry.get(side) is None:
                    continue
                total = _row_total(rows[side], measure)
                if total != _number(entry[side]):
                    unit = "元" if is_money(measure) else ("行" if "." not in measure else "")
                    found.append(Violation(
                        "明细", f"{PERIOD_NAMES[period_key]} · {entity.get('name')} · "
                                f"{entry.get('name')} · {'分子' if side == 'numerator' else '分母'}",
                        f"数字 {entry[side]} ≠ 明细合计 {total}{unit}"))
    return found


def _export_violations(body: Mapping[str, Any], period_key: str) -> list[Violation]:
    """Write the court's figures through the export code, read the .xlsx back, compare."""
    from openpyxl import load_workbook

    court = (body["views"][period_key] or {}).get("court")
    if not court:
        return []
    entries = list(_indicators(court).items())
    columns = [Column("指标", "name"), *(Column(e["name"], key, EXPORT_KINDS[e["unit"]])
                                          for key, e in entries)]
    row = {"name": court.get("name"), **{key: e.get("value") for key, e in entries}}
    data = workbook_bytes([Sheet("核对", "核对", columns, [row])])
    sheet = load_workbook(io.BytesIO(data)).active
    header_row = next(r for r in range(1, sheet.max_row + 1)
                      if sheet.cell(row=r, column=1).value == "指标")
    found = []
    for col, (_key, entry) in enumerate(entries, start=2):
        cell = sheet.cell(row=header_row + 1, column=col)
        stored = None if cell.value is None else Decimal(str(cell.value))
        if stored is not None and entry["unit"] == "%":
            stored *= 100
            if "%" not in cell.number_format:
                found.append(Violation("导出", f"{PERIOD_NAMES[period_key]} · {entry['name']}",
                                       f"比率单元格格式 {cell.number_format} 不是百分比格式"))
        if stored != _number(entry.get("value")):
            found.append(Violation("导出", f"{PERIOD_NAMES[period_key]} · {entry['name']}",
                                   f"大屏 {entry.get('value')} ≠ 导出单元格 {cell.value}"))
    return found


def live_violations(session: Session, body: Mapping[str, Any], settings: IndicatorSettings,
                    periods: Iterable[str] = ("ytd", "mtd")) -> list[Violation]:
    """The snapshot against the CLI/desk figures, the drill-down lists and the export.

    `session` must read the data the snapshot was built from (the same consistent-read
    transaction, or unchanged data)."""
    found = []
    for key in periods:
        if key not in (body.get("views") or {}):
            continue
        found += _cli_violations(session, body, settings, key)
        found += _region_violations(session, body, settings, key)
        found += _explain_violations(session, body, settings, key)
        found += _export_violations(body, key)
    return found


def incremental_violations(session: Session, body: Mapping[str, Any], port: Any,
                           today: dt.date) -> list[Violation]:
    """The incremental refresh's path against the snapshot (db/snapshot/incremental.py):
    a full build from kept groups and an incremental merge must give its views and trend, and
    (with node rules) a full and an incremental node count its 节点管控 section."""
    from db.snapshot.builder import (
        CUMULATIVE_KEY,
        TREND_KEYS,
        load_org,
        pick_court,
        trend_months,
    )
    from db.snapshot.incremental import IndicatorCore, incremental_differences

    court = pick_court(session, (body.get("court") or {}).get("code", ""))
    if court is None:
        return []
    core = IndicatorCore(port.settings, port.keys, TREND_KEYS, CUMULATIVE_KEY[1])
    org = load_org(session, court)
    found = incremental_differences(session, core, org, body["periods"],
                                    today, trend_months(today), body.get("views") or {},
                                    body.get("trend") or {}, region=body.get("region"))
    if getattr(port, "node_rules", None) is not None and body.get("nodes") is not None:
        # the 节点管控 section (db/snapshot/nodes.py): the court's first teams and no team
        from db.snapshot.builder import node_courts
        from db.snapshot.nodes import node_differences

        found += node_differences(session, port.node_rules, node_courts(session, org), today,
                                  body["nodes"], {*org.team_ids[:5], None})
    return [Violation("增量刷新", "增量/全量", text) for text in found]
