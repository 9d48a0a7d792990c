"""Referrals: her information leaves the NPO only with her consent, or a supervisor's reasoned
override; the record of each sharing is kept."""

import pytest
from django.db import transaction
from django.db.utils import DatabaseError, IntegrityError
from django.urls import reverse

from consultations.models import Referral
from kokona.models import AuditEvent
from tests.consultations.factories import agency, make_case, make_client


@pytest.fixture
def case(counselor):
    return make_case(make_client("りん"), assigned_to=counselor)


def refer(client, case, **fields):
    data = {"agency": agency().pk, "stage": "coordinating", "referred_on": "2026-11-20", **fields}
    return client.post(reverse("consultations:case_add_referral", args=[case.pk]), data)


def test_a_referral_without_sharing_needs_no_consent(client_as, case):
    assert refer(client_as("counselor"), case).status_code == 302
    assert Referral.objects.unscoped().get().shares_information is False


def test_sharing_with_her_consent_is_recorded_and_audited(client_as, case, counselor):
    refer(client_as("counselor"), case, shares_information="on", consent_recorded="on")

    referral = Referral.objects.unscoped().get()
    assert referral.shares_information and referral.consent_recorded
    event = AuditEvent.objects.get(action="create", object_type="consultations.referral")
    assert event.actor == counselor
    assert event.detail["shares_information"] is True


def test_a_counselor_cannot_share_without_consent(client_as, case):
    response = refer(client_as("counselor"), case, shares_information="on")

    assert response.status_code == 400
    assert "管理者に相談" in response.content.decode()
    assert not Referral.objects.unscoped().exists()


def test_a_counselor_cannot_smuggle_an_override(client_as, case, supervisor):
    refer(
        client_as("counselor"),
        case,
        shares_information="on",
        override_reason="急いでいた",
        override_by=supervisor.pk,
    )

    assert not Referral.objects.unscoped().exists()


def test_a_supervisor_overrides_with_a_reason_which_is_logged(client_as, case, supervisor):
    refer(
        client_as("supervisor"),
        case,
        shares_information="on",
        override_reason="命の危険があり、警察への連絡が必要と判断した",
    )

    referral = Referral.objects.unscoped().get()
    assert referral.override_by == supervisor
    assert referral.override_reason.startswith("命の危険")
    event = AuditEvent.objects.get(action="create", object_type="consultations.referral")
    assert event.detail["consent_override"] is True


def test_a_supervisor_still_needs_a_reason(client_as, case):
    response = refer(client_as("supervisor"), case, shares_information="on")

    assert response.status_code == 400
    assert not Referral.objects.unscoped().exists()


def test_the_database_refuses_sharing_without_consent_or_override(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(case=case, agency=agency(), shares_information=True)


def test_a_record_of_sharing_cannot_be_deleted(case):
    shared = Referral.objects.create(
        case=case, agency=agency(), shares_information=True, consent_recorded=True
    )
    informed = Referral.objects.create(case=case, agency=agency("法テラス釧路"))

    with pytest.raises(DatabaseError), transaction.atomic():
        shared.delete()
    informed.delete()  # nothing was shared: an ordinary record

    assert Referral.objects.unscoped().filter(pk=shared.pk).exists()
