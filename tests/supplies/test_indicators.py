"""distribution_sites exactly as design.md defines it, at the fiscal year's edges in Japan time,
and the two pack counts of the ledger."""

import datetime as dt

import pytest
import time_machine

from kokona import indicators as registry
from kokona.fiscal import JST
from supplies import services
from supplies.indicators import distribution_sites, supplies_delivered, supplies_handed_out
from tests.supplies.factories import deliver, item, make_site, stock_store

FY2021_FIRST, FY2021_LAST = dt.date(2021, 4, 1), dt.date(2022, 3, 31)


@pytest.mark.parametrize(
    "started, ended, counted",
    [
        (dt.date(2020, 4, 1), None, True),  # open since before the year
        (dt.date(2020, 4, 1), dt.date(2021, 3, 31), False),  # ended the day before it began
        (dt.date(2020, 4, 1), FY2021_FIRST, True),  # ended on its first day
        (dt.date(2021, 9, 1), dt.date(2021, 12, 31), True),  # opened and closed within it
        (FY2021_LAST, None, True),  # opened on its last day
        (dt.date(2022, 4, 1), None, False),  # opened the day after it ended
        (dt.date(2020, 4, 1), dt.date(2023, 3, 31), True),  # ran across it
    ],
)
def test_distribution_sites_counts_a_site_active_at_any_time_in_the_year(
    db, started, ended, counted
):
    make_site(started_on=started, ended_on=ended)

    assert distribution_sites(2021) == (1 if counted else 0)


def test_a_site_that_ends_leaves_the_next_years_only(db):
    make_site("ずっと続く", started_on=dt.date(2021, 6, 1))
    make_site("令和3年度で終了", started_on=dt.date(2021, 6, 1), ended_on=dt.date(2022, 2, 28))
    make_site("令和4年度から", started_on=dt.date(2022, 5, 9))

    assert [distribution_sites(year) for year in (2020, 2021, 2022, 2023)] == [0, 2, 2, 2]


def test_the_indicators_are_registered_with_their_names():
    found = {i.code: i for i in registry.indicators()}

    assert str(found["distribution_sites"].name) == "生理用品の配置場所数"
    assert str(found["distribution_sites"].unit) == "か所"
    assert {"supplies_delivered", "supplies_handed_out"} <= set(found)


@pytest.mark.parametrize(
    "utc, fiscal_year",
    [
        (dt.datetime(2022, 3, 31, 14, 30, tzinfo=dt.UTC), 2021),  # 23:30 JST on 31 March
        (dt.datetime(2022, 3, 31, 15, 10, tzinfo=dt.UTC), 2022),  # 00:10 JST on 1 April
    ],
)
def test_a_delivery_counts_in_the_year_of_its_japan_time_date(db, site_manager, utc, fiscal_year):
    site = make_site()
    stock_store(site_manager, 50, on=dt.date(2021, 6, 1))
    with time_machine.travel(utc, tick=False):
        today = utc.astimezone(JST).date()
        services.deliver(site=site, lines={item(): 7}, on=today, by=site_manager)

    assert supplies_delivered(fiscal_year) == 7
    assert supplies_delivered(2021 if fiscal_year == 2022 else 2022) == 0


def test_packs_delivered_and_handed_out_net_corrections_and_leave_cards_out(db, site_manager):
    site = make_site()
    on = dt.date(2021, 10, 1)
    stock_store(site_manager, 100, on=on)
    stock_store(site_manager, 100, code="card", on=on)
    deliver(site, site_manager, 20, on=on)
    wrong = deliver(site, site_manager, 30, on=on)
    deliver(site, site_manager, 50, code="card", on=on)
    services.reverse_entry(entry=wrong[0].entry, reason="二重に記録", by=site_manager)
    services.hand_out(item=item(), quantity=6, site=site, on=on, by=site_manager)
    services.hand_out(item=item(), quantity=2, site=None, on=on, by=site_manager)
    services.take_stock(site=site, counts={item(): 10}, reason="棚卸", on=on, by=site_manager)

    assert supplies_delivered(2021) == 20
    assert supplies_handed_out(2021) == 8  # a stock-take adjustment is not a hand-out
    assert supplies_delivered(2022) == supplies_handed_out(2022) == 0
