"""Rules found by review: every read audited, side effects versioned, contacts on their own case,
restriction per case, only the right people change it."""

import datetime as dt
import logging

import pytest
from django.urls import reverse

from consultations.models import Case, Referral
from kokona.models import AuditEvent
from tests.conftest import PASSWORD, agency, make_case, make_client, make_contact, vocabulary


@pytest.fixture
def case(counselor):
    return make_case(make_client("みさき"), assigned_to=counselor)


def contact_form(**fields):
    return {
        "channel": vocabulary("Channel", "line").pk,
        "occurred_at": "2026-11-28T21:00",
        "direction": "in",
        "urgency": "normal",
        "summary": "続きの相談",
        **fields,
    }


@pytest.mark.parametrize(
    "action", ["status", "assign", "add_contact", "add_referral", "add_activity"]
)
def test_a_case_page_sent_back_with_errors_is_an_audited_read(client_as, case, counselor, action):
    response = client_as("counselor").post(
        reverse(f"consultations:case_{action}", args=[case.pk]), {}
    )

    assert response.status_code in (400, 403)
    if response.status_code == 400:
        assert AuditEvent.objects.filter(
            action="view", object_type="consultations.case", object_id=str(case.pk), actor=counselor
        ).exists()


class TestContactsOnTheCasePage:
    def test_a_contact_stays_on_the_case_it_was_added_to(self, client_as, case, counselor):
        newer = make_case(case.client, assigned_to=counselor)

        client_as("counselor").post(
            reverse("consultations:case_add_contact", args=[case.pk]), contact_form()
        )

        assert case.contacts.unscoped().count() == 1 and newer.contacts.unscoped().count() == 0

    def test_a_closed_case_takes_no_contact(self, client_as, counselor):
        closed = make_case(
            make_client("ゆか"),
            assigned_to=counselor,
            status="closed",
            opened_on=dt.date(2026, 4, 1),
            closed_on=dt.date(2026, 5, 1),
        )

        response = client_as("counselor").post(
            reverse("consultations:case_add_contact", args=[closed.pk]), contact_form()
        )

        assert response.status_code == 400
        assert "再開" in response.content.decode()
        assert not closed.client.contacts.unscoped().exists()
        assert Case.objects.unscoped().count() == 1

    def test_a_contact_makes_an_open_edit_form_stale(self, client_as, case):
        editor, other = client_as("supervisor"), client_as("counselor")
        editor.get(reverse("consultations:case_edit", args=[case.pk]))

        other.post(
            reverse("consultations:case_add_contact", args=[case.pk]),
            contact_form(
                follow_up_due="2026-12-05", categories=[vocabulary("ConcernCategory", "dv").pk]
            ),
        )
        response = editor.post(
            reverse("consultations:case_edit", args=[case.pk]), {"risk": "high", "version": 1}
        )

        assert response.status_code == 409
        case.refresh_from_db()
        assert case.follow_up_due == dt.date(2026, 12, 5)
        assert case.categories.filter(code="dv").exists()

    def test_the_contact_tells_the_case_and_that_is_audited(self, client_as, case, counselor):
        client_as("counselor").post(
            reverse("consultations:case_add_contact", args=[case.pk]),
            contact_form(follow_up_due="2026-12-05"),
        )

        event = AuditEvent.objects.get(action="update", object_type="consultations.case")
        assert "follow_up_due" in event.detail["fields"]


def test_after_a_conflict_saving_again_goes_through(client_as, case):
    url = reverse("consultations:case_edit", args=[case.pk])
    first, second = client_as("counselor"), client_as("supervisor")
    first.post(url, {"risk": "medium", "version": 1})

    refused = second.post(url, {"risk": "crisis", "version": 1})
    again = second.post(
        url, {"risk": "crisis", "version": refused.context["form"]["version"].value()}
    )

    assert refused.status_code == 409
    assert again.status_code == 302
    case.refresh_from_db()
    assert case.risk == "crisis"


class TestRestriction:
    def test_only_the_counselor_in_charge_or_a_supervisor_changes_it(self, client_as, case):
        url = reverse("consultations:case_edit", args=[case.pk])

        client_as("other_counselor").post(url, {"risk": "low", "restricted": "on", "version": 1})
        case.refresh_from_db()
        assert not case.restricted

        client_as("counselor").post(
            url, {"risk": "low", "restricted": "on", "version": case.version}
        )
        case.refresh_from_db()
        assert case.restricted
        event = AuditEvent.objects.get(action="update", detail__has_key="restricted")
        assert event.detail["restricted"] == [False, True]

    def test_a_counselor_in_charge_of_another_of_her_cases_sees_her_but_not_that_case(
        self, client_as, counselor, other_counselor
    ):
        woman = make_client("あおい")
        secret = make_case(woman, assigned_to=counselor, restricted=True)
        mine = make_case(woman, assigned_to=other_counselor)
        make_contact(secret, summary="制限ケースの記録")
        make_contact(mine, summary="担当ケースの記録")
        client = client_as("other_counselor")

        assert client.get(mine.get_absolute_url()).status_code == 200
        assert client.get(woman.get_absolute_url()).status_code == 200
        assert client.get(secret.get_absolute_url()).status_code == 404
        home = client.get(reverse("consultations:home")).content.decode()
        assert mine.get_absolute_url() in home
        assert secret.get_absolute_url() not in home
        her_page = client.get(woman.get_absolute_url()).content.decode()
        assert secret.get_absolute_url() not in her_page

    def test_home_lists_leave_hidden_women_out(self, client_as, counselor):
        hidden = make_case(
            make_client("ひみつ"),
            restricted=True,
            assigned_to=counselor,
            follow_up_due=dt.date(2020, 1, 1),
        )
        make_contact(hidden)

        home = client_as("other_counselor").get(reverse("consultations:home")).content.decode()

        assert hidden.get_absolute_url() not in home
        assert "ひみつ" not in home


def test_a_second_referral_the_same_day_is_recorded(client_as, case):
    url = reverse("consultations:case_add_referral", args=[case.pk])
    data = {"agency": agency().pk, "stage": "informed", "referred_on": "2026-11-20"}
    client = client_as("counselor")

    client.post(url, data)
    client.post(url, {**data, "shares_information": "on", "consent_recorded": "on"})

    assert Referral.objects.unscoped().count() == 2
    assert Referral.objects.unscoped().filter(shares_information=True).exists()


def test_the_case_list_takes_no_name_in_its_address(client_as, case):
    response = client_as("counselor").get(reverse("consultations:case_list") + "?q=別人")

    assert case.get_absolute_url() in response.content.decode()  # the name was not applied


def test_database_details_are_kept_out_of_the_logs():
    from kokona.logs import ScrubbingFormatter

    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "IntegrityError\nDETAIL:  Failing row contains (7, 夫のDVから避難).",
        None,
        None,
    )
    record.request_id = "-"

    assert "夫のDV" not in ScrubbingFormatter("%(message)s").format(record)


class TestUserAdmin:
    def test_a_supervisor_cannot_make_anyone_a_superuser(self, client_as, supervisor, counselor):
        client = client_as("supervisor")
        url = reverse("admin:kokona_user_change", args=[supervisor.pk])

        client.post(
            url,
            {
                "username": supervisor.username,
                "is_active": "on",
                "is_staff": "on",
                "is_superuser": "on",
                "date_joined_0": "2026-04-01",
                "date_joined_1": "09:00:00",
            },
        )

        supervisor.refresh_from_db()
        assert not supervisor.is_superuser

    def test_a_supervisor_cannot_edit_a_superuser(self, client_as, db):
        from kokona.models import User

        root = User.objects.create_superuser("root", password=PASSWORD)

        response = client_as("supervisor").get(reverse("admin:kokona_user_change", args=[root.pk]))

        assert b'name="username"' not in response.content


def test_an_anonymous_follow_up_is_refused_on_the_field_that_was_filled(client_as):
    response = client_as("counselor").post(
        reverse("consultations:record"),
        {
            "client": "anonymous",
            "channel": vocabulary("Channel", "line").pk,
            "occurred_at": "2026-11-28T21:00",
            "urgency": "normal",
            "summary": "匿名の相談",
            "follow_up_due": "2026-12-01",
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"follow_up_due"}


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


class TestKeepAlive:
    def test_typing_keeps_the_session(self, client_as):
        response = client_as("counselor").post(reverse("keep_alive"))

        assert response.status_code == 204

    def test_it_needs_a_signed_in_user_and_a_post(self, client, client_as):
        assert client.post(reverse("keep_alive"))["Location"].startswith("/login/")
        assert client_as("counselor").get(reverse("keep_alive")).status_code == 405
