"""`manage.py seed_scale`: a year of synthetic records in bulk, written as the app would write
them (encrypted fields, handle hashes, a ledger never below zero)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from consultations.models import Case, Client, Contact, SupportActivity
from ibasho.models import Attendance, Session
from kokona import scale
from kokona.crypto import keyed_hash
from reports.models import SurveyResponse
from supplies.models import Site, StockMovement


@pytest.mark.django_db
def test_one_year_has_the_volumes_of_a_year_written_as_the_app_writes(capsys):
    call_command("seed_scale", years=1)

    assert Client.objects.unscoped().count() == Case.objects.unscoped().count() == 2000
    assert Contact.objects.unscoped().count() >= scale.CONTACTS_PER_YEAR
    assert SupportActivity.objects.unscoped().count() >= scale.ACTIVITIES_PER_YEAR
    assert Session.objects.count() == scale.SESSIONS_PER_YEAR
    assert Attendance.objects.unscoped().exists()
    assert SurveyResponse.objects.count() == scale.SURVEY_ANSWERS_PER_YEAR
    assert Site.objects.count() == scale.SITES
    assert StockMovement.objects.count() > scale.SITES * 52
    # Ciphertext in the table, the text through the model; the handle found by its hash.
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM consultations_contact LIMIT 1")
        assert cursor.fetchone()[0].startswith("v1:")
    woman = Client.objects.unscoped().exclude(line_id="").first()
    assert woman.line_hash == keyed_hash(woman.line_id, kind="line")
    # One case tells a long story: the case page the benchmark opens.
    longest = max(Case.objects.unscoped(), key=lambda case: case.contacts.unscoped().count())
    assert longest.contacts.unscoped().count() > 100
    # Seeding again adds nothing.
    call_command("seed_scale", years=1)
    assert "Already seeded" in capsys.readouterr().out
    assert Case.objects.unscoped().count() == 2000


@pytest.mark.django_db
def test_it_refuses_a_database_with_users(counselor):
    with pytest.raises(CommandError):
        call_command("seed_scale", years=1)
