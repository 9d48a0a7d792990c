"""Home, case list and case page keep the same number of queries for 1 row and for 50."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.models import CaseAssignment, CaseStatusChange, Referral, SupportActivity
from kokona.models import User
from supplies.models import CardLink
from tests.consultations.factories import (
    agency,
    make_case,
    make_client,
    make_contact,
    vocabulary,
)
from tests.consultations.test_record import URL, form
from tests.supplies.factories import make_placement, make_site


def queries_for(client, url: str) -> int:
    client.get(url)  # warm the session and what a first request fills
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_work(counselor, n: int) -> None:
    """n cases of each kind the home page lists: overdue, due soon, open, crisis gone quiet,
    untaken contacts (each through a card of its own: the inbox says where she found it), and
    cases handed over to her by a colleague."""
    today = timezone.localdate()
    now = timezone.now()
    colleague = User.objects.get_or_create(username="colleague", display_name="同僚")[0]
    made = CardLink.objects.count()
    cards = [
        CardLink.objects.for_placement(make_placement(f"セイコーマート {made + i}"))
        if i % 2
        else CardLink.objects.for_site(make_site(f"保健室 {made + i}"))
        for i in range(n)
    ]
    for i in range(n):
        for label, due in [
            ("期限切れ", today - dt.timedelta(days=2)),
            ("近日", today + dt.timedelta(days=1)),
            ("通常", None),
        ]:
            case = make_case(make_client(f"{label}{i}"), assigned_to=counselor, follow_up_due=due)
            make_contact(case, at=now - dt.timedelta(hours=i + 1))
        quiet = make_case(make_client(f"危機{i}"), assigned_to=counselor, risk="crisis")
        make_contact(quiet, at=now - dt.timedelta(days=4, hours=i))
        make_contact(
            make_case(make_client(f"未担当{i}")),
            at=now - dt.timedelta(hours=i + 1),
            card_link=cards[i],
        )
        CaseAssignment.objects.create(
            case=make_case(make_client(f"引継ぎ{i}"), assigned_to=counselor),
            from_user=colleague,
            to_user=counselor,
            changed_by=colleague,
            reason="休暇のため",
        )


# Pinned: sign-in checks (session, the user with her roles and devices) plus the page's own reads.
@pytest.mark.parametrize(
    "url, expected",
    # home: her open cases numbered and counted, then the rows its two lists show (the next
    # five overdue and due), her crisis cases gone quiet, whether any contact is untaken and
    # whether any case was handed over to her (one statement), the untaken contacts and the
    # cards they came through, those cases.
    # recent: the home's panel of the latest exchanges on her cases, read as it opens.
    [
        (reverse("consultations:home"), 9),
        (reverse("consultations:recent"), 3),
        (reverse("consultations:case_list"), 4),
    ],
)
def test_lists_are_flat_as_rows_grow(client_as, counselor, url, expected):
    client = client_as("counselor")
    add_work(counselor, 1)
    one = queries_for(client, url)

    add_work(counselor, 49)
    fifty = queries_for(client, url)

    assert one == fifty == expected


def test_the_home_asks_whether_anything_waits_before_reading_the_inbox_and_handovers(
    client_as, counselor
):
    """With no contact untaken and no case handed over to her lately, the home reads neither
    list (queries.inbox, queries.handed_over): a question of one row stands for each read. What
    the questions leave out is what the lists leave out: a contact on a case someone holds, an
    untaken one older than 60 days, a handover older than 14 days or one she decided herself."""
    now = timezone.now()
    colleague = User.objects.create(username="colleague", display_name="同僚")
    make_contact(make_case(make_client("担当あり"), assigned_to=counselor), at=now)
    make_contact(make_case(make_client("古い")), at=now - dt.timedelta(days=61))
    for by, at in [(colleague, now - dt.timedelta(days=15)), (counselor, now)]:
        CaseAssignment.objects.create(
            case=make_case(make_client("引継ぎ"), assigned_to=counselor),
            to_user=counselor,
            changed_by=by,
            changed_at=at,
        )
    client = client_as("counselor")
    client.get(reverse("consultations:home"))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("consultations:home"))

    home = response.context["home"]
    assert home.unassigned == [] and home.handed_over == []
    sql = [query["sql"] for query in captured]
    # The sign-in checks, her open cases numbered and read, her quiet crises, the two questions
    # in one statement.
    assert len(sql) == 6
    assert not any('"consultations_caseassignment"."reason"' in q for q in sql)
    assert not any('"consultations_contact"."channel_id"' in q for q in sql)


def test_a_filtered_case_list_is_flat_as_rows_grow(client_as, counselor):
    client = client_as("counselor")
    line = vocabulary("Channel", "line")
    filtered = reverse("consultations:case_list") + f"?channel={line.pk}&overdue=on"
    add_work(counselor, 1)
    one = queries_for(client, filtered), queries_for(client, filtered + "&panel=filters")

    add_work(counselor, 49)
    fifty = queries_for(client, filtered), queries_for(client, filtered + "&panel=filters")

    # Sign-in checks, the channels read to know the one chosen, the count, the page; the panel
    # opened draws the form, with its other choices (the counselors; concerns) read.
    assert one == fifty == (5, 7)


def test_the_quiet_crisis_filter_is_flat_as_rows_grow(client_as, counselor):
    client = client_as("counselor")
    quiet = reverse("consultations:case_list") + f"?counselor={counselor.pk}&quiet=on"
    add_work(counselor, 1)
    one = queries_for(client, quiet)

    add_work(counselor, 49)
    fifty = queries_for(client, quiet)

    # Sign-in checks, the counselors read to know the one chosen, the count, the page.
    assert one == fifty == 5


def test_the_supervisors_home_is_flat_as_the_team_grows(client_as, counselor, supervisor):
    client = client_as("supervisor")
    add_work(counselor, 1)
    add_work(supervisor, 1)
    one = queries_for(client, reverse("consultations:home"))

    add_work(counselor, 49)
    fifty = queries_for(client, reverse("consultations:home"))

    assert one == fifty == 13  # a counselor's 9, the team's two lists, notices, caseloads


def test_the_case_page_is_flat_as_her_story_grows(client_as, counselor):
    client = client_as("counselor")
    case = make_case(make_client("ながい"), assigned_to=counselor)
    start = timezone.now() - dt.timedelta(days=200)
    concerns = [vocabulary("ConcernCategory", "dv"), vocabulary("ConcernCategory", "poverty")]

    def add(n: int, offset: int) -> None:
        for i in range(offset, offset + n):
            at = start + dt.timedelta(days=i)
            contact = make_contact(case, at=at, summary=f"記録{i}")
            contact.categories.set(concerns)
            SupportActivity.objects.create(case=case, kind="visit", done_on=at.date())
            Referral.objects.create(case=case, agency=agency(), referred_on=at.date())
            CaseStatusChange.objects.create(case=case, to_status="supporting", changed_by=counselor)
            CaseAssignment.objects.create(
                case=case, from_user=counselor, to_user=counselor, changed_by=counselor
            )

    add(1, 0)
    one = queries_for(client, case.get_absolute_url())
    add(49, 1)
    fifty = queries_for(client, case.get_absolute_url())
    add(150, 50)
    two_hundred = queries_for(client, case.get_absolute_url())

    # Sign-in checks, the case, the audit row, her latest entries of each kind (five queries, the
    # contacts with their concerns' labels), whether she writes on LINE: the panels' forms are
    # built only when a panel is opened. Once her contacts fill the page, one more asks which
    # other kinds reach as far (here all of them: every kind was added on the same days).
    assert one == 10
    assert fifty == two_hundred == 11


def test_the_quick_form_records_a_known_womans_contact_in_a_fixed_number_of_statements(
    client_as, counselor
):
    client = client_as("counselor")
    client.get(reverse("consultations:home"))  # warm the session
    concerns = [vocabulary("ConcernCategory", c).pk for c in ("dv", "poverty", "isolation")]

    def statements(story: int) -> int:
        case = make_case(make_client(f"記録{story}件"), assigned_to=counselor)
        for i in range(story):
            make_contact(case, at=timezone.now() - dt.timedelta(days=i + 1))
        data = form(
            client=str(case.client_id),
            nickname="",
            categories=concerns,
            primary_concern=concerns[0],
        )
        with CaptureQueriesContext(connection) as captured:
            response = client.post(URL, data)
        assert response.status_code == 302
        added = case.contacts.unscoped().latest("pk")
        assert sorted(added.categories.values_list("pk", flat=True)) == sorted(concerns)
        return len(captured)

    # Sign-in checks; her record, the channel, the concerns and the main one the form names; in
    # the form's transaction (a savepoint here, as the test runs in one; the contact is a part of
    # it, with no savepoint of its own): her open case and its concerns, the case updated (main
    # concern, concerns added, audit row) and read again for its version, the contact, its
    # concerns (added: a new contact has none to read first), its audit row. However long her
    # story.
    assert statements(1) == statements(30) == 17
