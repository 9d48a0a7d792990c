"""Security headers, cookies, hosts and the health check."""

import re

import pytest
from django.db import ConnectionHandler
from django.urls import reverse

from kokona.views import pages as views


@pytest.fixture
def login_page(client, db):
    return client.get(reverse("login"))


def test_the_content_security_policy_has_a_nonce_and_no_inline_script(login_page):
    csp = login_page["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    html = login_page.content.decode()

    assert "object-src 'none'" in csp
    assert "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)
    assert "style=" not in html


def test_each_response_gets_a_new_nonce(client, db):
    first = client.get(reverse("login"))["Content-Security-Policy"]
    second = client.get(reverse("login"))["Content-Security-Policy"]

    assert first != second


def test_transport_and_framing_headers(login_page):
    assert (
        int(re.search(r"max-age=(\d+)", login_page["Strict-Transport-Security"]).group(1))
        >= 31536000
    )
    assert login_page["X-Content-Type-Options"] == "nosniff"
    assert login_page["Referrer-Policy"] == "same-origin"
    assert login_page["X-Frame-Options"] == "DENY"
    assert login_page["Cache-Control"] == "no-store, private"


def test_cookies_are_host_only_secure_and_http_only(client, db):
    response = client.get(reverse("login"))
    cookie = response.cookies["__Host-csrftoken"]

    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_the_session_cookie_is_host_only_and_ends_with_the_browser(client_as):
    client = client_as("city_staff")
    response = client.get("/reports/")
    cookie = response.cookies["__Host-sessionid"]

    assert cookie["secure"] and cookie["httponly"]
    assert not cookie["expires"]  # a browser-session cookie


def test_plain_http_is_redirected_to_https(db):
    from django.test import Client

    response = Client().get(reverse("login"))

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_an_unknown_host_gets_400(client, db):
    assert client.get(reverse("login"), headers={"Host": "evil.example"}).status_code == 400


def test_every_response_carries_a_request_id(login_page):
    assert re.fullmatch(r"[0-9a-f-]{36}", login_page["X-Request-ID"])


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch, settings):
    # A real connection to a port where no PostgreSQL listens, in place of the healthy one.
    broken = ConnectionHandler({"default": {**settings.DATABASES["default"], "PORT": "1"}})
    monkeypatch.setattr(views, "connection", broken["default"])

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


def test_make_run_explains_how_to_get_postgresql_when_none_answers(settings, monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    # Nothing listens there; createdb connects as the owner.
    monkeypatch.setitem(settings.DATABASES["default"], "PORT", "1")
    monkeypatch.setitem(settings.MIGRATE_DATABASE, "PORT", "1")

    with pytest.raises(CommandError) as error:
        call_command("createdb")

    assert "apt-get install postgresql" in str(error.value)
    assert "DATABASE_URL" in str(error.value)
    assert "MIGRATE_DATABASE_URL" in str(error.value)
