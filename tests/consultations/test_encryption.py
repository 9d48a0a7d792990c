"""Handles and free text are encrypted at rest; a wrong key is an error, never ciphertext shown."""

import pytest
from django.db import connection
from django.urls import reverse

from consultations.forms import ActivityForm, ClientForm
from consultations.models import Client, Contact, SupportActivity
from kokona.crypto import DecryptionError
from tests.consultations.factories import make_case, make_client, make_contact

NEW_KEY = "b3Jhbmdlcy1hbmQtbGVtb25zLWtleS0wMDAwMDAwMDA="


def raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names in tests
        return repr(cursor.fetchall())


@pytest.fixture
def woman(counselor):
    client = make_client(
        "かな",
        line_id="kana_line_77",
        email="kana@example.jp",
        phone="090-7777-8888",
        household_notes="夫からの暴言。小学生の子どもが2人",
        strengths="料理が得意",
    )
    make_contact(make_case(client, assigned_to=counselor), summary="夫が怖くて家に帰れない")
    return client


def test_the_tables_hold_no_plaintext(woman):
    clients, contacts = raw_rows("consultations_client"), raw_rows("consultations_contact")
    history = raw_rows("consultations_clientevent")

    for secret in [
        "kana_line_77",
        "kana@example.jp",
        "090-7777-8888",
        "夫からの暴言",
        "料理が得意",
    ]:
        assert secret not in clients and secret not in history
    assert "夫が怖くて" not in contacts
    assert "v1:" in clients


def raw_column(table: str, column: str) -> list[str]:
    """What the database itself holds in `column`, cast to text: what a dump or a leak shows."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column}::text FROM {table}")  # noqa: S608 - fixed names in tests
        return [value for (value,) in cursor.fetchall()]


def test_her_area_and_the_role_she_took_are_ciphertext_in_tables_and_history(counselor):
    woman = make_client("かな", area="釧路町遠矢")
    woman.area = "白糠町"
    woman.save()
    SupportActivity.objects.create(
        case=make_case(woman, assigned_to=counselor), kind="role", role_taken="ピアサポーター"
    )

    for table, column, secrets in [
        ("consultations_client", "area", ["白糠町"]),
        ("consultations_clientevent", "area", ["釧路町遠矢", "白糠町"]),
        ("consultations_supportactivity", "role_taken", ["ピアサポーター"]),
        ("consultations_supportactivityevent", "role_taken", ["ピアサポーター"]),
    ]:
        stored = raw_column(table, column)
        assert stored and all(value.startswith("v1:") for value in stored), table
        assert not any(secret in value for secret in secrets for value in stored), table
    assert Client.objects.unscoped().get().area == "白糠町"
    assert SupportActivity.objects.unscoped().get().role_taken == "ピアサポーター"


def test_the_forms_still_take_one_line_of_at_most_60_characters(woman):
    too_long = "釧" * 61
    client_form = ClientForm({"nickname": "かな", "area": too_long, "version": "1"}, instance=woman)
    activity_form = ActivityForm({"kind": "role", "done_on": "2026-11-20", "role_taken": too_long})

    assert "area" in client_form.errors and "role_taken" in activity_form.errors
    for field in [client_form["area"], activity_form["role_taken"]]:
        assert '<input type="text"' in str(field) and 'maxlength="60"' in str(field)
    assert ClientForm(
        {"nickname": "かな", "area": "釧" * 60, "version": "1"}, instance=woman
    ).is_valid()


def test_the_application_reads_them_back(woman):
    client = Client.objects.unscoped().get(pk=woman.pk)

    assert client.phone == "090-7777-8888"
    assert Contact.objects.unscoped().get().summary == "夫が怖くて家に帰れない"


def test_a_known_phone_number_is_found_by_its_hash(woman):
    assert list(Client.objects.unscoped().with_handle("phone", "09077778888")) == [woman]
    assert not Client.objects.unscoped().with_handle("phone", "09077778889").exists()


def test_a_wrong_key_raises_and_the_page_shows_no_ciphertext(woman, settings, client_as):
    client = client_as("counselor")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]

    with pytest.raises(DecryptionError):
        Client.objects.unscoped().get(pk=woman.pk)
    client.raise_request_exception = False
    response = client.get(reverse("consultations:client_detail", args=[woman.pk]))
    assert response.status_code == 500
    assert "v1:" not in response.content.decode()
