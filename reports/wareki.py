"""Dates as the city's documents write them: 令和3年4月5日."""

import datetime as dt

REIWA_BEGAN = dt.date(2019, 5, 1)


def wareki_date(day: dt.date) -> str:
    if day < REIWA_BEGAN:
        return f"{day.year}年{day.month}月{day.day}日"
    number = day.year - 2018
    return f"令和{'元' if number == 1 else number}年{day.month}月{day.day}日"
