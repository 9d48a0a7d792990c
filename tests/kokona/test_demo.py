"""`manage.py seed_demo`: sign-ins for each role and the synthetic consultations, loaded once."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from consultations.indicators import unique_consultees
from consultations.models import Case, Contact
from kokona.models import User


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_refuses_without_debug(db):
    with pytest.raises(CommandError):
        seed()
    assert not User.objects.exists()


def test_it_loads_the_demo_once(db, settings):
    settings.DEBUG = True

    output = seed()
    contacts = Contact.objects.unscoped().count()
    seed()

    assert Contact.objects.unscoped().count() == contacts
    assert "soudan" in output and "kyoten" in output
    assert {u.primary_role for u in User.objects.all()} >= {
        "counselor",
        "supervisor",
        "city_staff",
        "site_manager",
    }


def test_reiwa_3_shows_twenty_people_consulting(db, settings):
    settings.DEBUG = True
    seed()

    assert unique_consultees(2021) == 20
    assert Case.objects.unscoped().filter(restricted=True).count() == 1


def test_a_printed_backup_code_signs_the_demo_counselor_in(db, settings, client):
    settings.DEBUG = True
    seed()

    client.post("/login/", {"username": "soudan", "password": "kokona-demo-2026"})
    response = client.post("/account/two-factor/verify/", {"otp_token": "soudan-1"})

    assert response.status_code == 302
    assert client.get("/consultations/").status_code == 200
