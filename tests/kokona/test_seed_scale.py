"""`manage.py seed_scale`: a year of synthetic records in bulk, written as the app would write
them (encrypted fields, handle hashes, a ledger never below zero)."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bench import sessions as bench_sessions
from consultations.models import Case, Client, Contact, SupportActivity
from ibasho.models import Attendance, Session
from kokona import scale
from kokona.crypto import keyed_hash
from kokona.fiscal import JST
from reports.models import SurveyResponse
from supplies.models import Site, StockMovement


@pytest.mark.django_db
def test_one_year_has_the_volumes_of_a_year_written_as_the_app_writes(capsys):
    # Seeded at 6:00 in Japan: today's contacts, drawn between 8:00 and 23:00, would be later.
    with time_machine.travel(dt.datetime(2026, 12, 2, 6, 0, tzinfo=JST), tick=True):
        call_command("seed_scale", years=1)
        seeded_at = timezone.now()

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
    # The benchmark finds it, and still does once its quick contacts (a hundred a run) have
    # made another woman's case longer.
    found = bench_sessions.find()
    assert found.long_case == longest.pk
    other = Case.objects.unscoped().filter(client_id=found.woman).get()
    Contact.objects.bulk_create(
        Contact(
            case=other,
            client_id=found.woman,
            channel=other.contacts.unscoped()[0].channel,
            occurred_at=seeded_at,
            summary="ベンチマークの相談（架空）",
        )
        for _ in range(longest.contacts.unscoped().count() + 1)
    )
    assert bench_sessions.find().long_case == longest.pk
    # Nothing has happened yet that is later than the moment it was seeded.
    assert not Contact.objects.unscoped().filter(occurred_at__gt=seeded_at).exists()
    # Seeding again adds nothing.
    call_command("seed_scale", years=1)
    assert "Already seeded" in capsys.readouterr().out
    assert Case.objects.unscoped().count() == 2000


@pytest.mark.django_db
def test_it_refuses_a_database_with_users(counselor):
    with pytest.raises(CommandError):
        call_command("seed_scale", years=1)
