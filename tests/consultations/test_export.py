"""Everything held on one woman, for her own request: supervisors only, password first, logged."""

import json

from django.urls import reverse

from kokona.models import AuditEvent
from tests.conftest import PASSWORD, make_case, make_client, make_contact


def test_a_supervisor_exports_her_whole_record(client_as, counselor, supervisor):
    woman = make_client("ちか", phone="090-5555-6666", strengths="絵が得意")
    make_contact(make_case(woman, assigned_to=counselor), summary="仕事のことで相談")

    response = client_as("supervisor").post(
        reverse("consultations:client_export", args=[woman.pk]), {"password": PASSWORD}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store, private"
    data = json.loads(response.content)
    assert data["client"]["phone"] == "090-5555-6666"
    assert data["client"]["strengths"] == "絵が得意"
    assert data["cases"][0]["contacts"][0]["summary"] == "仕事のことで相談"
    event = AuditEvent.objects.get(action="export")
    assert event.actor == supervisor and event.object_id == str(woman.pk)


def test_without_the_password_nothing_leaves(client_as, supervisor):
    woman = make_client("ちか")

    response = client_as("supervisor").post(
        reverse("consultations:client_export", args=[woman.pk]), {"password": "not it at all"}
    )

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="export").exists()
    assert AuditEvent.objects.filter(action="denied", object_id=str(woman.pk)).exists()


def test_five_wrong_passwords_close_the_export_for_half_an_hour(client_as, supervisor):
    import datetime as dt

    import time_machine

    woman = make_client("ちか")
    client = client_as("supervisor")
    url = reverse("consultations:client_export", args=[woman.pk])
    for _ in range(5):
        client.post(url, {"password": "guess guess guess"})

    refused = client.post(url, {"password": PASSWORD})

    assert refused.status_code == 302
    assert not AuditEvent.objects.filter(action="export").exists()
    with time_machine.travel(dt.timedelta(minutes=31)):
        client = client_as("supervisor")
        assert client.post(url, {"password": PASSWORD}).status_code == 200
