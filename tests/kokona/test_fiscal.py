"""Fiscal years in Japan time and their 和暦 labels, at the boundaries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kokona.fiscal import (
    JST,
    fiscal_year,
    fiscal_year_dates,
    fiscal_year_label,
    fiscal_year_span,
    wareki_year,
)

UTC = dt.UTC


def test_the_last_half_hour_of_march_belongs_to_the_old_year():
    assert fiscal_year(dt.datetime(2022, 3, 31, 23, 30, tzinfo=JST)) == 2021


def test_ten_past_midnight_on_the_first_of_april_belongs_to_the_new_year():
    assert fiscal_year(dt.datetime(2022, 4, 1, 0, 10, tzinfo=JST)) == 2022


def test_a_utc_time_is_read_in_japan_time():
    # 2022-03-31 15:10 UTC is 2022-04-01 00:10 in Japan.
    assert fiscal_year(dt.datetime(2022, 3, 31, 15, 10, tzinfo=UTC)) == 2022
    assert fiscal_year(dt.datetime(2022, 3, 31, 14, 30, tzinfo=UTC)) == 2021
    new_york = ZoneInfo("America/New_York")
    assert fiscal_year(dt.datetime(2022, 3, 31, 11, 10, tzinfo=new_york)) == 2022


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        fiscal_year(dt.datetime(2022, 4, 1, 0, 10))  # noqa: DTZ001


@pytest.mark.parametrize(
    "day, year",
    [(dt.date(2021, 4, 1), 2021), (dt.date(2022, 3, 31), 2021), (dt.date(2022, 4, 1), 2022)],
)
def test_dates(day, year):
    assert fiscal_year(day) == year


def test_the_span_is_half_open_in_japan_time():
    start, end = fiscal_year_span(2021)

    assert start == dt.datetime(2021, 4, 1, tzinfo=JST)
    assert end == dt.datetime(2022, 4, 1, tzinfo=JST)
    assert start <= dt.datetime(2022, 3, 31, 23, 30, tzinfo=JST) < end
    assert not dt.datetime(2022, 4, 1, 0, 10, tzinfo=JST) < end
    assert fiscal_year_dates(2021) == (dt.date(2021, 4, 1), dt.date(2022, 3, 31))


@pytest.mark.parametrize(
    "year, label",
    [
        (2018, "平成30年度"),
        (2019, "令和元年度"),
        (2020, "令和2年度"),
        (2021, "令和3年度"),
        (2022, "令和4年度"),
        (1989, "平成元年度"),
        (1988, "昭和63年度"),
    ],
)
def test_wareki_labels(year, label):
    assert wareki_year(year) == label


def test_the_full_label_carries_both_calendars():
    assert fiscal_year_label(2021) == "令和3年度（2021年度）"


def test_short_dates_carry_the_year_when_it_is_not_this_one(settings):
    import time_machine

    from kokona.templatetags.kokona import short_date, short_datetime

    with time_machine.travel(dt.datetime(2026, 11, 29, 12, tzinfo=JST)):
        assert short_date(dt.date(2026, 12, 26)) == "12月26日"
        assert short_date(dt.date(2021, 12, 26)) == "2021年12月26日"
        assert short_datetime(dt.datetime(2026, 3, 31, 15, 10, tzinfo=UTC)) == "4月1日 0:10"
