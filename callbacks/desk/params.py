"""URL query parameters of the desk pages → typed values, with Chinese messages for bad input.

The URL is the single source of a view: preset/start/end pick the period, cmp/cstart/cend the
comparison period, team/officer the drill level. Bad input raises ParamError naming the field.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from db.indicators.period import Period, shift_months


class ParamError(ValueError):
    """A URL parameter is malformed or names something that does not exist."""


DB_DOWN = "数据库暂时无法访问，页面将在数据库恢复后重新显示（请稍后刷新）"


def problem(exc: Exception) -> str:
    """The Chinese message a page shows for a bad parameter or an unreachable database."""
    return str(exc) if isinstance(exc, ParamError) else DB_DOWN


def _quarter_start(today: dt.date) -> dt.date:
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    period: Callable[[dt.date], Period] | None  # None: dates come from start/end


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset("month", "本月", lambda t: Period(t.replace(day=1), t)),
        Preset("quarter", "本季度", lambda t: Period(_quarter_start(t), t)),
        Preset("ytd", "本年至今", lambda t: Period(dt.date(t.year, 1, 1), t)),
        Preset("last_year", "上年同期",
               lambda t: Period(dt.date(t.year - 1, 1, 1), shift_months(t, -12))),
        Preset("custom", "自定义", None),
    )
}
COMPARES: dict[str, str] = {"yoy": "上年同期", "custom": "自定义", "none": "不对比"}
DEFAULT_PRESET = "ytd"
PARTS: dict[str, str] = {"numerator": "分子", "denominator": "分母"}


@dataclass(frozen=True)
class PeriodChoice:
    preset: str
    period: Period
    compare_mode: str
    compare: Period | None

    def query(self) -> dict[str, str]:
        """Canonical URL parameters for this choice (explicit dates only for 自定义)."""
        q = {"preset": self.preset}
        if self.preset == "custom":
            q |= {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()}
        if self.compare_mode != "yoy":
            q["cmp"] = self.compare_mode
        if self.compare_mode == "custom" and self.compare:
            q |= {"cstart": self.compare.start.isoformat(), "cend": self.compare.end.isoformat()}
        return q

    @property
    def label(self) -> str:
        return f"{self.period.start.isoformat()} 至 {self.period.end.isoformat()}"

    @property
    def compare_label(self) -> str:
        if self.compare is None:
            return "不对比"
        return f"{self.compare.start.isoformat()} 至 {self.compare.end.isoformat()}"


# Dates a court's figures can be about: year 1 or 9999 would overflow the date arithmetic of the
# comparison periods and the SQL date functions, so they are refused with a message, not a 500.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def parse_date(raw: Any, label: str) -> dt.date:
    """Parse YYYY-MM-DD (1900–2199) or raise a ParamError naming the field."""
    text = str(raw or "").strip()[:40]
    if not text:
        raise ParamError(f"缺少{label}（应为 YYYY-MM-DD）")
    try:
        found = dt.date.fromisoformat(text)
    except ValueError:
        raise ParamError(f"{label}“{text}”格式不正确，应为 YYYY-MM-DD，如 2022-09-30") from None
    if not EARLIEST <= found <= LATEST:
        raise ParamError(f"{label}“{text}”超出范围，应在 {EARLIEST} 至 {LATEST} 之间")
    return found


def parse_range(query: Mapping[str, Any], start_key: str, end_key: str, what: str) -> Period:
    start = parse_date(query.get(start_key), f"{what}开始日期（{start_key}）")
    end = parse_date(query.get(end_key), f"{what}结束日期（{end_key}）")
    if start > end:
        raise ParamError(f"{what}开始日期 {start} 晚于结束日期 {end}，请调换或重新选择")
    return Period(start, end)


def _main_period(query: Mapping[str, Any], today: dt.date) -> tuple[str, Period]:
    preset = str(query.get("preset") or "")
    if not preset:
        preset = "custom" if query.get("start") or query.get("end") else DEFAULT_PRESET
    if preset not in PRESETS:
        raise ParamError(f"未知的期间预设“{preset}”（可选：{'、'.join(PRESETS)}）")
    maker = PRESETS[preset].period
    return preset, (maker(today) if maker else parse_range(query, "start", "end", "统计期间"))


def parse_period(query: Mapping[str, Any], today: dt.date) -> PeriodChoice:
    """Read the period and comparison period from URL parameters."""
    preset, period = _main_period(query, today)
    mode = str(query.get("cmp") or "yoy")
    if mode not in COMPARES:
        raise ParamError(f"未知的对比方式“{mode}”（可选：{'、'.join(COMPARES)}）")
    compare = {
        "yoy": lambda: period.previous_year(),
        "none": lambda: None,
        "custom": lambda: parse_range(query, "cstart", "cend", "对比期间"),
    }[mode]()
    return PeriodChoice(preset, period, mode, compare)


def parse_id(query: Mapping[str, Any], key: str, label: str, required: bool = False) -> int | None:
    """Read a positive integer id, or None when absent and not required."""
    raw = str(query.get(key) or "").strip()
    if not raw:
        if required:
            raise ParamError(f"缺少{label}（{key}）")
        return None
    if not raw.isdigit() or int(raw) <= 0:
        raise ParamError(f"{label}“{raw}”不是有效的编号")
    return int(raw)


def search(query: Mapping[str, Any]) -> str:
    """Return "?a=1&b=2" for the non-empty parameters (stable order)."""
    clean = {k: v for k, v in query.items() if v not in (None, "")}
    return "?" + urlencode(clean) if clean else ""
