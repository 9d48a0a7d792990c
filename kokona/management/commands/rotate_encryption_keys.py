"""Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS.

To rotate: generate a key, put it first in FIELD_ENCRYPTION_KEYS, keep the old keys after it,
deploy, then run this command. History tables are append-only (pghistory, pgtrigger Protect): they
keep the old ciphertext, so old keys must stay configured for as long as that history is kept.
"""

from collections import Counter
from collections.abc import Iterable

import pghistory
import pghistory.models
import pgtrigger
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kokona.crypto import (
    VERSION,
    DecryptionError,
    EncryptedTextField,
    configured_key_ids,
    current_key_id,
)

BATCH_SIZE = 500
# Not a possible key id (those are hex), so it cannot be mistaken for one.
NOT_ENCRYPTED = "-"

Model = type[models.Model]


def encrypted_fields(model: Model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def is_append_only(model: Model) -> bool:
    """True for tables the database refuses to update: pghistory events and pgtrigger Protect."""
    if issubclass(model, pghistory.models.Event):
        return True
    return any(
        registered._meta.label_lower == model._meta.label_lower
        and isinstance(trigger, pgtrigger.Protect)
        and "UPDATE" in str(trigger.operation)
        for registered, trigger in pgtrigger.registered()
    )


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
    batch: list[models.Model] = []
    # Reading decrypts with whichever key wrote the value; bulk_update encrypts with the first.
    for obj in rows.iterator(chunk_size=BATCH_SIZE):
        batch.append(obj)
        if len(batch) == BATCH_SIZE:
            model._base_manager.bulk_update(batch, names, batch_size=BATCH_SIZE)
            rewritten += len(batch)
            batch = []
    if batch:
        model._base_manager.bulk_update(batch, names, batch_size=BATCH_SIZE)
        rewritten += len(batch)
    return rewritten


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS. "
        "History tables are left as they are, so old keys must stay configured after the first."
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

        writable = [m for m in found if not is_append_only(m)]
        unreadable = False
        for model in found:
            counts = count_by_key(model, encrypted_fields(model))
            self.stdout.write(self._describe(model, counts, current, configured))
            if model in writable and any(k not in configured for k in counts):
                unreadable = True
        if unreadable:
            raise CommandError(
                _(
                    "Nothing was changed: some values cannot be decrypted with the configured "
                    "keys (see above). Add the missing keys to FIELD_ENCRYPTION_KEYS, after the "
                    "first, and run the command again."
                )
            )

        if not dry_run:
            for model in writable:
                rewritten = self._rotate_one(model)
                self.stdout.write(
                    ngettext(
                        "%(model)s: re-encrypted %(count)d row.",
                        "%(model)s: re-encrypted %(count)d rows.",
                        rewritten,
                    )
                    % {"model": model._meta.label_lower, "count": rewritten}
                )

        self.stdout.write(
            self.style.WARNING(
                _(
                    "History rows keep the ciphertext of the key that was current when they were "
                    "written, and cannot be rewritten. Keep every old key in "
                    "FIELD_ENCRYPTION_KEYS, after the first, for as long as that history is kept."
                )
            )
        )

    def _rotate_one(self, model: Model) -> int:
        try:
            # Tracked models write a history row per rewritten row; the context says why.
            with transaction.atomic(), pghistory.context(command="rotate_encryption_keys"):
                return rotate_model(model, encrypted_fields(model))
        except DecryptionError:
            raise CommandError(
                _(
                    "%(model)s: a value failed to decrypt (altered, or copied from another "
                    "column). Nothing in this model was changed."
                )
                % {"model": model._meta.label_lower}
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
        label = model._meta.label_lower
        if is_append_only(model):
            template = _("%(model)s (history, not rewritten): %(counts)s")
        else:
            template = _("%(model)s: %(counts)s")
        return template % {"model": label, "counts": ", ".join(parts) or _("no encrypted values")}
