"""The dashboard of a fiscal year: cards, months beside the year before, quarters, small counts
hidden for the city, a flat number of queries, and nothing about any one woman on a city page."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from consultations.models import Contact
from kokona import indicators as registry
from kokona.fiscal import JST
from reports.models import SurveyResponse, Target, YearLock
from tests.consultations.factories import make_case, make_client, make_contact, vocabulary
from tests.supplies.factories import make_site


def dashboard(client, year: int = 2021) -> str:
    response = client.get(reverse("reports:dashboard", args=[year]))
    assert response.status_code == 200
    return response.content.decode()


def satisfied(day: dt.date, yes: int, no: int) -> None:
    SurveyResponse.objects.bulk_create(
        [SurveyResponse(answered_on=day, satisfaction=5) for _ in range(yes)]
        + [SurveyResponse(answered_on=day, satisfaction=3) for _ in range(no)]
    )


def test_each_target_beside_its_actual_with_the_rate_and_the_status(client_as):
    for n in range(6):
        make_site(f"場所{n}", started_on=dt.date(2021, 4, 1))
    satisfied(dt.date(2021, 7, 1), 36, 7)

    html = dashboard(client_as("city_staff"))

    assert "令和3年度（2021年度）" in html
    assert "83.7" in html and "104.6%" in html and "達成" in html  # 83.7 of 80
    assert "8.6%" in html and "未達" in html  # 6 of 70 sites


def test_the_year_selector_leads_to_a_stable_url(client_as):
    client = client_as("city_staff")

    response = client.get(reverse("reports:home"), {"year": "2021"})

    assert response["Location"] == "/reports/2021/"
    html = dashboard(client)
    assert '<option value="2021" selected>令和3年度（2021年度）</option>' in html
    assert client.get("/reports/1999/").status_code == 404


def test_a_target_whose_indicator_is_not_registered_is_not_shown_as_zero(client_as, monkeypatch):
    saved = dict(registry._indicators)
    monkeypatch.setattr(
        registry, "_indicators", {k: v for k, v in saved.items() if k != "satisfaction_rate"}
    )

    html = dashboard(client_as("supervisor"))

    assert "集計準備中" in html
    assert "satisfaction_rate" in html


def test_small_counts_are_hidden_for_the_city_and_not_for_counselors(client_as):
    woman = make_case(make_client("A"))
    for day in (1, 2, 3):
        make_contact(woman, at=dt.datetime(2021, 5, day, 10, tzinfo=JST))
    for day in range(1, 13):
        make_contact(at=dt.datetime(2021, 6, day, 10, tzinfo=JST))

    city = dashboard(client_as("city_staff"))
    counselor = dashboard(client_as("counselor"))

    assert "5未満" in city and "非表示" in city  # May hidden, and June with it
    assert "5未満" not in counselor


def test_no_free_text_or_nickname_reaches_a_city_page(client_as):
    make_contact(
        make_case(make_client("ひみつのなまえ")),
        at=dt.datetime(2021, 5, 1, tzinfo=JST),
        summary="とても個人的な話",
    )
    SurveyResponse.objects.create(
        answered_on=dt.date(2021, 5, 1), satisfaction=5, comment="感想の自由記述"
    )
    client = client_as("city_staff")

    for name in ("dashboard", "year_report", "export_csv", "export_xlsx"):
        body = client.get(reverse(f"reports:{name}", args=[2021])).content.decode(errors="replace")
        for secret in ("ひみつのなまえ", "とても個人的な話", "感想の自由記述"):
            assert secret not in body, (name, secret)
        # No link to a record: the menu's outreach report is aggregates too.
        links = re.findall(r'href="(/consultations/[^"]*)"', body)
        assert set(links) <= {reverse("consultations:outreach_report_now")}, (name, links)


def contacts(n: int) -> None:
    channel = vocabulary("Channel", "line")
    Contact.objects.unscoped().bulk_create(
        Contact(
            channel=channel,
            occurred_at=dt.datetime(2021, 4, 1, tzinfo=JST) + dt.timedelta(minutes=50 * i),
            summary="",
        )
        for i in range(n)
    )


@pytest.mark.parametrize("persona", ["city_staff", "supervisor"])
def test_the_dashboard_takes_the_same_queries_for_10_and_10000_contacts(
    client_as, persona, django_assert_num_queries
):
    client = client_as(persona)
    dashboard(client)  # sessions and the like settle
    contacts(10)
    cache.clear()  # counted afresh, as once a minute
    with django_assert_num_queries(QUERIES[persona]) as few:
        dashboard(client)
    contacts(9990)
    assert Contact.objects.unscoped().count() == 10000
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        dashboard(client)


# The session and the user with her roles and devices (2), the locks of this year and the one before (1); this year's targets
# (1), each indicator's months, the year of those without months or whose months do not add up,
# and the targets no app counts yet (1); the year before's months and its distinct counts and
# rates; then this year's breakdowns, each its counts and its vocabulary (16).
# Whoever reads it: her second factor comes with her, whether she owes one or not.
QUERIES = {"city_staff": 48, "supervisor": 48}


def test_the_months_stand_beside_the_year_before_and_quarters_add_them_up(client_as):
    for month, n in ((4, 6), (5, 7), (7, 8)):
        for day in range(1, n + 1):
            make_contact(at=dt.datetime(2021, month, day, 9, tzinfo=JST))
    for day in range(1, 10):
        make_contact(at=dt.datetime(2020, 4, day, 9, tzinfo=JST))

    html = dashboard(client_as("supervisor"))

    assert "延べ相談件数" in html
    assert "第1四半期" in html
    assert ">13<" in html  # April + May (+ June 0) this year
    assert ">9<" in html  # April of the year before


def test_targets_are_read_from_the_targets_table(client_as):
    Target.objects.filter(indicator="unique_consultees", fiscal_year=2021).update(value=Decimal(40))

    assert "40人" in dashboard(client_as("city_staff"))


def test_a_quarter_holding_a_hidden_month_is_not_shown_to_the_city(db):
    from reports.dashboard import build

    for month, n in ((4, 8), (5, 3), (6, 9), (7, 6), (8, 7)):
        for day in range(1, n + 1):
            make_contact(at=dt.datetime(2021, month, day, 9, tzinfo=JST))

    trend = next(
        t for t in build(2021, city=True, codes=None).trends if t.code == "consultations_total"
    )

    months = [cell.text or cell.value for _m, cell, _b in trend.months][:5]
    assert months == [8, "5未満", 9, "非表示", 7]  # July goes with May: the year total is shown
    quarters = [now.text or now.value for now, _before, _now in trend.quarters]
    assert quarters == ["非表示", "非表示", 0, 0]  # Q1 less April and June would give May away
    assert trend.total.value == 33


def test_the_figures_are_counted_at_most_once_a_minute_and_say_when(
    client_as, django_assert_max_num_queries
):
    make_contact(at=dt.datetime(2021, 5, 1, 10, tzinfo=JST))
    client = client_as("supervisor")
    first = dashboard(client)
    make_contact(at=dt.datetime(2021, 5, 2, 10, tzinfo=JST))

    with django_assert_max_num_queries(9):  # the session, the locks and targets: no counting
        again = dashboard(client)

    assert "時点の数字です" in first and "1分" in first
    total = 'id="trend-consultations_total"'
    assert total in again
    assert card_number(again, "延べ相談件数") == card_number(first, "延べ相談件数") == "1"
    cache.clear()  # a minute later
    assert card_number(dashboard(client), "延べ相談件数") == "2"


def test_a_lock_counts_afresh_whatever_was_counted_a_moment_ago(client_as):
    client = client_as("supervisor")
    dashboard(client)
    make_contact(at=dt.datetime(2021, 5, 2, 10, tzinfo=JST))

    client.post(reverse("reports:lock_year", args=[2021]))

    lock = YearLock.objects.get(fiscal_year=2021)
    assert {r["code"]: r["actual"] for r in lock.figures["rows"]}["consultations_total"] == 1


def card_number(html: str, name: str) -> str:
    card = html.split(f'<h3 class="kpi-card__name">{name}</h3>', 1)[1]
    return re.search(r'kpi-card__number">([^<]*)<', card).group(1)
