"""Refused access is logged wherever it happens (security.md #14)."""

from django.contrib.contenttypes.models import ContentType

from consultations.models import Client
from kokona.models import AuditEvent
from tests.conftest import BrowserClient, without_tokens
from tests.consultations.factories import make_client


def test_a_role_refusal_is_audited_once(client_as, city_staff):
    assert client_as("city_staff").get("/consultations/").status_code == 403

    assert AuditEvent.objects.filter(action="denied", actor=city_staff).count() == 1


def test_an_admin_page_the_staff_user_may_not_use_is_audited(client_as, supervisor):
    response = client_as("supervisor").get("/admin/axes/accessattempt/")

    assert response.status_code == 403
    event = AuditEvent.objects.get(action="denied", actor=supervisor)
    assert event.detail["path"] == "/admin/axes/accessattempt/"


def test_a_csrf_failure_is_refused_and_audited(db):
    browser = BrowserClient(enforce_csrf_checks=True, headers={"X-Forwarded-Proto": "https"})

    response = browser.post("/login/", {"username": "someone", "password": "x"})

    assert response.status_code == 403
    event = AuditEvent.objects.get(action="denied")
    assert event.detail["path"] == "/login/"
    assert event.detail["csrf"]  # Django's reason, e.g. the missing Referer or token
    assert event.username == ""  # nobody was signed in


def test_view_on_site_says_the_same_for_a_hidden_and_a_missing_record(client_as, supervisor):
    woman = make_client("ひな")
    content_type = ContentType.objects.get_for_model(Client)
    admin = client_as("supervisor")

    existing = admin.get(f"/admin/r/{content_type.pk}/{woman.pk}/")
    missing = admin.get(f"/admin/r/{content_type.pk}/{woman.pk + 999}/")

    assert existing.status_code == missing.status_code == 404
    assert without_tokens(existing) == without_tokens(missing)
    assert AuditEvent.objects.filter(action="denied", actor=supervisor).count() == 2
