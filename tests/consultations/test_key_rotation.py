"""A key can be retired: after a rotation, every page and export works with the new key alone.

Transactional: the rotation connects as the database owner, which it can only do between
transactions, so the data it rewrites must be committed.
"""

import base64
import datetime as dt
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from consultations.models import CaseStatusChange, ClientEvent, Referral, SupportActivity
from kokona.crypto import key_id
from kokona.management.commands.rotate_encryption_keys import count_by_key, encrypted_fields
from kokona.models import AuditEvent
from tests.conftest import PASSWORD, load_reference_data
from tests.consultations.factories import agency, make_case, make_client, make_contact

KEY_A = base64.b64encode(bytes(range(100, 132))).decode()
KEY_B = base64.b64encode(bytes(range(140, 172))).decode()
A, B = key_id(bytes(range(100, 132))), key_id(bytes(range(140, 172)))

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    # A transactional test starts after others may have emptied every table.
    load_reference_data()


def rotate() -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("rotate_encryption_keys", stdout=out)
    return out.getvalue()


def models_with_encrypted_fields():
    return [
        model
        for model in apps.get_models()
        if encrypted_fields(model) and model._meta.managed and not model._meta.proxy
    ]


def keys_in_use() -> dict[str, set[str]]:
    found = {}
    for model in models_with_encrypted_fields():
        if keys := set(count_by_key(model, encrypted_fields(model))):
            found[model._meta.label_lower] = keys
    return found


@pytest.fixture
def her_record_under_key_a(settings, counselor, supervisor):
    """A woman's record, with its history and status changes, all written under key A."""
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    woman = make_client(
        "なぎさ", phone="090-1111-2222", household_notes="母と二人暮らし", strengths="手芸が得意"
    )
    woman.household_notes = "母と二人暮らし。弟が時々来る"
    woman.save()
    case = make_case(woman, assigned_to=counselor)
    make_contact(case, summary="家に居場所がない", next_step="来週もう一度話す")
    Referral.objects.create(
        case=case,
        agency=agency(),
        shares_information=True,
        override_by=supervisor,
        override_reason="本人の安全のため至急",
        notes="就労相談の予約を取った",
    )
    SupportActivity.objects.create(case=case, kind="accompany", notes="ハローワークへ同行")
    CaseStatusChange.objects.create(
        case=case, from_status="received", to_status="supporting", reason="継続して支援する"
    )
    closed = make_case(
        woman,
        status="closed",
        opened_on=dt.date(2026, 10, 1),
        closed_on=dt.date(2026, 11, 1),
        closing_reason="転居のため終結",
    )
    return woman, case, closed


def test_after_rotation_only_the_new_key_is_needed(
    settings, client_as, her_record_under_key_a, supervisor
):
    woman, case, closed = her_record_under_key_a
    assert {A} == set().union(*keys_in_use().values())
    history = list(
        ClientEvent.objects.filter(pgh_obj=woman)
        .order_by("pgh_id")
        .values_list("pgh_id", "pgh_label", "pgh_created_at", "pgh_context_id")
    )

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    output = rotate()
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]

    assert set().union(*keys_in_use().values()) == {B}
    assert "consultations.clientevent" in keys_in_use()
    assert f"Every encrypted value is under the current key {B}" in output
    # History changed by ciphertext only: the same events, read under key B. Rewriting the live
    # row added one, which says why.
    events = ClientEvent.objects.filter(pgh_obj=woman).order_by("pgh_id")
    assert [
        (e.pgh_id, e.pgh_label, e.pgh_created_at, e.pgh_context_id) for e in events[:2]
    ] == history
    assert [e.household_notes for e in events] == [
        "母と二人暮らし",
        "母と二人暮らし。弟が時々来る",
        "母と二人暮らし。弟が時々来る",
    ]
    assert events[2].pgh_context.metadata == {"command": "rotate_encryption_keys"}
    assert AuditEvent.objects.filter(
        object_type="consultations.clientevent", detail__command="rotate_encryption_keys"
    ).exists()

    browser = client_as("supervisor")
    pages = {
        reverse("consultations:client_detail", args=[woman.pk]): [
            "090-1111-2222",
            "母と二人暮らし。弟が時々来る",
            "手芸が得意",
        ],
        reverse("consultations:client_edit", args=[woman.pk]): ["090-1111-2222"],
        reverse("consultations:case_detail", args=[case.pk]): [
            "家に居場所がない",
            "来週もう一度話す",
            "就労相談の予約を取った",
            "ハローワークへ同行",
            "継続して支援する",
        ],
        reverse("consultations:case_detail", args=[closed.pk]): [],
        reverse("consultations:case_access_log", args=[case.pk]): [],
    }
    for url, texts in pages.items():
        response = browser.get(url)
        assert response.status_code == 200, url
        for text in texts:
            assert text in response.content.decode(), (url, text)

    export = browser.post(
        reverse("consultations:client_export", args=[woman.pk]), {"password": PASSWORD}
    )
    assert export.status_code == 200
    data = json.loads(export.content)
    assert data["client"]["phone"] == "090-1111-2222"
    exported = json.dumps(data, ensure_ascii=False)
    for text in [
        "継続して支援する",
        "就労相談の予約を取った",
        "転居のため終結",
        "家に居場所がない",
    ]:
        assert text in exported


def test_a_second_rotation_has_nothing_left_to_do(settings, her_record_under_key_a):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    rotate()

    output = rotate()

    assert "consultations.casestatuschange: re-encrypted 0 rows." in output
    assert "consultations.clientevent: re-encrypted 0 rows." in output
    assert "consultations.client: re-encrypted 0 rows." in output


def test_rows_beyond_one_batch_are_all_rewritten(settings, monkeypatch):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    for i in range(7):
        make_client(f"なぎさ{i}", phone=f"090-0000-000{i}")
    monkeypatch.setattr(
        "kokona.management.commands.rotate_encryption_keys.BATCH_SIZE", 3
    )  # 3 + 3 + 1

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    output = rotate()

    assert "consultations.client: re-encrypted 7 rows." in output
    assert count_by_key(
        apps.get_model("consultations", "Client"),
        encrypted_fields(apps.get_model("consultations", "Client")),
    ) == {B: 7}


def test_a_history_value_without_its_key_stops_the_rotation_before_it_changes_anything(
    settings, her_record_under_key_a
):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # key A forgotten
    before = keys_in_use()

    with pytest.raises(CommandError, match="Nothing was changed"):
        rotate()

    assert keys_in_use() == before
