"""相談実人数 and 延べ相談件数, counted on Japan-time dates as design.md defines them."""

import datetime as dt
import io
import json

from django.core.management import call_command

from consultations.indicators import consultations_total, unique_consultees
from kokona.fiscal import JST
from tests.consultations.factories import make_case, make_client, make_contact

LAST_HALF_HOUR = dt.datetime(2022, 3, 31, 23, 30, tzinfo=JST)  # FY2021
FIRST_MINUTES = dt.datetime(2022, 4, 1, 0, 10, tzinfo=JST)  # FY2022


def test_the_fiscal_year_boundary_is_read_in_japan_time(db):
    make_contact(make_case(make_client("A")), at=LAST_HALF_HOUR)
    make_contact(make_case(make_client("B")), at=FIRST_MINUTES)
    # 15:10 UTC on 31 March is already 1 April in Japan.
    make_contact(make_case(make_client("C")), at=dt.datetime(2022, 3, 31, 15, 10, tzinfo=dt.UTC))

    assert (unique_consultees(2021), consultations_total(2021)) == (1, 1)
    assert (unique_consultees(2022), consultations_total(2022)) == (2, 2)


def test_the_same_woman_across_channels_is_one_person(db):
    case = make_case(make_client("A"))
    for channel in ["line", "phone", "email"]:
        make_contact(case, at=dt.datetime(2021, 6, 1, 20, tzinfo=JST), channel=channel)

    assert unique_consultees(2021) == 1
    assert consultations_total(2021) == 3


def test_each_anonymous_contact_is_one_person(db):
    for day in (1, 2, 3):
        make_contact(at=dt.datetime(2021, 7, day, 12, tzinfo=JST))
    make_contact(make_case(make_client("A")), at=dt.datetime(2021, 7, 4, 12, tzinfo=JST))

    assert unique_consultees(2021) == 4
    assert consultations_total(2021) == 4


def test_kpi_report_shows_them_beside_the_target(db):
    make_contact(make_case(make_client("A")), at=LAST_HALF_HOUR)
    out = io.StringIO()

    call_command("kpi_report", "--fiscal-year", "2021", stdout=out)

    rows = {row["code"]: row for row in json.loads(out.getvalue())}
    assert rows["unique_consultees"] == {
        "code": "unique_consultees",
        "name": "相談実人数",
        "unit": "人",
        "target": 66,
        "actual": 1,
        "achievement_rate": 1.5,
    }
    assert rows["consultations_total"]["target"] is None
