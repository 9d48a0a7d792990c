"""Encryption at rest for the few fields that would hurt a woman most if the database leaked.

What a woman tells us about violence, health or pregnancy is 要配慮個人情報 under the APPI, and her
LINE id or phone number leads straight to her. Disk encryption does not help against a stolen
backup or a careless SQL export, so those columns hold only ciphertext and the application decrypts
them with keys the database never sees.

Format. A stored value is text: ``v1:<key id>:<urlsafe base64 of nonce + ciphertext and tag>``.

- AES-256-GCM with a fresh 12-byte random nonce for every encryption, so equal texts do not look
  equal in the database.
- The key id is the first 8 hex digits of SHA-256 of the key: it says which key to use without
  revealing it, and lets the rotation command count what each key still protects.
- The ``context`` (e.g. ``"consultations.client.line_id"``) is GCM's associated data: a value copied
  into another column does not decrypt there, so a mix-up or a malicious copy fails loudly.
- ``v1`` leaves room for a later format without guessing from the bytes.

Keys. ``FIELD_ENCRYPTION_KEYS`` is its own setting, never ``SECRET_KEY``: that one is rotated for
other reasons and must not make the records unreadable. The first key encrypts; all of them decrypt.
To rotate, put a new key first, keep the old ones after it and run ``rotate_encryption_keys``: it
re-encrypts every value, history included (append-only tables change by ciphertext only, as the
database owner). Once it reports every value under the new key, remove the old keys, so that a
leaked key stops mattering.

Blind index. Ciphertext cannot be searched, so "have we heard from this number before?" compares
``keyed_hash`` values instead: an HMAC with ``FIELD_HASH_KEY`` over a normalised handle. Without
the key, nobody can test guesses against the hashes (phone numbers are easy to enumerate).

Failing closed. Anything that does not decrypt raises ``DecryptionError``. Ciphertext or raw data is
never handed back as if it were the text, and error messages carry neither.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.lookups import Exact, Lookup, Transform
from django.utils.translation import gettext_lazy as _

__all__ = [
    "HANDLE_KINDS",
    "HASH_KINDS",
    "DecryptionError",
    "EncryptedTextField",
    "configured_key_ids",
    "current_key_id",
    "decrypt",
    "encrypt",
    "key_id",
    "keyed_hash",
    "normalise_handle",
    "token_key_id",
]

VERSION = "v1"
NONCE_BYTES = 12
KEY_BYTES = 32
TAG_BYTES = 16
_KEY_ID = re.compile(r"[0-9a-f]{8}")

# Contact handles a woman may give us; each has its own hash column on the client.
HANDLE_KINDS: tuple[str, ...] = ("line", "email", "phone")
HASH_KINDS: tuple[str, ...] = (*HANDLE_KINDS, "text")


class DecryptionError(Exception):
    """A stored value could not be decrypted. The message never contains the value itself."""


@dataclass(frozen=True)
class _Key:
    id: str
    aead: AESGCM


def key_id(key: bytes) -> str:
    """The short public name of a key, as it appears in tokens."""
    return hashlib.sha256(key).hexdigest()[:8]


@lru_cache(maxsize=8)
def _parse_keys(values: tuple[str, ...]) -> tuple[_Key, ...]:
    # Cached on the setting's values, so a test or a reload that changes the setting is seen at once.
    if not values:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty. Set it to one or more base64-encoded 32-byte keys "
            "(the first encrypts, all decrypt), e.g. from `openssl rand -base64 32`."
        )
    keys: list[_Key] = []
    seen: dict[str, bytes] = {}
    for position, value in enumerate(values):
        # Messages name the setting and the position, never the key material.
        try:
            raw = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS[{position}] is not valid base64."
            ) from None
        if len(raw) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS[{position}] decodes to {len(raw)} bytes; "
                f"AES-256 needs exactly {KEY_BYTES}."
            )
        kid = key_id(raw)
        if kid in seen:
            if seen[kid] != raw:
                raise ImproperlyConfigured(
                    f"FIELD_ENCRYPTION_KEYS[{position}] has the same key id as an earlier key; "
                    "generate a new key."
                )
            continue  # the same key listed twice: harmless
        seen[kid] = raw
        keys.append(_Key(kid, AESGCM(raw)))
    return tuple(keys)


def _keys() -> tuple[_Key, ...]:
    return _parse_keys(tuple(settings.FIELD_ENCRYPTION_KEYS))


def current_key_id() -> str:
    """The id of the key that encrypts now (the first of FIELD_ENCRYPTION_KEYS)."""
    return _keys()[0].id


def configured_key_ids() -> list[str]:
    """The ids of all keys that can decrypt, the encrypting one first."""
    return [key.id for key in _keys()]


def _aad(context: str) -> bytes:
    if not context:
        raise ValueError("An encryption context is required, e.g. 'consultations.client.line_id'.")
    return context.encode("utf-8")


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt `plaintext` with the first key, bound to `context`. Blank stays blank."""
    aad = _aad(context)
    if plaintext == "":
        return ""
    key = _keys()[0]
    # Random 96-bit nonces: safe for far more values than this project will ever encrypt per key.
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, plaintext.encode("utf-8"), aad)
    payload = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
    return f"{VERSION}:{key.id}:{payload}"


def token_key_id(token: str) -> str | None:
    """The key id named in a well-formed token, else None. Decrypts nothing."""
    parts = token.split(":")
    if len(parts) == 3 and parts[0] == VERSION and _KEY_ID.fullmatch(parts[1]):
        return parts[1]
    return None


def decrypt(token: str, *, context: str) -> str:
    """The text sealed in `token` for `context`. Blank stays blank; anything else that does not
    decrypt (unknown key, wrong key, other context, tampering, not a token) raises DecryptionError.
    """
    aad = _aad(context)
    if not token:
        return ""
    kid = token_key_id(token)
    if kid is None:
        raise DecryptionError(f"A value for {context} is not an encrypted token.")
    key = next((key for key in _keys() if key.id == kid), None)
    if key is None:
        raise DecryptionError(
            f"A value for {context} was encrypted with key {kid}, which is not in "
            "FIELD_ENCRYPTION_KEYS."
        )
    try:
        blob = base64.b64decode(token.split(":", 2)[2], altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError(f"A value for {context} is not an encrypted token.") from None
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError(f"A value for {context} is not an encrypted token.")
    try:
        plaintext = key.aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionError(
            f"A value for {context} failed authentication: wrong key, wrong column or altered."
        ) from None
    return plaintext.decode("utf-8")


_NOT_DIGITS = re.compile(r"[^0-9]")


def normalise_handle(value: str, kind: str) -> str:
    """The canonical form of a contact handle, so one person's number typed two ways matches.

    All kinds are NFKC-normalised first (full-width ０９０ and ＠ become ASCII) and trimmed.
    phone: digits only, and +81 (Japan) becomes the domestic leading 0. email, line: lower-cased.
    text (not a handle: any other string to recognise again, e.g. an imported row): as it is.
    """
    if kind not in HASH_KINDS:
        raise ValueError(f"Unknown hash kind {kind!r}; expected one of {', '.join(HASH_KINDS)}.")
    text = unicodedata.normalize("NFKC", value).strip()
    if kind == "phone":
        if text.startswith("+81"):
            rest = _NOT_DIGITS.sub("", text[3:])
            # "+81 (0)90-…" already carries the trunk 0; a Japanese number never starts "00".
            return rest if rest.startswith("0") or not rest else "0" + rest
        return _NOT_DIGITS.sub("", text)
    if kind == "text":
        return text
    return text.lower()


def keyed_hash(value: str, *, kind: str) -> str:
    """A blind index: HMAC-SHA256 (hex) with FIELD_HASH_KEY over `normalise_handle(value, kind)`.

    The kind is hashed with the value, so a LINE id that happens to look like a phone number does
    not match that phone number. A blank value hashes to "" so blanks never look "known".
    """
    normalised = normalise_handle(value, kind)
    if normalised == "":
        return ""
    secret: str = settings.FIELD_HASH_KEY
    if not secret:
        raise ImproperlyConfigured(
            "FIELD_HASH_KEY is empty. Set it to a long random string, different from SECRET_KEY."
        )
    message = f"{kind}:{normalised}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


class _BlankOnlyExact(Exact):
    """`field=""` finds blank values (never encrypted); any other value would compare ciphertext."""

    def get_prep_lookup(self) -> Any:
        # None is turned into `isnull` by the query builder after this check.
        if self.rhs is not None and not (isinstance(self.rhs, str) and self.rhs == ""):
            raise FieldError(_refusal(self.lhs.output_field, "exact"))
        return super().get_prep_lookup()


def _refusal(field: models.Field[Any, Any], lookup_name: str) -> str:
    return (
        f"{field.__class__.__name__} {getattr(field, 'context', '')!r} cannot be queried with "
        f"'{lookup_name}': the column holds randomised ciphertext. Only isnull and exact blank "
        '("") work; to find a handle, store and query its keyed_hash().'
    )


class EncryptedTextField(models.TextField):
    """Text stored encrypted (see the module docstring); the model and its forms see plaintext.

    `context` is required and is stored in migrations. It binds each value to its column and must
    never change once data is written. Convention: ``"<app_label>.<model_name>.<field_name>"`` as
    first declared, e.g. ``EncryptedTextField(_("LINE id"), blank=True,
    context="consultations.client.line_id")``.

    Why not derive it from the model: pghistory builds its event model by constructing this field
    again (from `deconstruct()`) on another model, and its trigger copies the raw ciphertext there;
    a context derived from the holding model would make every history row undecryptable. Renaming
    a model, field or app would do the same to live data. An explicit string survives both.

    Only `isnull` and `=""` can be queried; other lookups raise FieldError. The database sees only
    ciphertext, so ordering by the field or building expressions on it (Concat, Cast, F copies to
    another column) is meaningless: don't.
    """

    description = _("Encrypted text")

    def __init__(self, *args: Any, context: str, **kwargs: Any) -> None:
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [*super().check(**kwargs), *self._check_context(), *self._check_not_indexed()]

    def _check_context(self) -> list[checks.CheckMessage]:
        if isinstance(self.context, str) and self.context:
            return []
        return [
            checks.Error(
                "EncryptedTextField needs a non-empty context string.",
                hint="e.g. context='consultations.client.line_id'",
                obj=self,
                id="kokona.E101",
            )
        ]

    def _check_not_indexed(self) -> list[checks.CheckMessage]:
        # django-stubs do not declare Field.db_index, which Django sets on every field.
        if not (self.unique or self.primary_key or self.db_index):  # type: ignore[attr-defined]
            return []
        return [
            checks.Error(
                "An EncryptedTextField cannot be unique, a primary key or indexed: every value "
                "is randomised ciphertext.",
                hint="Store keyed_hash() of the value in its own column and index that.",
                obj=self,
                id="kokona.E102",
            )
        ]

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(value, context=self.context)

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> str | None:
        if value is None:
            return None
        return decrypt(value, context=self.context)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _BlankOnlyExact
        raise FieldError(_refusal(self, lookup_name))

    def get_transform(self, lookup_name: str) -> type[Transform] | None:
        raise FieldError(_refusal(self, lookup_name))
