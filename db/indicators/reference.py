"""The indicator reference (docs/indicators.md), rendered from the registry and the court settings.

`render_reference(settings)` returns Markdown; nothing here reads the database. The chapter is
generated so it cannot drift from `REGISTRY`: `python -m dashboard indicators-reference --write`
rewrites it and tests/test_docs.py fails when the committed file differs.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from db.cases.vocab import CATEGORIES, TEAM_KINDS
from db.indicators.registry import (
    CASE_ROWS,
    CASE_VALUES,
    CAVEAT_RULE,
    CENTER_ROW_VALUES,
    CENTER_ROWS,
    CENTER_VALUES,
    CLOSED_ROWS,
    OFFICER_ROWS,
    PACE_TARGETS,
    PAYMENT_ROWS,
    PAYMENT_VALUES,
    REGISTRY,
    TRIAGE_ROWS,
    TRIAGE_VALUE_ROWS,
    TRIAGE_VALUES,
    Indicator,
    Thresholds,
    is_money,
    split_measure,
)
from db.indicators.settings import DEFAULT_PATH, SCOPES, IndicatorSettings

REFERENCE_PATH = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
COMMAND = "python -m dashboard indicators-reference --write"

DIRECTION_TEXT = {
    "higher": "↑ 越高越好",
    "lower": "↓ 越低越好",
    "range": "区间 合理区间",
    "none": "— 不评价",
}
ROUNDING_TEXT = {"ROUND_DOWN": "截断 (ROUND_DOWN)", "ROUND_HALF_UP": "四舍五入 (ROUND_HALF_UP)"}
SCOPE_TEXT = {"court": "全院", "team": "团队", "officer": "承办人"}
FIELD_TEXT = {
    "name": "名称", "unit": "单位", "numerator": "分子", "denominator": "分母",
    "categories": "案件范围", "direction": "方向", "rounding": "取舍", "digits": "小数位数",
    "thresholds": "阈值", "description": "说明",
}


def _cats(categories: tuple[str, ...]) -> str:
    return "、".join(f"{CATEGORIES[c].label} `{c}`" for c in categories)


def _measure_label(name: str) -> str:
    rows, value = split_measure(name)
    label = (CASE_ROWS.get(rows) or PAYMENT_ROWS.get(rows) or OFFICER_ROWS.get(rows)
             or CENTER_ROWS.get(rows) or TRIAGE_ROWS.get(rows) or rows)
    if value is None:
        return label
    values = (PAYMENT_VALUES if rows in PAYMENT_ROWS
              else CENTER_VALUES if rows in CENTER_ROWS
              else TRIAGE_VALUES if rows in TRIAGE_ROWS else CASE_VALUES)
    return f"{label}的{values.get(value, value)}之和"


def _number(value: Decimal | None) -> str:
    return "—" if value is None else format(value.normalize(), "f")


def _thresholds(ind: Indicator) -> str:
    t = ind.thresholds
    if t is None:
        return "—"
    if ind.direction == "range":
        return f"[{_number(t.low)}, {_number(t.high)}] ± {_number(t.margin)}"
    parts = []
    if t.good is not None:
        parts.append(f"good {_number(t.good)}")
    if t.warn is not None:
        parts.append(f"warn {_number(t.warn)}")
    return " / ".join(parts) or "—"


def _status_rule(ind: Indicator) -> str:
    t = ind.thresholds
    if t is None or ind.direction not in ("higher", "lower", "range"):
        return "无阈值：状态为 `none`（不着色）。"
    if ind.direction == "range":
        return (f"`good` 当 {_number(t.low)} ≤ 值 ≤ {_number(t.high)}；`warn` 当在区间外 "
                f"{_number(t.margin)} 以内；否则 `bad`。" + _caveat_rule(ind))
    sign = "≥" if ind.direction == "higher" else "≤"
    rule = f"`good` 当 值 {sign} {_number(t.good)}"
    if t.warn is not None:
        rule += f"；`warn` 当 值 {sign} {_number(t.warn)}"
    rule += "；否则 `bad`。"
    if ind.key in PACE_TARGETS:
        rule += (f"统计期间自 1 月 1 日起时，改为对照 `monthly_targets.{PACE_TARGETS[ind.key]}` "
                 "的当月目标（即大屏趋势图的目标线）：≥ 目标为 `good`，低于目标不超过 good−warn "
                 "之差为 `warn`，否则 `bad`。")
    return rule + _caveat_rule(ind)


def _caveat_rule(ind: Indicator) -> str:
    if ind.denominator is None:
        return ""
    thin = "" if is_money(ind.denominator) else f"或分母小于 {CAVEAT_RULE.min_denominator} "
    return (f"统计期间不足 {CAVEAT_RULE.min_days} 天{thin}时状态为 `caveat`"
            "（显示“月初”“样本少”等，不着色）。")


def _formula(ind: Indicator) -> str:
    num = f"`{ind.numerator}`（{_measure_label(ind.numerator)}）"
    if ind.denominator is None:
        return num
    times = " × 100" if ind.unit == "%" else ""
    return f"{num} ÷ `{ind.denominator}`（{_measure_label(ind.denominator)}）{times}"


def _show(field: str, value: object) -> str:
    if value is None:
        return "无"
    if field == "categories":
        assert isinstance(value, tuple)
        return _cats(value)
    if field == "thresholds":
        assert isinstance(value, Thresholds)
        parts = [f"{f.name}={_number(getattr(value, f.name))}"
                 for f in dataclasses.fields(value) if getattr(value, f.name) is not None]
        return "{" + ", ".join(parts) + "}"
    return f"`{value}`" if field not in ("name", "description") else str(value)


def _changes(ind: Indicator) -> list[str]:
    base = REGISTRY[ind.key]
    out = []
    for f in dataclasses.fields(Indicator):
        before, after = getattr(base, f.name), getattr(ind, f.name)
        if before != after:
            label = FIELD_TEXT.get(f.name, f.name)
            if f.name == "categories" and before is None:
                shown_before = "各层级默认"
            else:
                shown_before = _show(f.name, before)
            out.append(f"{label}：注册表 {shown_before} → 本院 {_show(f.name, after)}")
    return out


def _scope_cell(ind: Indicator) -> str:
    if ind.categories is not None:
        return _cats(ind.categories) + "（各层级）"
    return "层级默认"


def _measures() -> list[str]:
    lines = [
        "## 计量 (measures)",
        "",
        "分子、分母写的是**计量**名：`rows` 数行，`rows.value` 对这些行求一个值的和。"
        "案件行的筛选在 `db/indicators/sql.py`，案款行在 `db/indicators/payments.py`，"
        "繁简分流行在 `db/indicators/triage.py`，"
        "规则的文字见 [数据模型与统计口径](data-model.md)。",
        "",
        "| 计量 | 来源 | 含义 | 可求和的值 |",
        "|---|---|---|---|",
    ]
    closed_values = ", ".join(f"`.{k}` {v}" for k, v in CASE_VALUES.items())
    open_values = ", ".join(f"`.{k}` {v}" for k, v in CASE_VALUES.items()
                            if k not in ("days", "days_net"))
    for key, label in CASE_ROWS.items():
        values = closed_values if key in CLOSED_ROWS else open_values
        lines.append(f"| `{key}` | cases | {label} | {values} |")
    payment_values = ", ".join(f"`.{k}` {v}" for k, v in PAYMENT_VALUES.items())
    for key, label in PAYMENT_ROWS.items():
        lines.append(f"| `{key}` | payments | {label} | {payment_values} |")
    for key, label in OFFICER_ROWS.items():
        lines.append(f"| `{key}` | officers | {label} | — |")
    for key, label in CENTER_ROWS.items():
        values = ", ".join(f"`.{v}` {CENTER_VALUES[v]}" for v in sorted(CENTER_ROW_VALUES[key]))
        lines.append(f"| `{key}` | center（事件、案款专管员） | {label} | {values or '—'} |")
    for key, label in TRIAGE_ROWS.items():
        values = ", ".join(f"`.{k}` {v}" for k, v in TRIAGE_VALUES.items()
                           if key in TRIAGE_VALUE_ROWS[k])
        lines.append(f"| `{key}` | triage | {label} | {values} |")
    lines.append("")
    return lines


def _summary(settings: IndicatorSettings) -> list[str]:
    lines = [
        "## 一览 (summary)",
        "",
        "本院生效的定义（注册表默认值叠加 `config/indicators.toml`）。案件范围“层级默认”见下文"
        "“各层级默认案件范围”。",
        "",
        "| key | 名称 | 单位 | 分子 | 分母 | 案件范围 | 方向 | 取舍 | 位数 | 阈值 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for ind in settings.indicators.values():
        denominator = f"`{ind.denominator}`" if ind.denominator else "—"
        lines.append(
            f"| [`{ind.key}`](#{ind.key}) | {ind.name} | {ind.unit} | `{ind.numerator}` | "
            f"{denominator} | {_scope_cell(ind)} | {DIRECTION_TEXT[ind.direction]} | "
            f"{ROUNDING_TEXT[ind.rounding]} | {ind.digits} | {_thresholds(ind)} |"
        )
    lines.append("")
    return lines


def _detail(ind: Indicator, settings: IndicatorSettings) -> list[str]:
    lines = [f'<a id="{ind.key}"></a>', f"### `{ind.key}` {ind.name}", ""]
    if ind.description:
        lines += [ind.description, ""]
    lines.append(f"- 公式：{_formula(ind)}" + ("" if ind.denominator else "（无分母，取分子本身）"))
    lines.append(f"- 单位：{ind.unit}；{ROUNDING_TEXT[ind.rounding]}，保留 {ind.digits} 位小数")
    scopes = "；".join(f"{SCOPE_TEXT[s]} {_cats(settings.categories(ind, s))}" for s in SCOPES)
    lines.append(f"- 案件范围：{scopes}")
    lines.append(f"- 方向：{DIRECTION_TEXT[ind.direction]}；阈值：{_thresholds(ind)}")
    lines.append(f"- 状态：{_status_rule(ind)}")
    changes = _changes(ind)
    if changes:
        lines.append("- 本院配置改动（`config/indicators.toml`）：" + "；".join(changes))
    lines.append("")
    return lines


def _court_settings(settings: IndicatorSettings) -> list[str]:
    lines = [
        "## 改变指标的本院配置 (court settings)",
        "",
        "除逐项覆盖（`indicators.<key>.<field>`，字段：" + "、".join(
            f"`{f}`" for f in FIELD_TEXT) + "）外，下列配置也改变指标的计算或显示。",
        "",
        "| TOML 键 | 本院值 | 作用 |",
        "|---|---|---|",
        f"| `rules.legal_limit_months` | {settings.legal_limit_months} | 法定执行期限（月），"
        "`within_limit` 与 `legal_limit_rate` |",
        f"| `rules.non_litigation_limit_months` | {settings.non_litigation_limit_months} | "
        "非诉执行案件的执行期限（月） |",
        f"| `rules.long_pending_months` | {settings.long_pending_months} | "
        "“超N个月未结”的月数，`long_pending` |",
        f"| `rules.payment_limit_days` | {settings.payment_limit_days} | 案款发放期限（天），"
        "`payments_timely`、`payments_due`、`payouts_timely` |",
        f"| `center.query_limit_days` | {settings.query_limit_days} | 立案后几日内发起网络查控算及时，"
        "`query_timely`（地方实践） |",
        f"| `center.service_limit_days` | {settings.service_limit_days} | 立案后几日内完成首次送达算及时，"
        "`served_timely` |",
        f"| `center.renewal_window_days` | {settings.renewal_window_days} | 届满前多少日内的续封续冻算作"
        "为该措施续行，`renewed_in_time` |",
        f"| `center.utc_offset_minutes` | {settings.utc_offset_minutes} | 法院时区（分钟），"
        "中心事件按法院当地日期计入期间 |",
    ]
    for scope in SCOPES:
        lines.append(f"| `scope_categories.{scope}` | {_cats(settings.scope_categories[scope])} | "
                     f"{SCOPE_TEXT[scope]}层级的默认案件范围（指标未指定 `categories` 时） |")
    for kind, per_unit in settings.team_kind_digits.items():
        for unit, digits in per_unit.items():
            lines.append(f'| `team_kind_digits.{kind}."{unit}"` | {digits} | '
                         f"{TEAM_KINDS[kind]}的“{unit}”指标显示 {digits} 位小数 |")
    for series, months in settings.monthly_targets.items():
        shown = "，".join(f"{m}月 {_number(v)}" for m, v in sorted(months.items()))
        lines.append(f"| `monthly_targets.{series}` | {shown} | 大屏趋势图的月度目标线 |")
    lines += [
        "",
        "各层级默认案件范围：" + "；".join(
            f"{SCOPE_TEXT[s]} {_cats(settings.scope_categories[s])}" for s in SCOPES) + "。",
        "",
    ]
    return lines


def render_reference(settings: IndicatorSettings, settings_path: Path = DEFAULT_PATH) -> str:
    """Return the Markdown of docs/indicators.md for these settings."""
    try:
        shown_path = settings_path.resolve().relative_to(DEFAULT_PATH.parents[1])
    except ValueError:
        shown_path = settings_path
    lines = [
        "# 质效指标参考 (indicator reference)",
        "",
        f"<!-- 由 `{COMMAND}` 从 db/indicators/registry.py 与 {shown_path} 生成，"
        "请勿手改；tests/test_docs.py 比对。 -->",
        "",
        "This chapter lists every indicator the dashboard computes, exactly as the code defines it: "
        "the registry (`db/indicators/registry.py`) with the court's settings "
        f"(`{shown_path}`) on top. It is generated — change the registry or the settings, then run "
        f"`{COMMAND}`. How the rules count cases is in [数据模型与统计口径](data-model.md); "
        "how a court changes a definition is in the last section.",
        "",
        "A value is numerator ÷ denominator (× 100 for %), or the numerator itself when there is "
        "no denominator; a zero denominator gives no value (`—`). Values are rounded with "
        "`Decimal`; a change between two rates is the difference of the displayed values, in "
        "个百分点. Status `none` means no value, no direction or no thresholds. The thresholds are "
        "placeholders ([INF] in `domain.md`), except 法定期限内结案率 ≥ 90% (the 2018 target); "
        "courts set their own.",
        "",
    ]
    lines += _summary(settings)
    lines += ["## 逐项 (each indicator)", ""]
    for ind in settings.indicators.values():
        lines += _detail(ind, settings)
    lines += _measures()
    lines += _court_settings(settings)
    return "\n".join(lines).rstrip("\n") + "\n"
