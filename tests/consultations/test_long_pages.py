"""Pages that would grow with years of records show the next things and count or link the rest
(issue 13): the counselor's home, her timeline, and the case page's action panels."""

import datetime as dt

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import queries
from consultations.models import (
    Case,
    CaseAssignment,
    CaseQuerySet,
    CaseStatusChange,
    Referral,
    SupportActivity,
)
from consultations.queries import HOME_ROWS
from consultations.timelines import TIMELINE_ROWS, timeline
from consultations.views.cases import PANELS
from tests.consultations.factories import agency, make_case, make_client, make_contact, vocabulary


def test_the_home_lists_the_next_cases_and_counts_the_rest(client_as, counselor):
    today = timezone.localdate()
    for i in range(HOME_ROWS + 5):
        make_case(
            make_client(f"期限切れ{i}"),
            assigned_to=counselor,
            follow_up_due=today - dt.timedelta(days=i + 1),
        )
    make_case(make_client("あとで"), assigned_to=counselor, follow_up_due=today + dt.timedelta(30))

    response = client_as("counselor").get(reverse("consultations:home"))

    home = response.context["home"]
    assert len(home.overdue) == HOME_ROWS
    assert home.counts == {
        "open": HOME_ROWS + 6,
        "overdue": HOME_ROWS + 5,
        "due": 0,
        "quiet_crises": 0,
    }
    html = response.content.decode()
    mine = html[html.index('id="mine-heading"') :]
    assert f'<span class="count">{HOME_ROWS + 6}</span>' in mine
    assert f"?counselor={counselor.pk}" in mine  # her cases are counted and linked, not listed
    assert f"?counselor={counselor.pk}&amp;overdue=on" in html
    assert "あとで" not in html  # neither overdue nor due: in the case list only


def test_the_home_counts_her_cases_when_none_is_due(client_as, counselor):
    """The counts ride on the first of her cases even when neither list shows one."""
    for i in range(3):
        make_case(make_client(f"来月{i}"), assigned_to=counselor, follow_up_due=None)

    response = client_as("counselor").get(reverse("consultations:home"))

    home = response.context["home"]
    assert home.overdue == home.due == []
    assert home.counts == {"open": 3, "overdue": 0, "due": 0, "quiet_crises": 0}
    assert "担当中の3件をケース一覧で見る" in response.content.decode()


def test_each_home_list_holds_the_next_of_its_own_cases(client_as, counselor, supervisor):
    """The two lists come from one numbering of her open cases (queries.my_open_cases); each
    must hold the next of its own cases, as the plain query for that list would give them, when
    there are more than a list shows and dates are shared."""
    today = timezone.localdate()

    def add(label: str, n: int, first_due: dt.date | None) -> None:
        for i in range(n):
            due = first_due + dt.timedelta(days=i // 4) if first_due else None
            make_case(make_client(f"{label}{i:02d}"), assigned_to=counselor, follow_up_due=due)

    add("期限切れ", HOME_ROWS + 2, today - dt.timedelta(days=20))
    add("近日", HOME_ROWS + 3, today)  # four a day: today and the next three days
    add("来月", 2, today + dt.timedelta(days=30))
    add("未定", 2, None)
    make_case(make_client("ほかの人"), assigned_to=supervisor, follow_up_due=today)
    make_case(
        make_client("終結"),
        assigned_to=counselor,
        follow_up_due=today,
        status="closed",
        closed_on=today,
    )

    home = client_as("counselor").get(reverse("consultations:home")).context["home"]

    hers = Case.objects.visible_to(counselor).filter(assigned_to=counselor)

    def expected(cases: CaseQuerySet) -> list[int]:
        return list(cases.order_by("follow_up_due", "-pk").values_list("pk", flat=True)[:HOME_ROWS])

    assert home.counts == {
        "open": 2 * HOME_ROWS + 9,
        "overdue": HOME_ROWS + 2,
        "due": HOME_ROWS + 3,
        "quiet_crises": 0,
    }
    assert [c.pk for c in home.overdue] == expected(hers.overdue(today))
    assert [c.pk for c in home.due] == expected(hers.due(today))
    assert {c.client.nickname[:2] for c in home.due} == {"近日"}


def test_the_home_lists_the_first_quiet_crises_counts_them_and_links_them_all(
    client_as, counselor, other_counselor
):
    now = timezone.now()
    for i in range(HOME_ROWS + 2):
        case = make_case(make_client(f"危機{i:02d}"), assigned_to=counselor, risk="crisis")
        make_contact(case, at=now - dt.timedelta(days=4 + i))  # the last quiet longest
    heard = make_case(make_client("昨日連絡"), assigned_to=counselor, risk="crisis")
    make_contact(heard, at=now - dt.timedelta(days=1))
    make_case(make_client("記録なし"), assigned_to=counselor, risk="crisis")  # never contacted
    closed_on = timezone.localdate()
    make_case(
        make_client("終結"),
        assigned_to=counselor,
        risk="crisis",
        status="closed",
        closed_on=closed_on,
    )
    make_case(make_client("高"), assigned_to=counselor, risk="high")
    make_case(make_client("同僚の危機"), assigned_to=other_counselor, risk="crisis")
    client = client_as("counselor")

    response = client.get(reverse("consultations:home"))

    home = response.context["home"]
    assert home.counts["quiet_crises"] == HOME_ROWS + 3
    shown = [case.nickname for case in home.quiet_crises]
    longest = [f"危機{i:02d}" for i in (HOME_ROWS + 1, HOME_ROWS)]
    assert shown[:3] == ["記録なし", *longest] and len(shown) == HOME_ROWS
    assert "昨日連絡" not in shown
    html = response.content.decode()
    quiet = html[html.index('id="quiet-heading"') :]
    assert f'<span class="count">{HOME_ROWS + 3}</span>' in quiet
    link = f"?counselor={counselor.pk}&amp;quiet=on"
    assert f"ケース一覧で全{HOME_ROWS + 3}件を見る（ここには最初の{HOME_ROWS}件）" in quiet
    assert link in quiet[: quiet.index("</section>")]

    listed = client.get(reverse("consultations:case_list") + link.replace("&amp;", "&"))

    names = {case.client.nickname for case in listed.context["page"]}
    assert names == {"記録なし", *(f"危機{i:02d}" for i in range(HOME_ROWS + 2))}
    assert "3日以上連絡のない緊急" in listed.content.decode()  # the filter, said on the panel


def test_a_counselors_quiet_crises_are_hers_and_a_supervisors_the_teams(
    client_as, counselor, other_counselor, supervisor
):
    """A counselor's quiet crises are her own open cases'; a supervisor's are the team's. Both as
    the plain query gives them."""
    now = timezone.now()
    for owner, name in [(counselor, "わたしの"), (other_counselor, "同僚の"), (None, "未担当の")]:
        for i in range(3):
            case = make_case(make_client(f"{name}{i}"), assigned_to=owner, risk="crisis")
            make_contact(case, at=now - dt.timedelta(days=5 + i))
    make_case(make_client("危機でない"), assigned_to=counselor, risk="high")
    closed = make_case(
        make_client("終結"),
        assigned_to=counselor,
        risk="crisis",
        status="closed",
        closed_on=timezone.localdate(),
    )
    make_contact(closed, at=now - dt.timedelta(days=30))

    def plain(cases: CaseQuerySet) -> list[int]:
        quiet = queries.quiet_crises(cases, since=now - queries.QUIET_FOR)
        return list(quiet.values_list("pk", flat=True)[:HOME_ROWS])

    mine_page = client_as("counselor").get(reverse("consultations:home"))
    team_page = client_as("supervisor").get(reverse("consultations:home"))
    mine, team = mine_page.context["home"], team_page.context["home"]

    hers = Case.objects.visible_to(counselor).filter(assigned_to=counselor)
    assert [c.nickname for c in mine.quiet_crises] == ["わたしの2", "わたしの1", "わたしの0"]
    assert [c.pk for c in mine.quiet_crises] == plain(hers)
    assert mine.counts["quiet_crises"] == 3
    assert [c.pk for c in team.quiet_crises] == plain(Case.objects.visible_to(supervisor))
    assert team.counts["quiet_crises"] == 9
    # Hers do not name who is in charge; the team's do.
    assert f"担当: {counselor}" not in mine_page.content.decode()
    team_html = team_page.content.decode()
    start = team_html.index('id="quiet-heading"')
    quiet = team_html[start : team_html.index("</section>", start)]
    assert f"担当: {counselor}" in quiet and f"担当: {other_counselor}" in quiet
    assert f'{reverse("consultations:case_list")}?quiet=on"' in quiet  # all nine, the team's


def test_a_case_heard_from_exactly_quiet_for_ago_is_not_quiet_and_ties_keep_the_oldest_first(
    counselor,
):
    """ "No contact since" is the line (queries.gone_quiet): a contact at that very moment counts,
    one a microsecond before it does not; cases last heard from at the same moment come in the
    order they were opened, so the home and a second look agree."""
    since = timezone.now() - queries.QUIET_FOR
    at_the_line = make_case(make_client("ちょうど"), assigned_to=counselor, risk="crisis")
    make_contact(at_the_line, at=since)
    just_before = [
        make_case(make_client(f"直前{i}"), assigned_to=counselor, risk="crisis") for i in range(3)
    ]
    for case in reversed(just_before):
        make_contact(case, at=since - dt.timedelta(microseconds=1))

    quiet = queries.quiet_crises(Case.objects.visible_to(counselor), since=since)

    assert [case.pk for case in quiet] == [case.pk for case in just_before]


def test_her_crisis_cases_are_found_by_their_own_index(counselor):
    """Her open cases at crisis risk are a few of her hundreds: read from the partial index
    case_open_crisis, not from every open case of hers (bench/README.md)."""
    make_case(make_client("危機"), assigned_to=counselor, risk="crisis")
    quiet = queries.quiet_crises(
        Case.objects.visible_to(counselor).filter(assigned_to=counselor),
        since=timezone.now() - queries.QUIET_FOR,
    )
    sql, params = quiet.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # A test's few rows would be read whole; the plan is asked as for many.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "using case_open_crisis on consultations_case " in plan


def test_the_case_page_shows_her_latest_entries_and_links_the_whole_story(client_as, counselor):
    case = make_case(make_client("ながい"), assigned_to=counselor)
    start = timezone.now() - dt.timedelta(days=400)
    for i in range(TIMELINE_ROWS + 3):
        make_contact(case, at=start + dt.timedelta(days=i), summary=f"記録{i:03d}")
    client = client_as("counselor")

    latest = client.get(case.get_absolute_url())
    whole = client.get(case.get_absolute_url() + "?story")

    assert len(latest.context["timeline"]) == TIMELINE_ROWS and latest.context["more"]
    html = latest.content.decode()
    assert f"記録{TIMELINE_ROWS + 2:03d}" in html and "記録000" not in html
    assert "?story#story-heading" in html
    assert len(whole.context["timeline"]) == TIMELINE_ROWS + 3 and not whole.context["more"]
    assert "記録000" in whole.content.decode()


def test_the_latest_entries_are_the_head_of_the_whole_story(counselor):
    """Each kind is read only as far back as the entries already read reach (timelines.timeline):
    the head must still be the whole story's, whatever the kinds and their order."""
    case = make_case(make_client("まざる"), assigned_to=counselor)
    start = timezone.now() - dt.timedelta(days=60)
    for i in range(30):
        at = start + dt.timedelta(days=i, hours=i % 5)
        if i % 3:
            make_contact(case, at=at, summary=f"記録{i}")
        if i % 4 == 0:
            SupportActivity.objects.create(case=case, kind="visit", done_on=timezone.localdate(at))
        if i % 7 == 0:
            CaseStatusChange.objects.create(case=case, to_status="supporting", changed_by=counselor)

    whole = [(e.kind, e.record.pk) for e in timeline(case, counselor)]
    for latest in (1, 5, 12, 25, 60):
        head = [(e.kind, e.record.pk) for e in timeline(case, counselor, latest=latest)]
        assert head == whole[:latest]
    assert {kind for kind, _ in whole[:25]} >= {"contact", "activity"}


def test_a_long_story_reads_only_the_kinds_that_reach_the_entries_shown(counselor):
    """Her contacts fill the entries shown: of the other kinds, only those with a record as
    recent are read (timelines._kinds_reaching)."""
    case = make_case(make_client("ふるい"), assigned_to=counselor)
    long_ago = timezone.now() - dt.timedelta(days=400)
    SupportActivity.objects.create(case=case, kind="visit", done_on=timezone.localdate(long_ago))
    Referral.objects.create(case=case, agency=agency(), referred_on=timezone.localdate(long_ago))
    CaseStatusChange.objects.create(
        case=case, to_status="supporting", changed_by=counselor, changed_at=long_ago
    )
    start = timezone.now() - dt.timedelta(days=30)
    for i in range(25):
        make_contact(case, at=start + dt.timedelta(days=i), summary=f"記録{i}")
    timeline(case, counselor, latest=21)  # her roles, read once

    with CaptureQueriesContext(connection) as read:
        head = timeline(case, counselor, latest=21)
    # Her contacts, then the one question: no activity, referral, status change or handover
    # is as recent as the 21st contact.
    assert len(read.captured_queries) == 2
    assert [e.kind for e in head] == ["contact"] * 21

    # A handover today reaches the entries shown: it is read, and comes first.
    CaseAssignment.objects.create(case=case, to_user=counselor, changed_by=counselor)
    with CaptureQueriesContext(connection) as read:
        head = timeline(case, counselor, latest=21)
    assert len(read.captured_queries) == 3
    assert head[0].kind == "assignment"
    assert [(e.kind, e.record.pk) for e in head] == [
        (e.kind, e.record.pk) for e in timeline(case, counselor)
    ][:21]


class TestActionPanels:
    def test_no_form_is_built_until_a_panel_is_opened(self, client_as, counselor):
        case = make_case(make_client("みさき"), assigned_to=counselor)

        response = client_as("counselor").get(case.get_absolute_url())

        assert all(f"{name}_form" not in response.context for name in PANELS)
        html = response.content.decode()
        panel = reverse("consultations:case_panel", args=[case.pk, "contact"])
        assert f'hx-get="{panel}"' in html and 'hx-trigger="toggle once"' in html
        assert 'name="summary"' not in html

    def test_a_panel_sends_its_form_and_the_page_opens_with_it_without_javascript(
        self, client_as, counselor
    ):
        case = make_case(make_client("みさき"), assigned_to=counselor)
        client = client_as("counselor")

        fragment = client.get(
            reverse("consultations:case_panel", args=[case.pk, "contact"]), HTTP_HX_REQUEST="true"
        )
        page = client.get(case.get_absolute_url() + "?panel=contact")

        assert 'name="summary"' in fragment.content.decode()
        assert "<html" not in fragment.content.decode()
        html = page.content.decode()
        assert 'id="panel-contact" open' in html and 'name="summary"' in html

    def test_an_unknown_panel_and_the_assign_panel_of_a_counselor_are_404(
        self, client_as, counselor
    ):
        case = make_case(make_client("みさき"), assigned_to=counselor)
        client = client_as("counselor")

        for panel in ["nothing", "assign"]:
            url = reverse("consultations:case_panel", args=[case.pk, panel])
            assert client.get(url).status_code == 404

    def test_a_closed_case_opens_with_its_status_form(self, client_as, counselor):
        case = make_case(
            make_client("みさき"),
            assigned_to=counselor,
            status="closed",
            closed_on=timezone.localdate(),
        )

        response = client_as("counselor").get(case.get_absolute_url())

        assert "status_form" in response.context
        assert 'id="panel-status" open' in response.content.decode()

    def test_a_form_with_errors_comes_back_open_and_alone(self, client_as, counselor):
        case = make_case(make_client("みさき"), assigned_to=counselor)

        response = client_as("counselor").post(
            reverse("consultations:case_add_contact", args=[case.pk]), {"summary": ""}
        )

        assert response.status_code == 400
        assert response.context["contact_form"].errors
        assert "activity_form" not in response.context
        assert 'id="panel-contact" open' in response.content.decode()


def test_the_recent_exchanges_are_read_when_their_panel_opens(client_as, counselor, supervisor):
    now = timezone.now()
    hers = make_case(make_client("わたしの"), assigned_to=counselor)
    for i in range(HOME_ROWS + 2):
        make_contact(hers, at=now - dt.timedelta(hours=i), summary=f"記録{i}")
    make_contact(make_case(make_client("ほかの人"), assigned_to=supervisor), at=now)
    client = client_as("counselor")

    home = client.get(reverse("consultations:home")).content.decode()
    panel = home[home.index('id="recent"') :]
    assert f'hx-get="{reverse("consultations:recent")}"' in panel
    assert "わたしの" not in panel  # not read until opened
    assert 'href="?panel=recent#recent"' in panel  # without JavaScript, the home with it open

    fragment = client.get(reverse("consultations:recent"), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.count("わたしの") == HOME_ROWS
    assert "ほかの人" not in html  # a colleague's case
    assert [c.occurred_at for c in fragment.context["recent"]] == sorted(
        (c.occurred_at for c in hers.contacts.unscoped().all()), reverse=True
    )[:HOME_ROWS]

    opened = client.get(reverse("consultations:home") + "?panel=recent").content.decode()
    panel = opened[opened.index('id="recent"') :]
    assert " open" in panel[: panel.index(">")] and panel.count("わたしの") == HOME_ROWS


def test_the_inbox_holds_the_untaken_contacts_of_the_last_60_days(counselor):
    """Its two kinds are read each through its own index (queries.inbox): both must be there,
    nothing else."""
    now = timezone.now()
    long_ago = now - dt.timedelta(days=61)
    nobodys = make_case(make_client("未担当"))
    new_on_case = make_contact(nobodys, at=now - dt.timedelta(hours=1))
    make_contact(nobodys, at=long_ago)
    make_contact(make_case(make_client("担当あり"), assigned_to=counselor), at=now)
    anonymous = make_contact(at=now - dt.timedelta(hours=2))
    make_contact(at=now, counselor=counselor)  # an anonymous one-off already taken
    make_contact(at=long_ago)

    assert queries.inbox(counselor) == [new_on_case, anonymous]


def test_a_contacts_concerns_show_on_her_timeline_in_their_vocabularys_order(client_as, counselor):
    case = make_case(make_client("ながい"), assigned_to=counselor)
    contact = make_contact(case, at=timezone.now())
    contact.categories.set([vocabulary("ConcernCategory", c) for c in ("poverty", "dv")])
    make_contact(case, at=timezone.now() - dt.timedelta(days=1), summary="内容なし")

    html = client_as("counselor").get(case.get_absolute_url()).content.decode()

    tags = '<span class="tag tag--muted">DV・デートDV</span> <span class="tag tag--muted">経済・生活困窮</span>'
    assert tags in html
    assert html.count('<p class="small"><span class="tag tag--muted">') == 1  # none on the other
