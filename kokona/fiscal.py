"""Fiscal years (年度, 1 April to 31 March in Japan time) and their 和暦 labels.

Every count by year goes through these helpers, so that 2022-03-31 23:30 JST belongs to FY2021
and 2022-04-01 00:10 JST to FY2022 whatever the server's clock zone.
"""

import datetime as dt
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")

# (first fiscal year named after the era, era name). Reiwa began on 1 May 2019, yet the government
# renamed the whole of FY2019 令和元年度; FY2018 stays 平成30年度.
_ERAS = [(2019, "令和"), (1989, "平成"), (1926, "昭和")]


def fiscal_year(moment: dt.datetime | dt.date) -> int:
    """The fiscal year of an aware datetime (read in Japan time) or of a date."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            raise ValueError("fiscal_year needs an aware datetime")
        moment = moment.astimezone(JST).date()
    return moment.year if moment.month >= 4 else moment.year - 1


def fiscal_year_dates(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year, both inclusive."""
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def fiscal_year_span(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The fiscal year as a half-open span [start, end) of aware datetimes in Japan time."""
    return (
        dt.datetime(year, 4, 1, tzinfo=JST),
        dt.datetime(year + 1, 4, 1, tzinfo=JST),
    )


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Japan time: where a day's records begin."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=JST)


def wareki_year(year: int) -> str:
    """令和3年度 for 2021, 令和元年度 for 2019, 平成30年度 for 2018."""
    for first, era in _ERAS:
        if year >= first:
            number = year - first + 1
            return f"{era}{'元' if number == 1 else number}年度"
    raise ValueError(f"no era known for fiscal year {year}")


def fiscal_year_label(year: int) -> str:
    """令和3年度（2021年度）: the era first, as the city writes it, the Western year beside it."""
    return f"{wareki_year(year)}（{year}年度）"


def current_fiscal_year() -> int:
    from django.utils import timezone

    return fiscal_year(timezone.now())
