"""Every form that checks the password counts toward one lock (security.md #31)."""

import datetime as dt

import time_machine
from django.urls import reverse

from kokona.models import AuditEvent
from tests.conftest import PASSWORD
from tests.consultations.factories import make_case, make_client

NEW = "a brand new passphrase"


def change_password(client, old: str):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": NEW, "new_password2": NEW},
    )


def test_wrong_current_passwords_are_audited(client_as, counselor):
    response = change_password(client_as("counselor"), "wrong guess 1")

    assert response.status_code == 200
    event = AuditEvent.objects.get(action="denied", actor=counselor)
    assert event.detail == {"step_up": "password-change"}


def test_five_wrong_guesses_close_the_password_change(client_as, counselor):
    client = client_as("counselor")
    for n in range(5):
        change_password(client, f"wrong guess {n}")

    response = change_password(client, PASSWORD)

    assert response.status_code == 429
    counselor.refresh_from_db()
    assert counselor.check_password(PASSWORD)  # the right answer did not get through
    assert "30分" in response.content.decode()


def test_the_lock_opens_again_after_half_an_hour(client_as, counselor):
    client = client_as("counselor")
    for n in range(5):
        change_password(client, f"wrong guess {n}")

    with time_machine.travel(dt.timedelta(minutes=31)):
        # Signed in again: the idle timeout has ended the first session by then.
        response = change_password(client_as("counselor"), PASSWORD)

    assert response.status_code == 302
    counselor.refresh_from_db()
    assert counselor.check_password(NEW)


def test_password_change_guesses_close_the_export_too(client_as, supervisor):
    client = client_as("supervisor")
    woman = make_client("みお")
    make_case(woman, assigned_to=supervisor)
    for n in range(5):
        change_password(client, f"wrong guess {n}")

    response = client.post(
        reverse("consultations:client_export", args=[woman.pk]), {"password": PASSWORD}
    )

    assert response.status_code == 400  # her page again, the lock message beside the field
    assert "Content-Disposition" not in response
    assert "30分" in response.content.decode()


def test_export_guesses_close_the_password_change_too(client_as, supervisor):
    client = client_as("supervisor")
    woman = make_client("みお")
    for _ in range(5):
        client.post(reverse("consultations:client_export", args=[woman.pk]), {"password": "no"})

    assert change_password(client, PASSWORD).status_code == 429


def test_the_admin_password_form_is_the_same_form(client_as, supervisor):
    client = client_as("supervisor")

    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")
    supervisor.refresh_from_db()
    assert supervisor.check_password(PASSWORD)
