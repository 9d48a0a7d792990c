"""Behind a TLS proxy: lockouts and the audit trail use the real client address (security.md #30)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from kokona.client_address import client_ip
from kokona.models import AuditEvent, Notice
from tests.conftest import PASSWORD, https_client

PROXY = "10.0.0.2"
ALICE, BOB = "203.0.113.5", "198.51.100.7"


@pytest.fixture(autouse=True)
def one_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def via_proxy(forwarded_for: str):
    """A browser behind the proxy: the proxy connects (REMOTE_ADDR) and appends what it saw."""
    return https_client(), {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


def sign_in_attempt(client, extra, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "1.2.3.4", "10.0.0.2"),  # no proxy trusted: the header is the client's own words
        (1, ALICE, ALICE),
        (1, f"{BOB}, {ALICE}", ALICE),  # a spoofed leftmost entry changes nothing
        (1, f"{BOB},{BOB}, {ALICE}", ALICE),
        (2, f"{BOB}, {ALICE}, 10.0.0.9", ALICE),
        (2, ALICE, PROXY),  # fewer entries than proxies: it did not come through them all
        (1, "", PROXY),
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_entry_the_outermost_trusted_proxy_wrote(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_six_wrong_passwords_lock_that_client_only(counselor):
    alice, from_alice = via_proxy(ALICE)
    for _ in range(5):
        sign_in_attempt(alice, from_alice, counselor.username, "not the password")

    sixth = sign_in_attempt(alice, from_alice, counselor.username, "not the password")
    bob, from_bob = via_proxy(BOB)
    elsewhere = sign_in_attempt(bob, from_bob, counselor.username, PASSWORD)

    assert sixth.status_code == 429
    assert elsewhere.status_code == 302
    failures = AuditEvent.objects.filter(action="failed-login", username=counselor.username)
    assert set(failures.values_list("ip", flat=True)) == {ALICE}


def test_a_spoofed_leftmost_entry_neither_escapes_nor_frames_anyone(counselor):
    alice = https_client()
    for n in range(6):
        # Alice claims to be a different address every time, and once to be Bob.
        spoof = BOB if n == 0 else f"192.0.2.{n}"
        extra = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{spoof}, {ALICE}"}
        last = sign_in_attempt(alice, extra, counselor.username, "not the password")

    bob, from_bob = via_proxy(BOB)

    assert last.status_code == 429
    assert sign_in_attempt(bob, from_bob, counselor.username, PASSWORD).status_code == 302


def test_a_successful_sign_in_is_audited_with_the_real_address(counselor):
    client, extra = via_proxy(f"{BOB}, {ALICE}")

    sign_in_attempt(client, extra, counselor.username, PASSWORD)

    assert AuditEvent.objects.get(action="login").ip == ALICE


def test_a_username_attacked_from_many_addresses_is_locked_for_everyone(
    counselor, supervisor, settings
):
    for n in range(settings.USERNAME_FAILURE_LIMIT):
        client, extra = via_proxy(f"192.0.2.{n + 1}")
        assert sign_in_attempt(client, extra, counselor.username, "guess").status_code == 200

    client, extra = via_proxy(BOB)
    response = sign_in_attempt(client, extra, counselor.username, PASSWORD)

    assert response.status_code == 429
    assert "多くの場所" in response.content.decode()
    notice = Notice.objects.get()
    assert counselor.username in notice.text
    assert str(settings.USERNAME_FAILURE_LIMIT) in notice.text
    assert AuditEvent.objects.filter(
        action="denied", username=counselor.username, detail__lockout="username"
    ).exists()


def test_fewer_failures_from_many_addresses_lock_nobody(counselor, settings):
    for n in range(settings.USERNAME_FAILURE_LIMIT - 1):
        client, extra = via_proxy(f"192.0.2.{n + 1}")
        sign_in_attempt(client, extra, counselor.username, "guess")

    client, extra = via_proxy(BOB)

    assert sign_in_attempt(client, extra, counselor.username, PASSWORD).status_code == 302
    assert not Notice.objects.exists()
