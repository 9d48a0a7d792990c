"""Encrypt a woman's area and the role she took, in the live tables and in their history.

Both were plain text; in a small town where she lives leads to her. The columns become
EncryptedTextFields (text), then every stored value is encrypted where it lies.

Values are read and written as raw SQL on the column: the migration's models would decrypt on
reading and encrypt on saving, so a value could be encrypted twice or read as ciphertext.

History rows are append-only (pghistory's `append_only` Protect triggers), so the rewrite ignores
exactly those triggers, and the tracking triggers of the two live tables: this changes how a value
is stored, not what it says, and must not appear in her record's history as an edit.

Reverse: decrypt back to plain text first, then the columns go back to 60 characters.
"""

from collections.abc import Callable

import pgtrigger
from django.db import migrations

import kokona.crypto
from kokona.crypto import decrypt, encrypt, token_key_id

# (table, primary key, column, encryption context): the history table shares the live column's
# context, because pghistory's trigger copies the ciphertext across as it is.
COLUMNS = [
    ("consultations_client", "id", "area", "consultations.client.area"),
    ("consultations_clientevent", "pgh_id", "area", "consultations.client.area"),
    (
        "consultations_supportactivity",
        "id",
        "role_taken",
        "consultations.supportactivity.role_taken",
    ),
    (
        "consultations_supportactivityevent",
        "pgh_id",
        "role_taken",
        "consultations.supportactivity.role_taken",
    ),
]
TRIGGERS = [
    "consultations.ClientEvent:append_only",
    "consultations.SupportActivityEvent:append_only",
    "consultations.Client:update_update",
    "consultations.SupportActivity:update_update",
]


def _rewrite(schema_editor, change: Callable[[str, str], str]) -> None:
    connection = schema_editor.connection
    with pgtrigger.ignore(*TRIGGERS, databases=[connection.alias]), connection.cursor() as cursor:
        for table, pk, column, context in COLUMNS:
            cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
            changed = [
                (key, new) for key, old in cursor.fetchall() if (new := change(old, context)) != old
            ]
            if not changed:
                continue
            keys, values = zip(*changed, strict=True)
            # One statement per table: pgtrigger's ignore cannot wrap executemany.
            cursor.execute(
                f"UPDATE {table} SET {column} = new.value "  # noqa: S608 - fixed names above
                f"FROM unnest(%s::bigint[], %s::text[]) AS new(key, value) "
                f"WHERE {table}.{pk} = new.key",
                [list(keys), list(values)],
            )


def _encrypted(value: str, context: str) -> str:
    # A value that already is a token is left alone: running this twice never encrypts twice.
    return value if token_key_id(value) else encrypt(value, context=context)


def _decrypted(value: str, context: str) -> str:
    return decrypt(value, context=context) if token_key_id(value) else value


def encrypt_plaintext(apps, schema_editor) -> None:
    _rewrite(schema_editor, _encrypted)


def decrypt_to_plaintext(apps, schema_editor) -> None:
    _rewrite(schema_editor, _decrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0004_contact_case_latest_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="client",
            name="area",
            field=kokona.crypto.EncryptedTextField(
                blank=True, context="consultations.client.area", max_length=60, verbose_name="area"
            ),
        ),
        migrations.AlterField(
            model_name="clientevent",
            name="area",
            field=kokona.crypto.EncryptedTextField(
                blank=True, context="consultations.client.area", max_length=60, verbose_name="area"
            ),
        ),
        migrations.AlterField(
            model_name="supportactivity",
            name="role_taken",
            field=kokona.crypto.EncryptedTextField(
                blank=True,
                context="consultations.supportactivity.role_taken",
                help_text="e.g. peer supporter, volunteer, speaker",
                max_length=60,
                verbose_name="role she took",
            ),
        ),
        migrations.AlterField(
            model_name="supportactivityevent",
            name="role_taken",
            field=kokona.crypto.EncryptedTextField(
                blank=True,
                context="consultations.supportactivity.role_taken",
                help_text="e.g. peer supporter, volunteer, speaker",
                max_length=60,
                verbose_name="role she took",
            ),
        ),
        migrations.RunPython(encrypt_plaintext, decrypt_to_plaintext),
    ]
