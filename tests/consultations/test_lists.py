"""The case list and the home lists: filters, addresses, the team view."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from consultations.case_list import filtered_cases
from tests.consultations.factories import make_case, make_client, make_contact, vocabulary


@pytest.fixture
def case(counselor):
    return make_case(make_client("みさき"), assigned_to=counselor)


def test_the_case_list_takes_no_name_in_its_address(client_as, case):
    response = client_as("counselor").get(reverse("consultations:case_list") + "?q=別人")

    assert case.get_absolute_url() in response.content.decode()  # the name was not applied


def test_a_wrong_filter_leaves_the_others_applied(client_as, counselor):
    late = make_case(
        make_client("おそい"), assigned_to=counselor, follow_up_due=dt.date(2020, 1, 1)
    )
    on_time = make_case(make_client("まにあう"), assigned_to=counselor)

    response = client_as("counselor").get(
        reverse("consultations:case_list") + "?overdue=on&date_to=2026-13-45"
    )

    html = response.content.decode()
    assert late.get_absolute_url() in html
    assert on_time.get_absolute_url() not in html
    assert 'aria-invalid="true"' in html


def test_a_supervisor_sees_the_teams_late_and_risky_cases(client_as, counselor):
    late = make_case(
        make_client("おそい"), assigned_to=counselor, follow_up_due=dt.date(2020, 1, 1)
    )
    crisis = make_case(make_client("きけん"), assigned_to=counselor, risk="crisis")

    html = client_as("supervisor").get(reverse("consultations:home")).content.decode()

    assert late.get_absolute_url() in html and crisis.get_absolute_url() in html
    assert (
        "チーム全体"
        not in client_as("counselor").get(reverse("consultations:home")).content.decode()
    )


def test_a_concern_finds_the_cases_with_it_as_main_concern_or_among_their_concerns_once(
    counselor,
):
    dv = vocabulary("ConcernCategory", "dv")
    main = make_case(make_client("A"), assigned_to=counselor, primary_concern=dv)
    among = make_case(make_client("B"), assigned_to=counselor)
    among.categories.add(dv, vocabulary("ConcernCategory", "housing"))
    both = make_case(make_client("C"), assigned_to=counselor, primary_concern=dv)
    both.categories.add(dv)
    other = make_case(make_client("D"), assigned_to=counselor)
    other.categories.add(vocabulary("ConcernCategory", "housing"))

    found = list(filtered_cases(counselor, {"category": dv, "status": "all"}))

    assert sorted(case.pk for case in found) == sorted([main.pk, among.pk, both.pk])


def test_each_status_has_its_colour_in_the_case_list(client_as, counselor):
    for name, status in [
        ("うけつけ", "received"),
        ("しえん", "supporting"),
        ("つなぎ", "referred"),
    ]:
        make_case(make_client(name), assigned_to=counselor, status=status)

    html = client_as("counselor").get(reverse("consultations:case_list")).content.decode()

    assert '<span class="tag tag--warning">受付</span>' in html  # waiting to be taken up
    assert '<span class="tag tag--key">支援中</span>' in html
    assert '<span class="tag tag--success">つなぎ済</span>' in html


def test_a_rows_follow_up_says_whether_it_is_late_or_due_today(client_as, counselor):
    today = timezone.localdate()
    for name, due in [
        ("おくれ", today - dt.timedelta(days=1)),
        ("きょう", today),
        ("らいしゅう", today + dt.timedelta(days=7)),
    ]:
        make_case(make_client(name), assigned_to=counselor, follow_up_due=due)

    html = client_as("counselor").get(reverse("consultations:case_list")).content.decode()

    def row(name: str) -> str:
        start = html.index(f">{name}</a>")
        return html[start : html.index("</li>", start)]

    assert '<span class="overdue">' in row("おくれ") and "（期限切れ）" in row("おくれ")
    assert '<strong class="tag tag--warning">本日</strong>' in row("きょう")
    assert "overdue" not in row("きょう") and "期限切れ" not in row("きょう")
    for late_or_today in ("overdue", "期限切れ", "本日"):
        assert late_or_today not in row("らいしゅう")


@pytest.mark.parametrize("status", ["all", "closed", ""])
def test_the_case_list_can_stop_at_its_page_in_an_index(counselor, status):
    """The list's order is an index's (`case_latest`, and `case_open_latest` for open cases), so
    PostgreSQL reads the first page without sorting every case (bench/README.md). With sorting
    ruled out, the plan must walk one of them."""
    make_case(make_client("みさき"), assigned_to=counselor)
    page = filtered_cases(counselor, {"status": status})[:25]
    sql, params = page.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    index = "case_open_latest" if not status else "case_latest"
    assert f"Index Scan using {index} on consultations_case" in plan
    assert "Sort" not in plan.split("SubPlan")[0]


def test_a_concerns_cases_are_read_from_an_index_alone(counselor):
    """The concern filter finds a concern's cases in the index (concern, case), not in the table
    (migration 0023, bench/README.md)."""
    dv = vocabulary("ConcernCategory", "dv")
    make_case(make_client("みさき"), assigned_to=counselor, primary_concern=dv)
    count = filtered_cases(counselor, {"status": "all", "category": dv}).order_by()
    sql, params = count.values("pk").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # A test's few rows would be read whole; the plan is asked as for many.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Only Scan" in plan and "using case_categories_concern_case on" in plan


def test_a_list_narrowed_by_her_contacts_is_counted_and_paged(client_as, counselor):
    """The count, the pager and the rows of each page are the list's, and only the cases she can
    see are counted."""
    line = vocabulary("Channel", "line")
    by_line = [make_case(make_client(f"ライン{i}"), assigned_to=counselor) for i in range(27)]
    for case in by_line:
        make_contact(case, channel="line")
    make_contact(make_case(make_client("でんわ"), assigned_to=counselor), channel="phone")
    hidden = make_case(make_client("ひみつ"), restricted=True)
    make_contact(hidden, channel="line")
    client = client_as("counselor")
    url = reverse("consultations:case_list") + f"?status=all&channel={line.pk}"

    first, second = (client.get(f"{url}&page={n}").content.decode() for n in (1, 2))

    assert "27件" in first and "27件" in second
    on_first = {c.pk for c in by_line if c.get_absolute_url() in first}
    on_second = {c.pk for c in by_line if c.get_absolute_url() in second}
    assert (len(on_first), len(on_second)) == (25, 2)
    assert on_first | on_second == {c.pk for c in by_line}
    assert hidden.get_absolute_url() not in first + second
