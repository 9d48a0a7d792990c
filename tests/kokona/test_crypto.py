"""Field encryption: what it stores, what it refuses, and how keys are rotated."""

import base64
from io import StringIO

import pytest
from django import forms
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.test.utils import isolate_apps
from django.utils import translation

from consultations.models import CaseStatusChange, Referral
from kokona.crypto import (
    DecryptionError,
    EncryptedTextField,
    decrypt,
    encrypt,
    key_id,
    keyed_hash,
    normalise_handle,
)
from kokona.management.commands.rotate_encryption_keys import Command, is_append_only
from kokona.models import AuditEvent, User, UserEvent

# Fixed keys, so every run sees the same ids; never used outside tests.
OLD_KEY = base64.b64encode(bytes(range(32))).decode()
NEW_KEY = base64.b64encode(bytes(range(32, 64))).decode()
OLD_ID = key_id(bytes(range(32)))
NEW_ID = key_id(bytes(range(32, 64)))
HASH_KEY = "hash-key-for-the-crypto-tests"
CONTEXT = "consultations.client.line_id"
SECRET = "DVから避難中。連絡はLINEのみ"


@pytest.fixture(autouse=True)
def keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    settings.FIELD_HASH_KEY = HASH_KEY
    return settings


def payload(token: str) -> bytes:
    return base64.urlsafe_b64decode(token.split(":")[2])


def with_payload(token: str, blob: bytes) -> str:
    version, kid, _ = token.split(":")
    return f"{version}:{kid}:{base64.urlsafe_b64encode(blob).decode()}"


# Encryption and decryption


def test_it_round_trips_japanese_text():
    assert decrypt(encrypt(SECRET, context=CONTEXT), context=CONTEXT) == SECRET


def test_it_stores_a_versioned_token_naming_the_key_and_not_the_text():
    token = encrypt(SECRET, context=CONTEXT)

    assert token.startswith(f"v1:{NEW_ID}:")
    assert SECRET not in token
    assert "LINE" not in token
    # 12-byte nonce, UTF-8 text, 16-byte tag
    assert len(payload(token)) == 12 + len(SECRET.encode()) + 16


def test_it_encrypts_the_same_text_differently_each_time():
    assert encrypt(SECRET, context=CONTEXT) != encrypt(SECRET, context=CONTEXT)


def test_it_keeps_blank_blank():
    assert encrypt("", context=CONTEXT) == ""
    assert decrypt("", context=CONTEXT) == ""


def test_it_refuses_a_value_encrypted_with_a_key_it_does_not_have(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    token = encrypt(SECRET, context=CONTEXT)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]

    with pytest.raises(DecryptionError, match=OLD_ID):
        decrypt(token, context=CONTEXT)


def test_it_refuses_a_value_sealed_with_another_key_under_this_keys_id(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    token = encrypt(SECRET, context=CONTEXT).replace(OLD_ID, NEW_ID)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    with pytest.raises(DecryptionError):
        decrypt(token, context=CONTEXT)


def test_it_refuses_a_tampered_value():
    token = encrypt(SECRET, context=CONTEXT)
    blob = bytearray(payload(token))
    blob[15] ^= 0x01  # a bit of the ciphertext

    with pytest.raises(DecryptionError):
        decrypt(with_payload(token, bytes(blob)), context=CONTEXT)


def test_it_refuses_a_value_moved_to_another_column():
    token = encrypt(SECRET, context=CONTEXT)

    with pytest.raises(DecryptionError):
        decrypt(token, context="consultations.client.email")


@pytest.mark.parametrize(
    "stored",
    [
        SECRET,  # plaintext that was never encrypted
        "v1:not-hex:AAAA",
        "v2:0123abcd:AAAA",
        f"v1:{NEW_ID}:",
        f"v1:{NEW_ID}:AAAA",  # too short for a nonce and a tag
        f"v1:{NEW_ID}:not base64 at all!!",
        f"v1:{NEW_ID}:AAAA:AAAA",
    ],
    ids=["plaintext", "bad-key-id", "other-version", "empty", "short", "not-base64", "extra-part"],
)
def test_it_never_returns_what_is_not_a_token(stored):
    with pytest.raises(DecryptionError) as error:
        decrypt(stored, context=CONTEXT)

    assert stored not in str(error.value)


def test_its_errors_name_neither_the_text_nor_the_ciphertext():
    token = encrypt(SECRET, context=CONTEXT)

    with pytest.raises(DecryptionError) as error:
        decrypt(token, context="consultations.client.email")

    message = str(error.value)
    assert SECRET not in message
    assert token.split(":")[2] not in message


def test_it_requires_a_context():
    with pytest.raises(ValueError, match="context"):
        encrypt(SECRET, context="")


# Keys and rotation


def test_an_old_key_after_the_first_still_decrypts(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    old_token = encrypt(SECRET, context=CONTEXT)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    assert decrypt(old_token, context=CONTEXT) == SECRET


def test_re_encryption_uses_the_first_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    old_token = encrypt(SECRET, context=CONTEXT)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]

    new_token = encrypt(decrypt(old_token, context=CONTEXT), context=CONTEXT)

    assert old_token.startswith(f"v1:{OLD_ID}:")
    assert new_token.startswith(f"v1:{NEW_ID}:")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert decrypt(new_token, context=CONTEXT) == SECRET


def test_it_refuses_to_work_without_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = []

    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        encrypt(SECRET, context=CONTEXT)


@pytest.mark.parametrize(
    "bad_key",
    [
        "not base64 at all!",
        base64.b64encode(b"sixteen byte key").decode(),
        base64.urlsafe_b64encode(bytes(range(200, 232))).decode(),  # urlsafe, not standard
    ],
    ids=["not-base64", "too-short", "urlsafe-alphabet"],
)
def test_it_names_the_setting_but_not_the_key_when_a_key_is_bad(settings, bad_key):
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, bad_key]

    with pytest.raises(ImproperlyConfigured, match=r"FIELD_ENCRYPTION_KEYS\[1\]") as error:
        encrypt(SECRET, context=CONTEXT)

    assert bad_key not in str(error.value)


# Keyed hashes of contact handles


@pytest.mark.parametrize(
    "typed",
    [
        "０９０-１２３４-５６７８",
        "090 1234 5678",
        "+81 90-1234-5678",
        "(090)1234-5678",
        "+81 (0)90 1234 5678",
    ],
)
def test_one_phone_number_typed_different_ways_hashes_the_same(typed):
    assert normalise_handle(typed, "phone") == "09012345678"
    assert keyed_hash(typed, kind="phone") == keyed_hash("09012345678", kind="phone")


def test_different_phone_numbers_hash_differently():
    assert keyed_hash("090-1234-5678", kind="phone") != keyed_hash("090-1234-5679", kind="phone")


def test_the_hash_depends_on_the_hash_key(settings):
    before = keyed_hash("090-1234-5678", kind="phone")
    settings.FIELD_HASH_KEY = "another-hash-key"

    assert keyed_hash("090-1234-5678", kind="phone") != before


def test_email_and_line_ids_ignore_case_width_and_spaces():
    assert keyed_hash(" Sakura@Example.JP ", kind="email") == keyed_hash(
        "ｓａｋｕｒａ＠ｅｘａｍｐｌｅ．ｊｐ", kind="email"
    )
    assert keyed_hash("Sakura_0312", kind="line") == keyed_hash(" sakura_0312", kind="line")


def test_the_same_string_as_another_kind_of_handle_hashes_differently():
    assert keyed_hash("09012345678", kind="line") != keyed_hash("09012345678", kind="phone")


def test_blank_handles_are_never_known():
    assert keyed_hash("", kind="email") == ""
    assert keyed_hash(" - ", kind="phone") == ""


def test_it_refuses_an_unknown_kind_of_handle():
    with pytest.raises(ValueError, match="kind"):
        keyed_hash("sakura", kind="twitter")


def test_hashing_needs_the_hash_key(settings):
    settings.FIELD_HASH_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="FIELD_HASH_KEY"):
        keyed_hash("090-1234-5678", kind="phone")


# The model field


@pytest.fixture
def note_model() -> type[models.Model]:
    # A model in a registry of its own: nothing is added to the project's models or migrations.
    with isolate_apps("kokona"):

        class Note(models.Model):  # noqa: DJ008 (a throwaway model: never displayed)
            body = EncryptedTextField(blank=True, context="tests.note.body")
            remark = EncryptedTextField(null=True, blank=True, context="tests.note.remark")

            class Meta:
                app_label = "kokona"
                db_table = "test_crypto_note"

    return Note


def create_temporary_table(model: type[models.Model]) -> None:
    """The table of a throwaway model, as a temporary table: tests run as the app's role, which
    may create no table, only temporary ones. It is gone when the test's transaction ends."""
    with connection.schema_editor(collect_sql=True) as editor:
        editor.create_model(model)
    with connection.cursor() as cursor:
        for statement in editor.collected_sql:
            cursor.execute(statement.replace("CREATE TABLE", "CREATE TEMPORARY TABLE", 1))


@pytest.fixture
def note_table(db, note_model) -> type[models.Model]:
    create_temporary_table(note_model)
    return note_model


def raw_column(model: type[models.Model], column: str) -> list[str | None]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_the_field_prepares_ciphertext_and_reads_back_the_text(note_model):
    field = note_model._meta.get_field("body")

    prepared = field.get_prep_value(SECRET)

    assert prepared.startswith(f"v1:{NEW_ID}:")
    assert SECRET not in prepared
    assert field.from_db_value(prepared, None, connection) == SECRET


def test_the_field_keeps_blank_and_null_as_they_are(note_model):
    field = note_model._meta.get_field("remark")

    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None
    assert field.from_db_value("", None, connection) == ""
    assert field.from_db_value(None, None, connection) is None


def test_the_field_binds_values_to_its_context(note_model):
    body = note_model._meta.get_field("body")
    remark = note_model._meta.get_field("remark")

    with pytest.raises(DecryptionError):
        remark.from_db_value(body.get_prep_value(SECRET), None, connection)


def test_the_database_holds_only_ciphertext(note_table):
    note = note_table.objects.create(body=SECRET)

    [stored] = raw_column(note_table, "body")
    assert stored.startswith(f"v1:{NEW_ID}:")
    assert SECRET not in stored
    assert note_table.objects.get(pk=note.pk).body == SECRET


def test_a_value_that_is_not_a_token_fails_loudly_when_read(note_table):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO test_crypto_note (body) VALUES (%s)", [SECRET])

    with pytest.raises(DecryptionError):
        list(note_table.objects.all())


@pytest.mark.parametrize(
    "lookup",
    [
        {"body": "さくら"},
        {"body__iexact": "さくら"},
        {"body__icontains": "さくら"},
        {"body__startswith": "v1:"},
        {"body__in": ["さくら"]},
        {"body__gt": ""},
        {"body__lower": "さくら"},
        {"body": models.F("remark")},
    ],
    ids=["exact", "iexact", "icontains", "startswith", "in", "gt", "transform", "column"],
)
def test_lookups_that_would_compare_ciphertext_are_refused(note_model, lookup):
    with pytest.raises(FieldError, match="ciphertext"):
        note_model.objects.filter(**lookup)


def test_blank_and_null_can_still_be_found(note_table):
    blank = note_table.objects.create(body="")
    filled = note_table.objects.create(body=SECRET, remark="メモ")

    assert list(note_table.objects.filter(body="")) == [blank]
    assert list(note_table.objects.exclude(body="")) == [filled]
    assert list(note_table.objects.filter(remark__isnull=True)) == [blank]
    assert list(note_table.objects.filter(remark=None)) == [blank]


def test_the_field_deconstructs_with_its_context_only(note_model):
    name, path, args, kwargs = note_model._meta.get_field("body").deconstruct()

    assert path == "kokona.crypto.EncryptedTextField"
    assert kwargs == {"blank": True, "context": "tests.note.body"}


def test_a_copy_on_a_history_model_reads_what_the_tracked_model_wrote(note_table):
    # pghistory builds its event model's fields from deconstruct() and its trigger copies the raw
    # column; the copy must decrypt it although it lives on another model.
    _, path, args, kwargs = note_table._meta.get_field("body").deconstruct()
    assert path == "kokona.crypto.EncryptedTextField"
    with isolate_apps("kokona"):

        class NoteEvent(models.Model):  # noqa: DJ008 (a throwaway model: never displayed)
            body = EncryptedTextField(*args, **kwargs)

            class Meta:
                app_label = "kokona"
                db_table = "test_crypto_noteevent"

    create_temporary_table(NoteEvent)
    note_table.objects.create(body=SECRET)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO test_crypto_noteevent (body) SELECT body FROM test_crypto_note")

    assert NoteEvent.objects.get().body == SECRET


def test_the_field_must_be_given_a_context():
    with pytest.raises(TypeError, match="context"):
        EncryptedTextField(blank=True)


def test_checks_refuse_an_empty_context_and_indexes_on_ciphertext():
    with isolate_apps("kokona"):

        class Handle(models.Model):  # noqa: DJ008 (a throwaway model: never displayed)
            nameless = EncryptedTextField(context="")
            indexed = EncryptedTextField(unique=True, context="tests.handle.indexed")

            class Meta:
                app_label = "kokona"

    ids = {
        (message.obj.name, message.id)
        for field in Handle._meta.local_fields
        for message in field.check()
    }
    assert ids == {("nameless", "kokona.E101"), ("indexed", "kokona.E102")}


def test_forms_work_on_plaintext_in_a_text_area(note_model):
    formfield = note_model._meta.get_field("body").formfield()

    assert isinstance(formfield, forms.CharField)
    assert isinstance(formfield.widget, forms.Textarea)


# Rotating keys


def rotate(model: type[models.Model], *, dry_run: bool = False) -> str:
    out = StringIO()
    with translation.override("en"):
        Command(stdout=out).rotate([model], dry_run=dry_run)
    return out.getvalue()


@pytest.fixture
def notes_under_the_old_key(settings, note_table) -> type[models.Model]:
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    note_table.objects.create(body=SECRET, remark="メモ")
    note_table.objects.create(body="", remark=None)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    note_table.objects.create(body="新しい記録", remark="")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    return note_table


def test_a_dry_run_counts_values_per_key_and_changes_nothing(notes_under_the_old_key):
    before = raw_column(notes_under_the_old_key, "body")

    output = rotate(notes_under_the_old_key, dry_run=True)

    assert (
        f"kokona.note: 1 under the current key {NEW_ID}, 2 under the older key {OLD_ID}" in output
    )
    assert "re-encrypted" not in output
    assert raw_column(notes_under_the_old_key, "body") == before


def test_rotation_re_encrypts_old_values_with_the_first_key(settings, notes_under_the_old_key):
    output = rotate(notes_under_the_old_key)

    assert "kokona.note: re-encrypted 1 row." in output
    assert f"Every encrypted value is under the current key {NEW_ID}" in output
    tokens = raw_column(notes_under_the_old_key, "body") + raw_column(
        notes_under_the_old_key, "remark"
    )
    assert all(t.startswith(f"v1:{NEW_ID}:") for t in tokens if t)
    assert tokens.count("") == 2
    assert tokens.count(None) == 1
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert sorted(n.body for n in notes_under_the_old_key.objects.all()) == sorted(
        ["", SECRET, "新しい記録"]
    )


def test_rotation_changes_nothing_when_a_value_has_no_key(settings, notes_under_the_old_key):
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    before = raw_column(notes_under_the_old_key, "body")

    with pytest.raises(CommandError, match="Nothing was changed"):
        rotate(notes_under_the_old_key)

    assert raw_column(notes_under_the_old_key, "body") == before


def test_the_command_explains_missing_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = []

    with pytest.raises(CommandError, match="FIELD_ENCRYPTION_KEYS"):
        call_command("rotate_encryption_keys", "--dry-run", stdout=StringIO())


def test_history_and_audit_tables_are_rewritten_by_ciphertext_only():
    assert is_append_only(UserEvent)
    assert is_append_only(AuditEvent)
    assert is_append_only(CaseStatusChange)
    assert not is_append_only(User)
    # Live: only its rows that shared information are protected, and only in part.
    assert not is_append_only(Referral)
