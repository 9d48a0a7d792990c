"""The calendar, the list and a session's page keep the same number of queries for 1 session and
for 60 (and for 1 woman on the list and 60)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.consultations.factories import make_case, make_client
from tests.ibasho.factories import attend, make_session

DAY = dt.date(2026, 11, 2)  # a Monday


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the session and what a first request fills
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_sessions(n: int, start: int, counselor, *, code: str = "salon_childcare") -> None:
    """n sessions over the week of DAY, each with staff, a woman who came and a booking."""
    for i in range(start, start + n):
        session = make_session(
            code,
            day=DAY + dt.timedelta(days=i % 6),
            start=(8 + i % 10, 0),
            hours=1,
            capacity=10,
            childcare_places=3,
            anonymous_count=1,
        )
        session.facilitators.add(counselor)
        attend(session, make_client(f"参加{i}"), children=1)
        attend(session, make_client(f"予約{i}"), status="booked", role="volunteer")


# Pinned: the sign-in checks (session, the user with her roles and devices) plus the page's own reads.
@pytest.mark.parametrize(
    "url, expected",
    [
        (reverse("ibasho:month", args=[2026, 11]), 4),  # the grid shows no staff
        (reverse("ibasho:week", args=[2026, 11, 2]), 5),
        # Filtered by its address: the form is drawn (with the programmes) once its panel opens.
        (reverse("ibasho:session_list") + "?first=2026-11-01", 5),
        (reverse("ibasho:session_list") + "?first=2026-11-01&panel=filters", 6),
    ],
)
def test_calendar_and_list_are_flat_as_sessions_grow(client_as, counselor, url, expected):
    client = client_as("counselor")
    add_sessions(1, 0, counselor)
    one = queries_for(client, url)

    add_sessions(59, 1, counselor)
    sixty = queries_for(client, url)

    assert (one, sixty) == (expected, expected)


def test_the_expert_slots_are_flat(client_as, counselor):
    client = client_as("counselor")
    today = timezone.localdate()
    url = reverse("ibasho:appointments")

    def add(n: int, offset: int) -> None:
        for i in range(offset, offset + n):
            slot = make_session(
                "counseling",
                day=today + dt.timedelta(days=1 + i % 50),
                start=(9 + i % 8, 0),
                hours=1,
            )
            slot.facilitators.add(counselor)
            attend(slot, make_client(f"相談{i}"), role="consultee", status="booked")

    add(1, 0)
    one = queries_for(client, url)
    add(59, 1)
    sixty = queries_for(client, url)

    assert (one, sixty) == (5, 5)


def test_a_sessions_page_is_flat_as_its_list_grows(client_as, counselor):
    client = client_as("counselor")
    session = make_session("salon_childcare", childcare_places=100)
    session.facilitators.add(counselor)

    def add(n: int, offset: int) -> None:
        for i in range(offset, offset + n):
            woman = make_client(f"さんか{i}")
            make_case(woman, assigned_to=counselor)
            attend(session, woman, children=1, role="volunteer" if i % 5 == 0 else "participant")

    add(1, 0)
    one = queries_for(client, session.get_absolute_url())
    add(59, 1)
    sixty = queries_for(client, session.get_absolute_url())

    assert (one, sixty) == (7, 7)
