"""The case list and the home lists: filters, addresses, the team view."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.queries import filtered_cases
from tests.consultations.factories import make_case, make_client, vocabulary


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
