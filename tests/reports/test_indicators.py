"""満足度 and アンケート回答数 as design.md defines them, and the months of each indicator."""

import datetime as dt
from decimal import Decimal

from kokona import indicators as registry
from kokona.fiscal import JST
from kokona.indicators import get
from reports.indicators import rate, satisfaction_rate, survey_responses
from reports.models import SurveyResponse
from tests.consultations.factories import make_case, make_client, make_contact
from tests.ibasho.factories import attend, make_session
from tests.supplies.factories import deliver, make_site, stock_store


def answers(day: dt.date, *values: int) -> None:
    for value in values:
        SurveyResponse.objects.create(answered_on=day, satisfaction=value)


def test_the_rate_is_null_without_answers(db):
    assert satisfaction_rate(2021) is None
    assert survey_responses(2021) == 0


def test_very_satisfied_and_satisfied_over_all_answers_with_one_decimal(db):
    answers(dt.date(2021, 6, 1), 5, 5, 4, 3, 2, 1)

    assert satisfaction_rate(2021) == Decimal("50.0")
    assert survey_responses(2021) == 6


def test_the_rate_rounds_half_up():
    assert rate(36, 43) == Decimal("83.7")  # 83.72…
    assert rate(1, 8) == Decimal("12.5")
    assert rate(1, 6) == Decimal("16.7")
    assert rate(0, 0) is None


def test_answers_count_in_the_fiscal_year_of_their_day(db):
    answers(dt.date(2022, 3, 31), 5)
    answers(dt.date(2022, 4, 1), 1, 2)

    assert (satisfaction_rate(2021), survey_responses(2021)) == (Decimal("100.0"), 1)
    assert (satisfaction_rate(2022), survey_responses(2022)) == (Decimal("0.0"), 2)


def test_the_survey_months_run_april_to_march(db):
    answers(dt.date(2021, 4, 30), 5, 3)
    answers(dt.date(2022, 3, 1), 4)

    months = get("survey_responses").monthly(2021)
    rates = get("satisfaction_rate").monthly(2021)

    assert months == [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert rates[0] == Decimal("50.0") and rates[11] == Decimal("100.0")
    assert rates[1:11] == [None] * 10  # no answers is no rate, not 0%


def test_contacts_fall_in_the_month_of_their_japan_time(db):
    client = make_client("A")
    case = make_case(client)
    make_contact(case, at=dt.datetime(2021, 4, 30, 23, 30, tzinfo=JST))  # April in Japan
    make_contact(case, at=dt.datetime(2021, 4, 30, 15, 30, tzinfo=dt.UTC))  # 1 May 00:30 JST
    make_contact(at=dt.datetime(2022, 3, 31, 23, 30, tzinfo=JST))  # anonymous, March

    assert get("consultations_total").monthly(2021) == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    # The same woman in April and May counts in both months; the anonymous contact is one.
    assert get("unique_consultees").monthly(2021) == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert get("consultations_total").monthly(2022) == [0] * 12


def test_the_months_of_every_additive_indicator_add_up_to_its_year(db, supervisor):
    """The dashboard takes an additive indicator's year as the sum of its months (one query, not
    two): that holds for each of them, at the year's edges in Japan time too."""
    make_contact(at=dt.datetime(2021, 4, 1, 0, 0, tzinfo=JST))
    make_contact(at=dt.datetime(2022, 3, 31, 23, 59, tzinfo=JST))
    make_contact(at=dt.datetime(2022, 4, 1, 0, 0, tzinfo=JST))
    site = make_site("A")
    stock_store(supervisor, 100, on=dt.date(2021, 4, 1))
    deliver(site, supervisor, 12, on=dt.date(2021, 9, 30))
    session = make_session(day=dt.date(2021, 10, 1), anonymous_count=2)
    attend(session, make_client("B"))
    answers(dt.date(2022, 3, 31), 5, 4, 1)

    checked = []
    for indicator in registry.indicators():
        if indicator.monthly is None or not indicator.additive:
            continue
        months = indicator.monthly(2021)
        assert sum(int(v or 0) for v in months) == indicator.compute(2021), indicator.code
        checked.append((indicator.code, indicator.compute(2021)))

    assert dict(checked) == {
        "consultations_total": 2,
        "supplies_delivered": 12,
        "supplies_handed_out": 0,
        "ibasho_sessions": 1,
        "ibasho_attendance": 3,
        "survey_responses": 3,
    }
