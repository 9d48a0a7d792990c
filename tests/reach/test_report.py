"""Where outreach works: scans, web consultations, LINE follows and first channels per fiscal
year; supervisors see the counts, city staff aggregates with 1–4 shown as 「5未満」."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from consultations.models import LineEvent
from consultations.reach_report import hidden_cells, outreach
from supplies.models import CardLink, ScanDay
from tests.consultations.factories import make_case, make_client, make_contact
from tests.supplies.factories import make_placement, make_site

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def year_of_outreach():
    store = CardLink.objects.for_placement(make_placement("ローソン 釧路駅前店"))
    school = CardLink.objects.for_site(
        make_site("釧路高校 保健室", category="school_nurse", school_level="high_school")
    )
    ScanDay.objects.create(link=store, day=dt.date(2022, 4, 3), scans=40)
    ScanDay.objects.create(link=store, day=dt.date(2022, 5, 3), scans=12)
    ScanDay.objects.create(link=school, day=dt.date(2022, 5, 9), scans=3)
    ScanDay.objects.create(link=school, day=dt.date(2023, 4, 1), scans=99)  # next year
    for i in range(6):
        make_contact(
            make_case(make_client(f"ウェブ{i}")),
            channel="webform",
            at=dt.datetime(2022, 5, 10 + i, 21, 0, tzinfo=JST),
            card_link=store,
        )
    make_contact(
        make_case(make_client("ライン")),
        channel="line",
        at=dt.datetime(2022, 6, 1, 23, 0, tzinfo=JST),
    )
    for i, kind in enumerate(["follow"] * 7 + ["unfollow"] * 2):
        LineEvent.objects.create(
            event_id=f"E{i}", kind=kind, occurred_at=dt.datetime(2022, 6, 2, tzinfo=JST)
        )
    return store, school


def test_hiding_one_small_cell_hides_the_next_smallest_too():
    assert hidden_cells([40, 3, 12]) == {1, 2}
    assert hidden_cells([40, 3, 2, 12]) == {1, 2}
    assert hidden_cells([40, 0, 12]) == set()


def test_supervisors_see_scans_per_card_and_month(year_of_outreach):
    report = outreach(2022, mask=False)

    [store, school] = report["scans_by_card"]
    assert (store.label, store.total, store.cells[:2]) == (
        "ローソン 釧路駅前店",
        "52",
        ["40", "12"],
    )
    assert (school.label, school.total, school.kind) == (
        "釧路高校 保健室",
        "3",
        "学校保健室（高校）",
    )
    assert report["scan_total"] == 55
    assert report["web_months"][1] == "6"
    assert report["web_by_card"][0].total == "6"
    assert [r.total for r in report["line"]] == ["7", "2"]
    shares = {row["channel"]: (row["count"], row["share"]) for row in report["first_ways"]}
    assert shares == {"Webフォーム": ("6", "85.7%"), "LINE": ("1", "14.3%")}


def test_city_staff_see_small_counts_hidden(client_as, year_of_outreach):
    response = client_as("city_staff").get(reverse("consultations:outreach_report", args=[2022]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "5未満" in html
    assert ">3<" not in html  # the school's 3 scans
    assert "ウェブ" not in html and "ライン" not in html  # no woman's name
    assert "ローソン 釧路駅前店" in html


def test_the_report_holds_no_woman_and_counts_fiscal_years_in_japan_time(
    client_as, year_of_outreach
):
    html = (
        client_as("supervisor")
        .get(reverse("consultations:outreach_report", args=[2023]))
        .content.decode()
    )

    assert "99" in html  # 2023-04-01 is FY2023
    assert "ウェブ0" not in html
