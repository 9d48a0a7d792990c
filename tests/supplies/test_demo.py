"""The demo's sites and ledger: 74 sites in 令和3年度, some joining during it, one ending."""

import io

import pytest
from django.core.management import call_command

from supplies.indicators import distribution_sites, supplies_delivered, supplies_handed_out
from supplies.models import OutreachPlacement, Site, StockMovement
from supplies.queries import restock_round


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_reiwa_3_counts_the_74_sites(demo):
    assert distribution_sites(2021) == 74
    assert distribution_sites(2022) == 73  # the one that ended left; nobody edited 令和3年度
    assert Site.objects.filter(ended_on__isnull=False).count() == 1
    joined = Site.objects.filter(started_on__gt="2021-06-01", started_on__lte="2022-03-31")
    assert joined.count() >= 3
    assert Site.objects.filter(school_level__isnull=False).count() == 48


def test_the_ledger_is_a_year_and_more_of_movements_that_never_went_below_zero(demo):
    assert supplies_delivered(2021) > 0
    assert supplies_handed_out(2021) > 0
    balances = StockMovement.objects.balances()
    assert min(balances.values()) >= 0
    assert OutreachPlacement.objects.count() == 20
    assert restock_round().stops > 0  # today's round has work in it


def test_seeding_again_adds_nothing(demo):
    rows = StockMovement.objects.count()

    call_command("seed_demo", stdout=io.StringIO())

    assert StockMovement.objects.count() == rows
    assert Site.objects.count() == 74
