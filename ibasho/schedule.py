"""Dates: the days a repeating series falls on, Japanese public holidays, and calendar grids.

Holidays come from the `holidays` package (its Japan calendar, names in Japanese), kept up to
date with each year's cabinet announcements, so nobody maintains a list here.
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import holidays

from ibasho.models import Frequency

# Japanese calendars begin on Sunday: 日 月 火 水 木 金 土.
WEEKDAYS_FROM_SUNDAY = ["日", "月", "火", "水", "木", "金", "土"]
WEEKDAY_NAMES = ["月", "火", "水", "木", "金", "土", "日"]  # by date.weekday()
_SUNDAY_FIRST = calendar.Calendar(firstweekday=calendar.SUNDAY)


@lru_cache(maxsize=32)
def _holidays_of(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("JP", years=year, language="ja").items())


def holiday_name(day: dt.date) -> str | None:
    """元日, 振替休日, 国民の休日…, or None on an ordinary day."""
    return _holidays_of(day.year).get(day)


def weekday_name(day: dt.date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


def series_dates(
    *,
    frequency: str,
    weekday: int,
    nth: int | None,
    starts_on: dt.date,
    ends_on: dt.date,
    skip_holidays: bool,
) -> list[dt.date]:
    """The days of a series from `starts_on` to `ends_on`, both included.

    Weekly and fortnightly series count from the first matching weekday on or after the start;
    a monthly one takes the nth such weekday of each month (第2火曜日), skipping a month that has
    no fifth one. Public holidays are left out when `skip_holidays`.
    """
    days: list[dt.date] = []
    if frequency == Frequency.MONTHLY:
        if nth is None:
            raise ValueError("a monthly series needs the week of the month")
        year, month = starts_on.year, starts_on.month
        while (year, month) <= (ends_on.year, ends_on.month):
            day = nth_weekday(year, month, weekday, nth)
            if day is not None and starts_on <= day <= ends_on:
                days.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    else:
        step = dt.timedelta(weeks=2 if frequency == Frequency.FORTNIGHTLY else 1)
        day = starts_on + dt.timedelta(days=(weekday - starts_on.weekday()) % 7)
        while day <= ends_on:
            days.append(day)
            day += step
    if skip_holidays:
        days = [day for day in days if holiday_name(day) is None]
    return days


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date | None:
    """The nth `weekday` (Monday 0) of a month, or None when the month has no such day."""
    first = dt.date(year, month, 1)
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else None


def describe(frequency: str, weekday: int, nth: int | None) -> str:
    """毎週火曜日, 隔週火曜日, 毎月第2火曜日."""
    name = f"{WEEKDAY_NAMES[weekday]}曜日"
    if frequency == Frequency.MONTHLY:
        return f"毎月第{nth}{name}"
    if frequency == Frequency.FORTNIGHTLY:
        return f"隔週{name}"
    return f"毎週{name}"


@dataclass
class Day:
    """One day of a calendar grid, with its sessions."""

    date: dt.date
    in_month: bool = True
    is_today: bool = False
    sessions: list[Any] = field(default_factory=list)

    @property
    def holiday(self) -> str | None:
        return holiday_name(self.date)

    @property
    def weekday(self) -> str:
        return weekday_name(self.date)

    @property
    def css(self) -> str:
        """Sunday and holidays in red, Saturday in blue, as Japanese calendars print them."""
        if self.holiday or self.date.weekday() == 6:
            return "sun"
        return "sat" if self.date.weekday() == 5 else ""


def month_weeks(year: int, month: int) -> list[list[dt.date]]:
    """The weeks of a month's grid, Sunday first, with the days of the months around it."""
    return _SUNDAY_FIRST.monthdatescalendar(year, month)


def week_of(day: dt.date) -> list[dt.date]:
    """The seven days, Sunday to Saturday, of the week holding `day`."""
    sunday = day - dt.timedelta(days=(day.weekday() + 1) % 7)
    return [sunday + dt.timedelta(days=n) for n in range(7)]
