"""The month's day cells, the session chips and a session's places, drawn in Python
(ibasho/templatetags/ibasho.py): each page shows what its template showed, compared as HTML
(whitespace aside) with the markup the templates wrote."""

import datetime as dt

import pytest
import time_machine
from django.test.html import parse_html
from django.urls import reverse

from ibasho.models import Attendance
from kokona.fiscal import JST
from tests.consultations.factories import make_client
from tests.ibasho.factories import attend, make_session

TODAY = dt.datetime(2026, 11, 12, 9, 0, tzinfo=JST)  # a Thursday


@pytest.fixture
def month_page(client_as):
    def get(path: str) -> object:
        with time_machine.travel(TODAY, tick=False):
            response = client_as("counselor").get(path)
        assert response.status_code == 200
        return parse_html(response.content.decode())

    return get


def week_link(day: dt.date) -> str:
    return reverse("ibasho:week", args=[day.year, day.month, day.day])


def test_a_session_with_places_and_childcare(month_page):
    session = make_session(
        "salon_childcare",
        day=dt.date(2026, 11, 12),
        start=(9, 30),
        capacity=10,
        childcare_places=3,
        anonymous_count=1,
        anonymous_children=2,
    )
    attend(session, make_client("あおい"), children=1)
    # A place given up holds none.
    attend(session, make_client("はな"), status=Attendance.Status.CANCELLED)
    chip = f"""<a class="session-chip" href="{session.get_absolute_url()}">
      <span class="session-chip__time">9:30–11:30</span>
      <span class="session-chip__name">託児付き居場所</span>
      <span class="session-chip__count"><span class="places">2/10人</span>
      <span class="places places--childcare">託児 3/3</span></span></a>"""
    cell = f"""<td class="cal-day cal-day--today">
      <p class="cal-day__head "><a href="{week_link(dt.date(2026, 11, 12))}"
      class="cal-day__number" aria-current="date">12<span class="cal-day__weekday">（木）</span></a></p>
      {chip}</td>"""

    month = month_page(reverse("ibasho:home"))
    assert month.count(parse_html(cell)) == 1
    week = month_page(week_link(dt.date(2026, 11, 12)))
    assert week.count(parse_html(chip)) == 1
    page = month_page(session.get_absolute_url())
    places = (
        '<span class="places">2/10人</span> <span class="places places--childcare">託児 3/3</span>'
    )
    assert page.count(parse_html(f'<dd id="session-places">{places}</dd>')) == 1


def test_no_limit_cancelled_and_appointments(month_page):
    open_ended = make_session("salon", day=dt.date(2026, 11, 16), capacity=None, anonymous_count=4)
    cancelled = make_session("learning", day=dt.date(2026, 11, 17), cancelled=True)
    booked = make_session("counseling", day=dt.date(2026, 11, 18), start=(14, 0), hours=1)
    attend(booked, make_client("さくら"), status=Attendance.Status.BOOKED)
    free = make_session("counseling", day=dt.date(2026, 11, 18), start=(15, 0), hours=1)

    month = month_page(reverse("ibasho:month", args=[2026, 11]))

    def chip(session, kind: str, state: str) -> object:
        start = f"{session.starts_at.astimezone(JST):%H:%M}".lstrip("0")
        end = f"{session.ends_at.astimezone(JST):%H:%M}".lstrip("0")
        return parse_html(
            f'<a class="session-chip{kind}" href="{session.get_absolute_url()}">'
            f'<span class="session-chip__time">{start}–{end}</span>'
            f'<span class="session-chip__name">{session.program.label}</span>{state}</a>'
        )

    places = '<span class="session-chip__count"><span class="places">4人</span></span>'
    assert month.count(chip(open_ended, "", places)) == 1
    stopped = '<span class="tag tag--error">中止</span>'
    assert month.count(chip(cancelled, " session-chip--cancelled", stopped)) == 1
    taken = '<span class="session-chip__count">予約</span>'
    assert month.count(chip(booked, " session-chip--slot", taken)) == 1
    left = '<span class="session-chip__count">空き</span>'
    assert month.count(chip(free, " session-chip--slot", left)) == 1


def test_days_outside_the_month_holidays_and_weekends(month_page):
    month = month_page(reverse("ibasho:month", args=[2026, 11]))

    def cell(day: dt.date, css: str, head: str, holiday: str = "") -> object:
        weekday = "月火水木金土日"[day.weekday()]
        name = f' <span class="holiday">{holiday}</span>' if holiday else ""
        return parse_html(
            f'<td class="{css}"><p class="cal-day__head {head}"><a href="{week_link(day)}"'
            f' class="cal-day__number">{day.day}<span class="cal-day__weekday">（{weekday}）'
            f"</span></a>{name}</p></td>"
        )

    # The grid opens on Sunday 1 November 2026 and runs into December.
    assert month.count(cell(dt.date(2026, 11, 1), "cal-day cal-day--empty", "sun")) == 1
    assert month.count(cell(dt.date(2026, 11, 7), "cal-day cal-day--empty", "sat")) == 1
    holiday = "cal-day cal-day--empty cal-day--holiday"
    assert month.count(cell(dt.date(2026, 11, 3), holiday, "sun", "文化の日")) == 1
    assert month.count(cell(dt.date(2026, 11, 23), holiday, "sun", "勤労感謝の日")) == 1
    outside = "cal-day cal-day--outside cal-day--empty"
    assert month.count(cell(dt.date(2026, 12, 1), outside, "")) == 1
    assert month.count(cell(dt.date(2026, 12, 5), outside, "sat")) == 1
