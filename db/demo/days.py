"""Calendar helpers for the demo: court working days and local-to-UTC timestamps."""
from __future__ import annotations

import datetime as dt
import random
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Asia/Shanghai"
START = dt.date(2020, 1, 1)  # first filing date of the demo court
REFORM = dt.date(2021, 10, 1)  # 执行指挥中心实体化运行; new teams founded
ONE = dt.timedelta(days=1)

# 春节 (first day); the holiday week starts the day before.
_SPRING_FESTIVAL = {
    2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10),
    2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3),
}


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    days = {dt.date(year, 1, 1)}
    days |= {dt.date(year, 5, d) for d in range(1, 4)}
    days |= {dt.date(year, 10, d) for d in range(1, 8)}
    if year in _SPRING_FESTIVAL:
        first = dt.date(year, *_SPRING_FESTIVAL[year]) - ONE
        days |= {first + dt.timedelta(days=i) for i in range(7)}
    return frozenset(days)


def is_workday(day: dt.date) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


@lru_cache(maxsize=256)
def workdays(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    """Working days in [start, end]."""
    out = []
    day = start
    while day <= end:
        if is_workday(day):
            out.append(day)
        day += ONE
    return tuple(out)


def next_workday(day: dt.date, limit: dt.date | None = None) -> dt.date:
    """The first working day on or after `day` (not beyond `limit`, if given)."""
    probe = day
    while not is_workday(probe) and (limit is None or probe < limit):
        probe += ONE
    return probe


def random_day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A random working day in [start, end], or any day there when none is a working day."""
    days = workdays(start, end)
    if days:
        return rng.choice(days)
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def utc_offset(tz: str = DEFAULT_TZ) -> dt.timedelta:
    """The zone's UTC offset (the court zones used here have no DST)."""
    return ZoneInfo(tz).utcoffset(dt.datetime(2022, 1, 1)) or dt.timedelta(0)


def local_to_utc(day: dt.date, minutes: int, offset: dt.timedelta) -> dt.datetime:
    """Naive UTC datetime of `minutes` after local midnight on `day`."""
    return dt.datetime(day.year, day.month, day.day) + dt.timedelta(minutes=minutes) - offset


def court_today(tz: str = DEFAULT_TZ) -> dt.date:
    """Today's date in the court's time zone."""
    return dt.datetime.now(ZoneInfo(tz)).date()
