"""The breakdowns (内訳) each app registers: counted on crafted data at the fiscal year's edges in
Japan time, shown beside a bar chart, hidden below 5 for the city (a second cell with a lone one),
read only as far as the reader may see, and kept in a year's lock."""

import datetime as dt

import pytest
from django.urls import reverse

from consultations.indicators import (
    contacts_by_age_band,
    contacts_by_channel,
    contacts_by_concern,
    contacts_by_primary_concern,
    referrals_by_destination,
)
from consultations.models import Referral
from ibasho.indicators import ibasho_by_program
from kokona.fiscal import JST
from kokona.indicators import breakdowns
from reports import charts
from reports import dashboard as dashboards
from reports.models import YearLock
from reports.suppression import Cell
from supplies.indicators import sites_by_category, supplies_by_month
from tests.consultations.factories import agency, make_case, make_client, make_contact, vocabulary
from tests.ibasho.factories import attend, make_session
from tests.supplies.factories import deliver, make_site, stock_store

LAST_MINUTE = dt.datetime(2022, 3, 31, 23, 59, tzinfo=JST)  # still 令和3年度
FIRST_MINUTE = dt.datetime(2022, 4, 1, 0, 0, tzinfo=JST)  # 令和4年度 already


def rows(table) -> dict[str, list[int]]:
    return dict(table.rows)


def test_every_app_registers_its_breakdowns_against_an_indicator():
    found = {b.code: b.of for b in breakdowns()}

    assert found == {
        "contacts_by_channel": "consultations_total",
        "contacts_by_age_band": "consultations_total",
        "contacts_by_primary_concern": "consultations_total",
        "contacts_by_concern": "consultations_total",
        "referrals_by_destination": "consultations_total",
        "sites_by_category": "distribution_sites",
        "supplies_by_month": "supplies_delivered",
        "ibasho_by_program": "ibasho_attendance",
    }


def test_contacts_by_channel_count_in_the_fiscal_year_of_japan_time(db):
    make_contact(at=LAST_MINUTE, channel="line")
    make_contact(at=LAST_MINUTE, channel="phone")
    make_contact(at=FIRST_MINUTE, channel="phone")  # the next year
    make_contact(
        at=dt.datetime(2021, 3, 31, 23, 59, tzinfo=JST), channel="email"
    )  # the year before

    table = contacts_by_channel(2021)

    assert rows(table)["LINE"] == [1]
    assert rows(table)["電話"] == [1]
    assert rows(table)["メール"] == [0]
    assert table.column_total and not table.row_total


def test_age_bands_count_contacts_and_people_and_the_people_add_up(db):
    twenties = make_case(make_client("A", age_band=vocabulary("AgeBand", "20s")))
    for day in (1, 2, 3):
        make_contact(twenties, at=dt.datetime(2021, 5, day, tzinfo=JST))
    make_contact(make_case(make_client("B")), at=dt.datetime(2021, 5, 1, tzinfo=JST))
    make_contact(at=dt.datetime(2021, 5, 1, tzinfo=JST))  # anonymous: one more person

    found = rows(contacts_by_age_band(2021))

    assert found["20代"] == [3, 1]
    assert found["未記入"] == [2, 2]
    assert sum(people for _n, people in found.values()) == 3  # = unique_consultees


def test_the_main_concern_is_the_cases_and_concerns_count_under_each(db):
    case = make_case(make_client("A"), primary_concern=vocabulary("ConcernCategory", "dv"))
    contact = make_contact(case, at=dt.datetime(2021, 6, 1, tzinfo=JST))
    contact.categories.set(
        [vocabulary("ConcernCategory", "dv"), vocabulary("ConcernCategory", "housing")]
    )
    make_contact(at=dt.datetime(2021, 6, 2, tzinfo=JST))  # one-off, no concern recorded

    main = rows(contacts_by_primary_concern(2021))
    concerns = contacts_by_concern(2021)

    assert main["DV・デートDV"] == [1] and main["未記入"] == [1] and main["住まい"] == [0]
    assert rows(concerns)["DV・デートDV"] == [1] and rows(concerns)["住まい"] == [1]
    assert rows(concerns)["未記入"] == [1]
    assert not concerns.column_total  # one contact, two rows: they do not add up


def test_referrals_by_kind_of_agency_and_stage(db):
    case = make_case(make_client("A"))
    for stage in ("informed", "accompanied", "accompanied"):
        Referral.objects.create(
            case=case,
            agency=agency("ハローワーク釧路"),
            stage=stage,
            referred_on=dt.date(2021, 9, 1),
        )
    Referral.objects.create(
        case=case, agency=agency("法テラス釧路"), stage="informed", referred_on=dt.date(2022, 4, 1)
    )

    table = referrals_by_destination(2021)

    work = rows(table)["就労"]
    assert table.columns[0] == "情報提供" and table.columns[2] == "同行"
    assert work[0] == 1 and work[2] == 2 and sum(work) == 3
    assert sum(rows(table)["法律"]) == 0  # referred in the next year
    assert table.row_total and table.column_total


def test_sites_by_category_active_in_the_year(db):
    make_site("A", category="city_section", started_on=dt.date(2021, 4, 1))
    make_site(
        "B", category="school_nurse", started_on=dt.date(2019, 4, 1), ended_on=dt.date(2021, 4, 1)
    )
    make_site("C", category="school_nurse", started_on=dt.date(2022, 4, 1))  # the next year

    found = rows(sites_by_category(2021))

    assert found["市役所関係課"] == [1]
    assert found["学校保健室"] == [1]


def test_supplies_by_month_and_item(db, supervisor):
    site = make_site("A")
    stock_store(supervisor, 500, on=dt.date(2021, 4, 1))
    stock_store(supervisor, 500, code="napkin_night", on=dt.date(2021, 4, 1))
    deliver(site, supervisor, 20, on=dt.date(2021, 4, 30))
    deliver(site, supervisor, 7, code="napkin_night", on=dt.date(2022, 3, 31))
    deliver(site, supervisor, 9, on=dt.date(2022, 4, 1))  # the next year

    table = supplies_by_month(2021)
    day, night = table.columns.index("ナプキン(昼用)"), table.columns.index("ナプキン(夜用)")

    assert [label for label, _v in table.rows][0] == "4月" and table.rows[-1][0] == "3月"
    assert rows(table)["4月"][day] == 20 and rows(table)["3月"][night] == 7
    assert sum(sum(values) for _label, values in table.rows) == 27


def test_ibasho_by_programme_counts_held_sessions_attendance_and_childcare(db):
    woman = make_client("A")
    session = make_session(
        "salon_childcare", day=dt.date(2021, 7, 1), anonymous_count=2, anonymous_children=1
    )
    attend(session, woman, children=2)
    make_session("salon_childcare", day=dt.date(2021, 7, 8), cancelled=True)
    make_session("salon", day=dt.date(2022, 4, 1))  # the next year

    found = rows(ibasho_by_program(2021))

    assert found["託児付き居場所"] == [1, 3, 3]
    assert found["居場所サロン"] == [0, 0, 0]


def city_board(year: int = 2021) -> dashboards.Dashboard:
    return dashboards.build(year, city=True)


def breakdown(board: dashboards.Dashboard, code: str):
    return next(t for t in board.breakdowns if t.code == code)


def test_the_city_sees_5_or_more_and_a_second_cell_hides_a_lone_small_one(db):
    for n, channel in ((3, "line"), (6, "phone"), (9, "email")):
        for i in range(n):
            make_contact(at=dt.datetime(2021, 5, 1, 10, i, tzinfo=JST), channel=channel)

    table = breakdown(city_board(), "contacts_by_channel")
    cells = {label: row[0] for label, row, _total in table.rows}

    assert cells["LINE"].hidden and cells["LINE"].reason == "5未満"
    assert cells["電話"].hidden and cells["電話"].reason == "非表示"  # the smallest other
    assert not cells["メール"].hidden and cells["メール"].value == 9
    assert not table.column_totals[0].hidden and table.column_totals[0].value == 18
    npo = breakdown(dashboards.build(2021, city=False), "contacts_by_channel")
    assert not any(row[0].hidden for _label, row, _total in npo.rows)


def test_the_dashboard_draws_each_breakdown_beside_its_table(client_as):
    for i in range(7):
        make_contact(at=dt.datetime(2021, 5, 1, 10, i, tzinfo=JST), channel="phone")
    make_contact(at=dt.datetime(2021, 5, 2, 10, tzinfo=JST), channel="line")

    html = client_as("city_staff").get(reverse("reports:dashboard", args=[2021])).content.decode()

    assert "内訳" in html and "相談経路別の相談件数" in html
    assert 'aria-labelledby="bars-contacts_by_channel-title"' in html
    assert '<th scope="row">電話</th>' in html
    assert "5未満" in html


@pytest.mark.parametrize(
    ("persona", "shown", "not_shown"),
    [
        ("site_manager", "設置場所の種別", "相談経路別"),
        ("city_staff", "相談経路別", None),
        ("counselor", "プログラム別", None),
    ],
)
def test_a_reader_sees_the_breakdowns_of_the_indicators_she_may_see(
    client_as, persona, shown, not_shown
):
    html = client_as(persona).get(reverse("reports:dashboard", args=[2021])).content.decode()

    assert shown in html
    if not_shown:
        assert not_shown not in html


def test_a_locked_year_shows_the_city_its_breakdowns_as_locked(db, supervisor):
    for i in range(6):
        make_contact(at=dt.datetime(2021, 5, 1, 10, i, tzinfo=JST), channel="phone")
    YearLock.objects.create(
        fiscal_year=2021, figures=dashboards.figures(2021), locked_by=supervisor
    )
    for i in range(5):
        make_contact(at=dt.datetime(2021, 6, 1, 10, i, tzinfo=JST), channel="phone")

    locked = breakdown(city_board(), "contacts_by_channel")
    live = breakdown(dashboards.build(2021, city=False), "contacts_by_channel")

    assert {label: row[0].value for label, row, _t in locked.rows}["電話"] == 6
    assert {label: row[0].value for label, row, _t in live.rows}["電話"] == 11


def test_supervisors_see_a_breakdown_changed_since_the_lock_though_the_totals_stay(
    client_as, supervisor
):
    contact = make_contact(at=dt.datetime(2021, 5, 1, 10, tzinfo=JST), channel="phone")
    YearLock.objects.create(
        fiscal_year=2021, figures=dashboards.figures(2021), locked_by=supervisor
    )
    contact.channel = vocabulary("Channel", "line")  # put right: it came by LINE
    contact.save()

    board = dashboards.build(2021, city=False)

    assert board.changed_since_lock == ["相談経路別の相談件数"]


def test_a_chart_escapes_every_text_it_draws():
    drawn = charts.bars(
        [('<script>alert("x")</script>', [Cell(7)], None), ("B", [Cell(2, True, "<i>")], None)],
        code="t",
        title="<b>title</b>",
    ).svg
    months = charts.months([Cell(1)] * 12, [Cell(None)] * 12, code="t", name="<img>").svg

    assert "<script>" not in drawn and "&lt;script&gt;" in drawn
    assert "<b>" not in drawn and "&lt;i&gt;" in drawn
    assert "<img>" not in months and "&lt;img&gt;" in months


def test_a_month_chart_with_nothing_to_draw_says_why():
    hidden = charts.months([Cell(3, True, "5未満")] * 12, [Cell(0)] * 12, code="t", name="x")
    empty = charts.months([Cell(0)] * 12, [Cell(None)] * 12, code="t", name="x")
    drawn = charts.months([Cell(7)] * 12, [Cell(0)] * 12, code="t", name="x")

    assert "5未満の月はグラフにしていません" in hidden.svg and "<rect" not in hidden.svg
    assert "この2年度に数えたものはありません" in empty.svg
    assert "<rect" in drawn.svg and "グラフにしていません" not in drawn.svg
