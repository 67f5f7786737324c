"""Working days: weekends, public holidays and 调休 working weekends, loaded from data."""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.errors import ValidationError

DEFAULT_HOLIDAYS = Path(__file__).resolve().parents[2] / "config" / "holidays.toml"
_SATURDAY = 5


@dataclass(frozen=True)
class WorkCalendar:
    """Public holidays and 调休 working weekends; everything else follows Mon–Fri."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    complete_years: frozenset[int] = frozenset()
    incomplete_years: frozenset[int] = frozenset()
    sources: dict[int, str] = field(default_factory=dict, compare=False, hash=False)

    def is_workday(self, day: dt.date) -> bool:
        """True when courts work on `day`."""
        if day in self.workdays:
            return True
        return day.weekday() < _SATURDAY and day not in self.holidays

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (the start day itself is not counted)."""
        day, left = start, n
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def deadline_map(self, first: dt.date, last: dt.date, n: int) -> list[tuple[dt.date, dt.date]]:
        """(start, deadline) for every start day in [first, last], in one forward pass."""
        days = (last - first).days + 1
        span = days + n * 3 + 40  # enough room for n working days after the last start
        flags = [self.is_workday(first + dt.timedelta(days=i)) for i in range(span)]
        work_after: list[int] = [i for i, ok in enumerate(flags) if ok]
        pairs: list[tuple[dt.date, dt.date]] = []
        pointer = 0
        for i in range(days):
            while pointer < len(work_after) and work_after[pointer] <= i:
                pointer += 1
            target = work_after[pointer + n - 1] if n > 0 else i
            pairs.append((first + dt.timedelta(days=i), first + dt.timedelta(days=target)))
        return pairs

    def coverage_warnings(self, today: dt.date) -> list[str]:
        """Chinese warnings when this year or next year has no complete holiday schedule."""
        out = []
        for year in (today.year, today.year + 1):
            if year in self.complete_years:
                continue
            what = ("只有固定日期的节日，春节、清明、端午、中秋与调休上班日尚未录入" if year in self.incomplete_years
                    else "完全没有录入")
            out.append(f"节假日日历 {year} 年{what}：按工作日计算的节点期限在 {year} 年可能不准。"
                       f"请在国务院办公厅公布 {year} 年部分节假日安排后，把放假日（holidays）和调休上班日"
                       f"（workdays）补入 config/holidays.toml 的 {year} 年条目，并设 complete = true。")
        return out

    def coverage(self) -> dict[str, list[int]]:
        """Years with a complete or an incomplete holiday schedule."""
        return {
            "complete": sorted(self.complete_years),
            "incomplete": sorted(self.incomplete_years),
        }


def _parse_day(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError(f"{where}：日期“{raw}”格式应为 YYYY-MM-DD", field=where) from None


def _expand(raw: Any, where: str) -> list[dt.date]:
    """A single day or an inclusive range "a..b"."""
    text = str(raw)
    if ".." not in text:
        return [_parse_day(text, where)]
    lo, hi = (_parse_day(part, where) for part in text.split("..", 1))
    if hi < lo:
        raise ValidationError(f"{where}：区间“{text}”的结束日早于开始日", field=where)
    return [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]


def _year_days(entry: dict[str, Any], key: str, year: int) -> set[dt.date]:
    where = f"{year} 年的 {key}"
    values = entry.get(key, [])
    if not isinstance(values, list):
        raise ValidationError(f"{where}：应为日期列表", field=key)
    days = {d for raw in values for d in _expand(raw, where)}
    stray = sorted(d for d in days if d.year != year)
    if stray:
        raise ValidationError(f"{where}：日期 {stray[0]} 不属于 {year} 年", field=key)
    return days


def _check_year(entry: dict[str, Any], holidays: set[dt.date], workdays: set[dt.date]) -> None:
    year = entry["year"]
    weekdays = sorted(d for d in workdays if d.weekday() < _SATURDAY)
    if weekdays:
        raise ValidationError(
            f"{year} 年的 workdays：{weekdays[0]} 是工作日，调休上班日应为周六或周日",
            field="workdays",
        )
    both = sorted(holidays & workdays)
    if both:
        raise ValidationError(f"{year} 年：{both[0]} 不能既放假又上班", field="holidays")


def parse_calendar(data: dict[str, Any]) -> WorkCalendar:
    """Build a calendar from the parsed TOML document, validating every year."""
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    complete: set[int] = set()
    incomplete: set[int] = set()
    sources: dict[int, str] = {}
    for index, entry in enumerate(data.get("years", []), start=1):
        year = entry.get("year")
        if not isinstance(year, int):
            raise ValidationError(f"第 {index} 个 [[years]]：缺少整数字段 year", field="year")
        year_holidays = _year_days(entry, "holidays", year)
        year_workdays = _year_days(entry, "workdays", year)
        _check_year(entry, year_holidays, year_workdays)
        holidays |= year_holidays
        workdays |= year_workdays
        (complete if entry.get("complete", False) else incomplete).add(year)
        sources[year] = str(entry.get("source", ""))
    return WorkCalendar(
        frozenset(holidays), frozenset(workdays), frozenset(complete), frozenset(incomplete), sources
    )


def load_calendar(path: str | Path | None = None) -> WorkCalendar:
    """Read and validate the holiday file (default config/holidays.toml)."""
    file = Path(path) if path else DEFAULT_HOLIDAYS
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(f"节假日文件不存在：{file}", field="holidays") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"节假日文件 {file.name} 不是合法的 TOML：{exc}") from None
    return parse_calendar(data)
