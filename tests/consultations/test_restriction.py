"""閲覧制限 per case: who may set it, who then sees her and her cases."""

import datetime as dt

import pytest
from django.urls import reverse

from kokona.models import AuditEvent
from tests.consultations.factories import make_case, make_client, make_contact


@pytest.fixture
def case(counselor):
    return make_case(make_client("みさき"), assigned_to=counselor)


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
        mine = make_case(woman, assigned_to=other_counselor, follow_up_due=dt.date(2020, 1, 1))
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
