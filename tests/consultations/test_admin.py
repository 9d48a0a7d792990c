"""Supervisors edit the vocabularies and agencies in the admin; nobody else reaches them, and no
woman's record is there."""

import pytest
from django.urls import NoReverseMatch, reverse

from consultations.models import Channel
from tests.consultations.factories import vocabulary

VOCABULARY_PAGES = [
    "admin:consultations_concerncategory_changelist",
    "admin:consultations_channel_changelist",
    "admin:consultations_ageband_changelist",
    "admin:consultations_agency_changelist",
]


@pytest.mark.parametrize("page", VOCABULARY_PAGES)
@pytest.mark.parametrize(
    "persona, allowed",
    [
        ("supervisor", True),
        ("counselor", False),
        ("city_staff", False),
        ("site_manager", False),
        ("anonymous", False),
    ],
)
def test_only_supervisors_reach_the_vocabularies(client_as, persona, allowed, page):
    response = client_as(persona).get(reverse(page), follow=True)

    reached = response.status_code == 200 and not response.redirect_chain
    assert reached is allowed


def test_a_supervisor_renames_a_channel(client_as):
    channel = vocabulary("Channel", "sns")

    response = client_as("supervisor").post(
        reverse("admin:consultations_channel_change", args=[channel.pk]),
        {"code": "sns", "label": "Instagram・X", "order": channel.order, "is_active": "on"},
    )

    assert response.status_code == 302
    assert Channel.objects.get(pk=channel.pk).label == "Instagram・X"


@pytest.mark.parametrize("model", ["client", "case", "contact", "referral", "supportactivity"])
def test_no_womans_record_is_in_the_admin(model):
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:consultations_{model}_changelist")
