"""Reporting periods: [start, end], both inclusive, in the court's calendar."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


def shift_months(day: dt.date, months: int) -> dt.date:
    """Return the same day `months` later (or earlier), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"统计期间起始日 {self.start} 晚于截止日 {self.end}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse "YYYY-MM-DD:YYYY-MM-DD" (Chinese message on bad input)."""
        parts = (text or "").strip().split(":")
        try:
            start, end = (dt.date.fromisoformat(p.strip()) for p in parts)
        except ValueError:
            raise ValueError(
                f"统计期间“{text}”格式不正确，应为“起始日:截止日”，如 2021-10-01:2022-09-30"
            ) from None
        return cls(start, end)

    def previous_year(self) -> Period:
        """Return the same period one year earlier (the default comparison)."""
        return Period(shift_months(self.start, -12), shift_months(self.end, -12))

    def __str__(self) -> str:
        return f"{self.start.isoformat()}:{self.end.isoformat()}"


def month_periods(first: dt.date, count: int) -> list[Period]:
    """Return `count` calendar months starting with the month that holds `first`."""
    start = first.replace(day=1)
    months = []
    for i in range(count):
        begin = shift_months(start, i)
        months.append(Period(begin, shift_months(begin, 1) - dt.timedelta(days=1)))
    return months
