"""The 居場所 KPIs: held sessions only, head counts added, the fiscal year in Japan time."""

import datetime as dt

import pytest

from ibasho.indicators import (
    childcare_children,
    ibasho_attendance,
    ibasho_participants,
    ibasho_sessions,
)
from kokona.indicators import indicators
from tests.consultations.factories import make_client
from tests.ibasho.factories import attend, make_session


@pytest.fixture
def year(db):
    """FY2021 (令和3年度) with sessions at both of its edges, and one just outside each."""
    yui, hana = make_client("ゆい"), make_client("はな")
    # 2021-04-01 00:10 JST is FY2021; 2021-03-31 23:30 JST is FY2020.
    first = make_session(
        "salon_childcare",
        day=dt.date(2021, 4, 1),
        start=(0, 10),
        anonymous_count=3,
        anonymous_children=1,
        childcare_places=4,
    )
    attend(first, yui, children=2)
    attend(first, hana, status="absent")
    before = make_session(day=dt.date(2021, 3, 31), start=(23, 30), hours=1, anonymous_count=5)
    attend(before, hana)
    # 2022-03-31 23:30 JST is still FY2021; 2022-04-01 00:10 JST is FY2022.
    last = make_session(day=dt.date(2022, 3, 31), start=(23, 30), hours=1, anonymous_count=2)
    attend(last, yui)
    attend(last, hana, role="volunteer")
    after = make_session(day=dt.date(2022, 4, 1), start=(0, 10), anonymous_count=7)
    attend(after, yui)
    cancelled = make_session(day=dt.date(2021, 6, 1), cancelled=True, anonymous_count=4)
    attend(cancelled, make_client("みお"), status="booked")
    return first, last


def test_sessions_held_not_cancelled_in_the_year(year):
    assert ibasho_sessions(2021) == 2
    assert ibasho_sessions(2020) == 1
    assert ibasho_sessions(2022) == 1


def test_attendance_adds_the_head_count_to_the_women_who_came(year):
    # first: ゆい + 3 anonymous (はな did not come); last: ゆい, はな (helping) + 2 anonymous.
    assert ibasho_attendance(2021) == 1 + 3 + 2 + 2
    assert ibasho_attendance(2020) == 1 + 5


def test_participants_are_distinct_women(year):
    assert ibasho_participants(2021) == 2
    assert ibasho_participants(2022) == 1


def test_children_cared_for(year):
    assert childcare_children(2021) == 2 + 1


def test_a_session_still_to_come_is_not_held_yet(db):
    make_session(day=dt.date(2099, 5, 1), anonymous_count=3)

    assert ibasho_sessions(2099) == 0 and ibasho_attendance(2099) == 0


def test_they_are_registered_for_reports(db):
    codes = [i.code for i in indicators()]

    assert {
        "ibasho_sessions",
        "ibasho_attendance",
        "ibasho_participants",
        "childcare_children",
    } <= set(codes)
    names = {i.code: str(i.name) for i in indicators()}
    assert names["ibasho_sessions"] == "居場所開催回数"
    assert names["ibasho_attendance"] == "居場所延べ参加者数"
