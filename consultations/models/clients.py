"""相談者: the women who consult.

What a woman tells a counselor is 要配慮個人情報 (APPI). Every text she gives us is encrypted at rest
(contact handles, free text, her area), except her nickname, which must stay searchable and is
never her real name (README, "Security and privacy"). Reads go through `visible_to(user)`
(consultations.access).
"""

import unicodedata
from typing import cast

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consultations.access import PersonalQuerySet
from consultations.models.vocabularies import AgeBand
from kokona.crypto import HANDLE_KINDS, EncryptedTextField, keyed_hash
from kokona.http import path_of
from kokona.models import Provenance


class ClientQuerySet(PersonalQuerySet["Client"]):
    client_path = "pk"
    case_path = None

    def with_handle(self, kind: str, value: str) -> "ClientQuerySet":
        """Exact match on a contact handle, through its keyed hash: "is this number known?"."""
        digest = keyed_hash(value, kind=kind)
        if not digest:
            return self.none()
        return self.filter(**{f"{kind}_hash": digest})


@pghistory.track()
class Client(Provenance):
    """相談者: a woman who consulted. Pseudonymous: a system code and the nickname she gave.

    The project sees her as a person with strengths, not only a case: what she can do and likes
    is recorded beside what troubles her.
    """

    nickname = models.CharField(
        _("nickname"),
        max_length=60,
        help_text=_("The name she goes by with us, e.g. her LINE display name."),
    )
    age_band = models.ForeignKey(
        AgeBand, verbose_name=_("age band"), on_delete=models.PROTECT, null=True, blank=True
    )
    under_18 = models.BooleanField(_("under 18"), default=False)
    # Where she lives can lead to her as surely as a phone number in a small town: encrypted.
    # A TextField does not enforce max_length; it is there for the forms (one line, 60 at most).
    area = EncryptedTextField(
        _("area"), max_length=60, blank=True, context="consultations.client.area"
    )
    household_notes = EncryptedTextField(
        _("household"), blank=True, context="consultations.client.household_notes"
    )
    line_id = EncryptedTextField(_("LINE ID"), blank=True, context="consultations.client.line_id")
    email = EncryptedTextField(_("email"), blank=True, context="consultations.client.email")
    phone = EncryptedTextField(_("phone"), blank=True, context="consultations.client.phone")
    # Keyed hashes of the handles, for exact-match lookups without decrypting every row.
    line_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    may_contact_by_line = models.BooleanField(_("we may write to her on LINE"), default=False)
    may_contact_by_email = models.BooleanField(_("we may email her"), default=False)
    may_contact_by_phone = models.BooleanField(_("we may phone her"), default=False)
    strengths = EncryptedTextField(
        _("strengths"), blank=True, context="consultations.client.strengths"
    )
    interests = EncryptedTextField(
        _("interests"), blank=True, context="consultations.client.interests"
    )
    # The same client text in imported files is the same person: its keyed hash finds her again.
    import_ref = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    objects = ClientQuerySet.as_manager()

    # The kinds of handle she may give us (kokona.crypto) and the field holding each.
    HANDLE_FIELDS = {"line": "line_id", "email": "email", "phone": "phone"}

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["import_ref"], condition=~Q(import_ref=""), name="one_client_per_import_ref"
            )
        ]

    def __str__(self) -> str:
        return f"{self.nickname}（{self.code}）"

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_handle_hashes()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            hashes = {f"{kind}_hash" for kind in HANDLE_KINDS}
            kwargs["update_fields"] = {*update_fields, *hashes}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return path_of("consultations:client_detail", self.pk)

    @property
    def code(self) -> str:
        """The system code people quote instead of a name: C-00042."""
        return self.code_of(self.pk) if self.pk else ""

    @staticmethod
    def code_of(pk: int) -> str:
        """The code of the woman whose id is `pk`, for a row that has her id and not her."""
        return f"C-{pk:05d}"

    @classmethod
    def handle_label(cls, kind: str) -> str:
        """What a kind of handle is called on screen: LINE ID, メールアドレス…"""
        field = cast(models.Field, cls._meta.get_field(cls.HANDLE_FIELDS[kind]))
        return str(field.verbose_name)

    def handle(self, kind: str) -> str:
        return getattr(self, self.HANDLE_FIELDS[kind])

    @property
    def masked_handle(self) -> str:
        """Enough of a handle to tell two women apart, not enough to reach her: …@docomo.ne.jp,
        090-****-1234, LINE ha…"""
        if self.email and "@" in self.email:
            return "…@" + self.email.rsplit("@", 1)[1]
        digits = "".join(ch for ch in unicodedata.normalize("NFKC", self.phone) if ch.isdigit())
        if len(digits) >= 7:
            return f"{digits[:3]}-****-{digits[-4:]}"
        if self.line_id:
            return f"LINE {self.line_id[:2]}…"
        return ""

    def refresh_handle_hashes(self) -> None:
        """Recompute the lookup hashes from the handles; call before saving changed handles."""
        for kind in HANDLE_KINDS:
            setattr(self, f"{kind}_hash", keyed_hash(self.handle(kind), kind=kind))
