"""Re-encrypt every encrypted value, history included, with the first key of FIELD_ENCRYPTION_KEYS.

To rotate: generate a key, put it first in FIELD_ENCRYPTION_KEYS, keep the old keys after it,
deploy, then run this command. When it reports every value under the new key, remove the old keys:
a key that leaked stops mattering once it is gone.

It connects as the database owner (kokona/db_roles.py): the app's role may not touch history.
Live tables are rewritten through the ORM, so tracked models record the change in their history.
Append-only tables (pghistory's events, status changes) change by ciphertext only: a value is
replaced only where its row still holds the old ciphertext, after checking that the new token
decrypts to the same text, with only that table's protecting triggers set aside, and the audit
trail records that it happened.
"""

import contextlib
from collections import Counter
from collections.abc import Iterable
from typing import Any, cast

import pghistory
import pgtrigger
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from psycopg import sql

from kokona import audit
from kokona.crypto import (
    VERSION,
    DecryptionError,
    EncryptedTextField,
    configured_key_ids,
    current_key_id,
    decrypt,
    encrypt,
)
from kokona.db_roles import as_owner, is_append_only, protecting_triggers

BATCH_SIZE = 500
# Not a possible key id (those are hex), so it cannot be mistaken for one.
NOT_ENCRYPTED = "-"

Model = type[models.Model]


def encrypted_fields(model: Model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def _raw(field: EncryptedTextField) -> Cast:
    # Cast to plain text so the database hands back the stored token, not a decrypted value, and
    # so text lookups are allowed (the encrypted field refuses them).
    return Cast(field.name, output_field=models.TextField())


def count_by_key(model: Model, fields: Iterable[EncryptedTextField]) -> Counter[str]:
    """How many non-blank values of `model` each key id protects; NOT_ENCRYPTED counts the rest."""
    counts: Counter[str] = Counter()
    for field in fields:
        rows = (
            model._base_manager.annotate(rotation_raw=_raw(field))
            .filter(rotation_raw__isnull=False)
            .exclude(rotation_raw="")
            .annotate(
                rotation_key=models.Case(
                    models.When(
                        rotation_raw__regex=rf"^{VERSION}:[0-9a-f]{{8}}:",
                        then=Substr("rotation_raw", len(VERSION) + 2, 8),
                    ),
                    default=models.Value(NOT_ENCRYPTED),
                )
            )
            .values("rotation_key")
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["rotation_key"]] += row["n"]
    return counts


def rotate_model(model: Model, fields: list[EncryptedTextField]) -> int:
    """Re-encrypt, with the current key, the rows of `model` that hold a value under another key.

    Call inside a transaction. Rows are locked as they are read, so a concurrent edit cannot be
    overwritten with the value read before it. Returns the number of rows rewritten.
    """
    prefix = f"{VERSION}:{current_key_id()}:"
    rows = model._base_manager.all()
    stale = models.Q()
    for field in fields:
        alias = f"rotation_raw_{field.attname}"
        rows = rows.alias(**{alias: _raw(field)})
        stale |= (
            models.Q(**{f"{alias}__isnull": False})
            & ~models.Q(**{alias: ""})
            & ~models.Q(**{f"{alias}__startswith": prefix})
        )
    rows = rows.filter(stale).only(*(f.attname for f in fields)).select_for_update().order_by("pk")
    names = [f.name for f in fields]
    rewritten = 0
    # A batch at a time, in primary key order, each locked as it is read (kokona reads through
    # client-side cursors, so an iterator over the whole table would hold it all in memory).
    # Reading decrypts with whichever key wrote the value; bulk_update encrypts with the first.
    batch = list(rows[:BATCH_SIZE])
    while batch:
        model._base_manager.bulk_update(batch, names, batch_size=BATCH_SIZE)
        rewritten += len(batch)
        batch = list(rows.filter(pk__gt=batch[-1].pk)[:BATCH_SIZE])
    return rewritten


class RotationError(Exception):
    """A value of an append-only table could not be rewritten safely; nothing was changed."""


def rotate_append_only(model: Model, fields: list[EncryptedTextField]) -> int:
    """Re-encrypt, with the current key, the values of an append-only `model`, changing nothing
    but ciphertext. Returns the number of rows rewritten.

    Call inside a transaction, as the owner. Each value is decrypted and encrypted again, and
    the new token must decrypt to the same text. The UPDATE sets one column, on rows matched by
    primary key and old ciphertext (a batch at a time), and only the triggers that protect this
    table are set aside while it runs.
    """
    uris = protecting_triggers(model)
    # pgtrigger.ignore() with no URI would set every trigger aside: never that.
    ignoring = pgtrigger.ignore(*uris) if uris else contextlib.nullcontext()
    prefix = f"{VERSION}:{current_key_id()}:"
    names = {
        "table": sql.Identifier(model._meta.db_table),
        "pk": sql.Identifier(cast(str, model._meta.pk.column)),
    }
    row_type = sql.SQL("(%s::{}, %s::text, %s::text)").format(
        sql.SQL(model._meta.pk.db_type(connection) or "")
    )
    rewritten: set[object] = set()
    with ignoring, connection.cursor() as cursor:
        pg = connection.connection
        for field in fields:
            names["column"] = sql.Identifier(cast(str, field.column))
            after: list[Any] = []
            while True:
                # Values already under the current key are skipped: a second run has nothing to do.
                select = sql.SQL(
                    "SELECT {pk}, {column} FROM {table} "
                    "WHERE {column} <> '' AND NOT starts_with({column}, %s) {after}"
                    "ORDER BY {pk} LIMIT {limit} FOR UPDATE"
                ).format(
                    **names,
                    after=sql.SQL("AND {pk} > %s ").format(**names) if after else sql.SQL(""),
                    limit=sql.Literal(BATCH_SIZE),
                )
                cursor.execute(select.as_string(pg), [prefix, *after])
                rows = cursor.fetchall()
                if not rows:
                    break
                values = [(key, old, _re_encrypt(old, context=field.context)) for key, old in rows]
                update = sql.SQL(
                    "UPDATE {table} AS t SET {column} = v.new FROM (VALUES {rows}) "
                    "AS v(key, old, new) WHERE t.{pk} = v.key AND t.{column} = v.old"
                ).format(**names, rows=sql.SQL(", ").join([row_type] * len(values)))
                cursor.execute(update.as_string(pg), [item for row in values for item in row])
                if cursor.rowcount != len(values):
                    raise RotationError(_("a row changed while it was re-encrypted"))
                rewritten.update(key for key, _, _ in values)
                after = [rows[-1][0]]
    return len(rewritten)


def _re_encrypt(token: str, *, context: str) -> str:
    text = decrypt(token, context=context)
    new = encrypt(text, context=context)
    if decrypt(new, context=context) != text:
        raise RotationError(_("a re-encrypted value did not decrypt to the same text"))
    return new


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value, history included, with the first key of "
        "FIELD_ENCRYPTION_KEYS; afterwards the older keys can be removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count the values under each key; change nothing.",
        )

    def handle(self, *args: object, dry_run: bool = False, **options: object) -> None:
        found = [
            model
            for model in apps.get_models()
            # A proxy shares its concrete model's table; an unmanaged model may be a view.
            if encrypted_fields(model) and not model._meta.proxy and model._meta.managed
        ]
        with as_owner():
            self.rotate(found, dry_run=dry_run)

    def rotate(self, found: list[Model], *, dry_run: bool) -> None:
        """Count, then (unless `dry_run`) re-encrypt `found`: the models with encrypted fields."""
        try:
            current = current_key_id()
            configured = set(configured_key_ids())
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None

        self.stdout.write(_("The current key is %(key)s.") % {"key": current})
        if not found:
            self.stdout.write(_("No model has encrypted fields."))
            return

        unreadable = False
        for model in found:
            counts = count_by_key(model, encrypted_fields(model))
            self.stdout.write(self._describe(model, counts, current, configured))
            if any(k not in configured for k in counts):
                unreadable = True
        if unreadable:
            raise CommandError(
                _(
                    "Nothing was changed: some values cannot be decrypted with the configured "
                    "keys (see above). Add the missing keys to FIELD_ENCRYPTION_KEYS, after the "
                    "first, and run the command again."
                )
            )
        if dry_run:
            return

        for model in found:
            rewritten = self._rotate_one(model)
            self.stdout.write(
                ngettext(
                    "%(model)s: re-encrypted %(count)d row.",
                    "%(model)s: re-encrypted %(count)d rows.",
                    rewritten,
                )
                % {"model": model._meta.label_lower, "count": rewritten}
            )

        left = [
            model._meta.label_lower
            for model in found
            if set(count_by_key(model, encrypted_fields(model))) - {current}
        ]
        if left:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "Some values are still not under the current key (%(models)s): keep "
                        "the older keys in FIELD_ENCRYPTION_KEYS and run the command again."
                    )
                    % {"models": ", ".join(left)}
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Every encrypted value is under the current key %(key)s: the older keys "
                        "can be removed from FIELD_ENCRYPTION_KEYS."
                    )
                    % {"key": current}
                )
            )

    def _rotate_one(self, model: Model) -> int:
        fields = encrypted_fields(model)
        try:
            # Tracked models write a history row per rewritten row; the context says why.
            with transaction.atomic(), pghistory.context(command="rotate_encryption_keys"):
                if not is_append_only(model):
                    return rotate_model(model, fields)
                rewritten = rotate_append_only(model, fields)
                if rewritten:
                    # History was rewritten (its ciphertext only): the audit trail says so.
                    audit.record(
                        audit.Action.UPDATE,
                        by=None,
                        object_type=model._meta.label_lower,
                        detail={
                            "command": "rotate_encryption_keys",
                            "key": current_key_id(),
                            "rows": rewritten,
                        },
                    )
                return rewritten
        except DecryptionError:
            raise CommandError(
                _(
                    "%(model)s: a value failed to decrypt (altered, or copied from another "
                    "column). Nothing in this model was changed."
                )
                % {"model": model._meta.label_lower}
            ) from None
        except RotationError as error:
            raise CommandError(
                _("%(model)s: %(error)s. Nothing in this model was changed.")
                % {"model": model._meta.label_lower, "error": error}
            ) from None

    def _describe(
        self, model: Model, counts: Counter[str], current: str, configured: set[str]
    ) -> str:
        parts = []
        for key, count in sorted(counts.items(), key=lambda item: (item[0] != current, item[0])):
            if key == current:
                text = _("%(count)d under the current key %(key)s")
            elif key == NOT_ENCRYPTED:
                text = _("%(count)d that are not encrypted tokens")
            elif key in configured:
                text = _("%(count)d under the older key %(key)s")
            else:
                text = _("%(count)d under key %(key)s, which is not configured")
            parts.append(text % {"count": count, "key": key})
        return _("%(model)s: %(counts)s") % {
            "model": model._meta.label_lower,
            "counts": ", ".join(parts) or _("no encrypted values"),
        }
