"""Handles and free text are encrypted at rest; a wrong key is an error, never ciphertext shown."""

import pytest
from django.db import connection
from django.urls import reverse

from consultations.models import Client, Contact
from kokona.crypto import DecryptionError
from tests.conftest import make_case, make_client, make_contact

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


def test_the_application_reads_them_back(woman):
    client = Client.objects.get(pk=woman.pk)

    assert client.phone == "090-7777-8888"
    assert Contact.objects.get().summary == "夫が怖くて家に帰れない"


def test_a_known_phone_number_is_found_by_its_hash(woman):
    assert list(Client.objects.with_handle("phone", "09077778888")) == [woman]
    assert not Client.objects.with_handle("phone", "09077778889").exists()


def test_a_wrong_key_raises_and_the_page_shows_no_ciphertext(woman, settings, client_as):
    client = client_as("counselor")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]

    with pytest.raises(DecryptionError):
        Client.objects.get(pk=woman.pk)
    client.raise_request_exception = False
    response = client.get(reverse("consultations:client_detail", args=[woman.pk]))
    assert response.status_code == 500
    assert "v1:" not in response.content.decode()
