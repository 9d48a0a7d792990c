"""Actions on the case page: every read audited, side effects versioned, contacts on their own case."""

import datetime as dt

import pytest
from django.urls import reverse

from consultations.models import Case, Referral
from kokona.models import AuditEvent
from tests.consultations.factories import agency, make_case, make_client, vocabulary


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


def test_a_second_referral_the_same_day_is_recorded(client_as, case):
    url = reverse("consultations:case_add_referral", args=[case.pk])
    data = {"agency": agency().pk, "stage": "informed", "referred_on": "2026-11-20"}
    client = client_as("counselor")

    client.post(url, data)
    client.post(url, {**data, "shares_information": "on", "consent_recorded": "on"})

    assert Referral.objects.unscoped().count() == 2
    assert Referral.objects.unscoped().filter(shares_information=True).exists()
