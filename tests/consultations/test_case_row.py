"""`{% case_row %}`: a case as the home, the case list and her page show it, drawn in Python."""

import datetime as dt

import pytest
from django.template import engines
from django.utils import timezone

from consultations.models import Case, ConcernCategory
from consultations.queries import case_rows
from tests.consultations.factories import make_case, make_client, make_contact

pytestmark = pytest.mark.django_db


def draw(case: Case, **options: object) -> str:
    """The row as a template draws it, from the case as the lists read it."""
    row = case_rows(Case.objects.unscoped().filter(pk=case.pk)).get()
    template = engines["django"].from_string(
        "{% load cases %}{% case_row case show_counselor=sc %}"
    )
    return template.render({"case": row, "sc": options.get("show_counselor", False)})


def test_it_links_her_case_and_escapes_her_nickname() -> None:
    case = make_case(make_client("<b>みさき</b>"))
    html = draw(case)
    assert f'href="{case.get_absolute_url()}"' in html
    assert "&lt;b&gt;みさき&lt;/b&gt;" in html
    assert "<b>" not in html
    assert case.client.code in html


def test_it_shows_the_status_and_warns_of_risk_and_restriction() -> None:
    quiet = draw(make_case(status="supporting"))
    assert '<span class="tag tag--' in quiet and "支援中" in quiet
    assert "リスク" not in quiet and "制限" not in quiet

    loud = draw(make_case(risk="crisis", restricted=True))
    assert '<span class="tag tag--error">リスク: 緊急</span>' in loud
    assert '<span class="tag tag--muted">閲覧制限</span>' in loud


def test_it_says_whether_the_follow_up_is_late_due_today_or_ahead() -> None:
    today = timezone.localdate()
    late = draw(make_case(follow_up_due=today - dt.timedelta(days=2)))
    assert '<span class="overdue">' in late and "（期限切れ）" in late

    due = draw(make_case(follow_up_due=today))
    assert '<strong class="tag tag--warning">本日</strong>' in due
    assert "overdue" not in due

    ahead = draw(make_case(follow_up_due=today + dt.timedelta(days=3)))
    assert "期限切れ" not in ahead and "本日" not in ahead
    assert f"{(today + dt.timedelta(days=3)).day}日" in ahead

    closed = draw(
        make_case(status="closed", closed_on=today, follow_up_due=today - dt.timedelta(days=2))
    )
    assert "期限切れ" not in closed


def test_it_shows_the_main_concern_and_the_last_contact() -> None:
    concern = ConcernCategory.objects.order_by("order").first()
    case = make_case(primary_concern=concern)
    make_contact(case, at=dt.datetime(2026, 11, 20, 22, 0, tzinfo=dt.UTC))
    html = draw(case)
    assert f"<span>{concern.label}</span>" in html
    assert "最終相談" in html and "11月21日" in html  # 22:00 UTC is the next morning in Japan

    assert "最終相談" not in draw(make_case())


def test_it_names_who_is_in_charge_only_in_lists_of_everyones_cases(counselor) -> None:
    case = make_case(assigned_to=counselor)
    assert "担当" not in draw(case)
    assert "担当: 相談員 さくら" in draw(case, show_counselor=True)
    assert "担当: なし" in draw(make_case(), show_counselor=True)


def test_it_escapes_every_name_it_writes(counselor) -> None:
    counselor.display_name = '相談員 "<i>"'
    counselor.save(update_fields=["display_name"])
    concern = ConcernCategory.objects.order_by("order").first()
    ConcernCategory.objects.filter(pk=concern.pk).update(label="<u>住まい</u>")
    html = draw(make_case(assigned_to=counselor, primary_concern=concern), show_counselor=True)
    assert "担当: 相談員 &quot;&lt;i&gt;&quot;" in html
    assert "<span>&lt;u&gt;住まい&lt;/u&gt;</span>" in html
    assert "<i>" not in html and "<u>" not in html


def test_a_counselor_without_a_display_name_is_named_by_her_username(counselor) -> None:
    counselor.display_name = ""
    counselor.save(update_fields=["display_name"])
    assert f"担当: {counselor.username}" in draw(
        make_case(assigned_to=counselor), show_counselor=True
    )


def test_the_rows_read_her_nickname_the_concern_and_the_counselor_without_a_join(
    counselor, django_assert_num_queries
) -> None:
    """Joined, the woman, the concern and the counselor were three more tables for the planner
    to order with a filtered list's own (its page planned in 3.1 ms, 0.9 without): each is a
    subquery of the row, and the rows are drawn from the one query."""
    concern = ConcernCategory.objects.order_by("order").first()
    for n in range(3):
        make_case(make_client(f"みさき{n}"), assigned_to=counselor, primary_concern=concern)
    rows = case_rows(Case.objects.unscoped().order_by("pk"))
    assert "JOIN" not in str(rows.query)
    template = engines["django"].from_string(
        "{% load cases %}{% for case in rows %}{% case_row case show_counselor=True %}{% endfor %}"
    )
    with django_assert_num_queries(1):
        html = template.render({"rows": rows})
    for n in range(3):
        assert f">みさき{n}</a>" in html
    assert html.count(f"<span>{concern.label}</span>") == 3
    assert html.count("担当: 相談員 さくら") == 3


def test_the_rows_subqueries_built_once_serve_every_list_alike(counselor, other_counselor) -> None:
    """`case_rows` builds its subqueries once per process (`queries._row_values`): each list
    copies them as it resolves them against its own query, joins and aliases included."""
    mine = make_case(make_client("みさき"), assigned_to=counselor)
    theirs = make_case(make_client("あおい"), assigned_to=other_counselor)
    everyone = Case.objects.unscoped().order_by("pk")
    # A join to the woman's table in the outer query, where the subquery reads it too.
    by_name = everyone.filter(client__nickname="あおい", assigned_to__username="mizuki")
    for _ in range(2):
        assert [(c.pk, c.nickname, c.counselor) for c in case_rows(by_name)] == [
            (theirs.pk, "あおい", "相談員 みずき")
        ]
        assert [(c.pk, c.nickname, c.counselor) for c in case_rows(everyone)] == [
            (mine.pk, "みさき", "相談員 さくら"),
            (theirs.pk, "あおい", "相談員 みずき"),
        ]
    assert not hasattr(case_rows(everyone, counselor=False)[0], "counselor")
