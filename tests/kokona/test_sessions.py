"""Sessions: new id at sign-in, idle and absolute limits, sign-out, deactivation, password change."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kokona.models import User
from tests.conftest import PASSWORD, https_client, sign_in


def test_the_session_id_changes_at_sign_in(client, city_staff):
    client.get(reverse("login"))
    client.session.save()
    before = client.cookies["__Host-sessionid"].value

    client.post(reverse("login"), {"username": city_staff.username, "password": PASSWORD})

    assert client.cookies["__Host-sessionid"].value != before


def test_sign_out_clears_the_browser_and_the_old_cookie_is_refused(client, counselor):
    sign_in(client, counselor)
    old_cookie = client.cookies["__Host-sessionid"].value

    response = client.post(reverse("logout"))

    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    replay = https_client()
    replay.cookies["__Host-sessionid"] = old_cookie
    assert replay.get("/consultations/")["Location"].startswith("/login/")


def test_sign_out_needs_a_post(client_as):
    assert client_as("counselor").get(reverse("logout")).status_code == 405


def test_thirty_idle_minutes_end_the_session(client, counselor):
    sign_in(client, counselor)

    with time_machine.travel(dt.timedelta(minutes=29)):
        assert client.get("/consultations/").status_code == 200
    with time_machine.travel(dt.timedelta(minutes=29 + 31)):
        assert client.get("/consultations/")["Location"].startswith("/login/")


def session_writes(client, path: str = "/consultations/") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return sum(q["sql"].startswith('UPDATE "django_session"') for q in captured)


def test_the_session_is_renewed_at_most_once_a_minute(client, counselor):
    sign_in(client, counselor)
    with time_machine.travel(dt.timedelta(seconds=1), tick=False):
        assert session_writes(client) == 1  # the first request renews
        assert session_writes(client) == 0
    with time_machine.travel(dt.timedelta(seconds=59), tick=False):
        assert session_writes(client) == 0
    with time_machine.travel(dt.timedelta(seconds=62), tick=False):
        assert session_writes(client) == 1


def test_a_request_that_did_not_renew_still_has_thirty_idle_minutes(client, counselor):
    sign_in(client, counselor)
    with time_machine.travel(dt.timedelta(seconds=1), tick=False):
        session_writes(client)
    last_request = dt.timedelta(seconds=55)
    with time_machine.travel(last_request, tick=False):
        assert session_writes(client) == 0

    with time_machine.travel(last_request + dt.timedelta(minutes=30), tick=False):
        assert client.get("/consultations/").status_code == 200
    # ...and a minute past that, idle since its renewal at 31 minutes and more, it is over.
    with time_machine.travel(last_request + dt.timedelta(minutes=62), tick=False):
        assert client.get("/consultations/")["Location"].startswith("/login/")


def test_the_page_warns_against_thirty_idle_minutes(client_as):
    page = client_as("counselor").get("/consultations/").content.decode()

    assert 'data-idle-seconds="1800"' in page


def test_an_active_session_still_ends_after_ten_hours(client, counselor):
    sign_in(client, counselor)

    for minutes in range(20, 10 * 60, 20):
        with time_machine.travel(dt.timedelta(minutes=minutes)):
            assert client.get("/consultations/").status_code == 200
    with time_machine.travel(dt.timedelta(hours=10, minutes=5)):
        response = client.get("/consultations/")

    assert response["Location"].startswith("/login/")


def test_a_deactivated_user_is_out_at_once(client, counselor):
    sign_in(client, counselor)
    counselor.is_active = False
    counselor.save(update_fields=["is_active"])

    assert client.get("/consultations/")["Location"].startswith("/login/")


def test_a_password_change_ends_the_other_sessions(counselor):
    mine, other = sign_in(https_client(), counselor), sign_in(https_client(), counselor)

    response = mine.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )

    assert response.status_code == 302
    assert mine.get("/consultations/").status_code == 200
    assert other.get("/consultations/")["Location"].startswith("/login/")


def test_reactivation_does_not_revive_old_sessions(client, counselor):
    sign_in(client, counselor)
    counselor.is_active = False
    counselor.save(update_fields=["is_active"])
    counselor.refresh_from_db()
    counselor.is_active = True
    counselor.save(update_fields=["is_active"])

    assert client.get("/consultations/")["Location"].startswith("/login/")
    assert sign_in(https_client(), counselor).get("/consultations/").status_code == 200


def test_a_stale_copy_of_the_user_cannot_lower_the_epoch(counselor):
    stale = User.objects.get(pk=counselor.pk)
    User.objects.filter(pk=counselor.pk).update(is_active=False)
    stale.is_active = True
    stale.save()  # writes the epoch it read before the deactivation

    counselor.refresh_from_db()
    assert counselor.session_epoch == 1


def test_a_bulk_deactivation_ends_sessions_too(client, counselor):
    sign_in(client, counselor)
    User.objects.filter(pk=counselor.pk).update(is_active=False)
    User.objects.filter(pk=counselor.pk).update(is_active=True)

    assert client.get("/consultations/")["Location"].startswith("/login/")


class TestKeepAlive:
    def test_typing_keeps_the_session(self, client_as):
        response = client_as("counselor").post(reverse("keep_alive"))

        assert response.status_code == 204

    def test_it_needs_a_signed_in_user_and_a_post(self, client, client_as):
        assert client.post(reverse("keep_alive"))["Location"].startswith("/login/")
        assert client_as("counselor").get(reverse("keep_alive")).status_code == 405
