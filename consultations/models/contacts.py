"""相談記録: every exchange with a woman. Reads go through `visible_to(user)`."""

import datetime as dt

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.access import PersonalQuerySet
from consultations.models.cases import Case
from consultations.models.clients import Client
from consultations.models.vocabularies import Channel, ConcernCategory
from kokona.crypto import EncryptedTextField
from kokona.models import Provenance
from supplies.models import CardLink


class ContactQuerySet(PersonalQuerySet["Contact"]):
    """Contacts of visible women on visible cases, and anonymous one-off contacts."""

    client_path = "client"
    case_path = "case"

    def in_period(self, start: dt.datetime, end: dt.datetime) -> "ContactQuerySet":
        """Contacts with start <= occurred_at < end (aware datetimes)."""
        return self.filter(occurred_at__gte=start, occurred_at__lt=end)


@pghistory.track()
class Contact(Provenance):
    """相談記録: one exchange with a woman, on one channel, at one time.

    `client` is empty for an anonymous one-off contact; then there is no case either.
    """

    class Direction(models.TextChoices):
        INBOUND = "in", _("From her")
        OUTBOUND = "out", _("From us")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        SOON = "soon", _("Soon")
        URGENT = "urgent", _("Urgent")

    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.PROTECT)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction, default=Direction.INBOUND
    )
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counselor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    categories = models.ManyToManyField(
        ConcernCategory, verbose_name=_("concerns"), blank=True, related_name="contacts"
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency, default=Urgency.NORMAL)
    # Blank only for imported history that had none; the screens require it.
    summary = EncryptedTextField(_("summary"), blank=True, context="consultations.contact.summary")
    next_step = EncryptedTextField(
        _("next step"), blank=True, context="consultations.contact.next_step"
    )
    # The card (a placement's or a site's) whose QR code brought her to the web form.
    card_link = models.ForeignKey(
        CardLink,
        verbose_name=_("came through"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    # A keyed hash of the imported row: importing the same file twice adds nothing.
    import_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # The last contact of a case, and a case's timeline, in one index scan.
            models.Index(fields=["case", "-occurred_at"], name="contact_case_latest"),
            # A year's contacts by date, with what the counts group them by: the reports read
            # them from the index alone (an index-only scan), not from 10,000 scattered rows.
            models.Index(
                fields=["occurred_at"],
                include=["id", "client", "channel", "case"],
                name="contact_period",
            ),
            # The case list filtered by channel over a period: a year of one channel's contacts
            # (1,300) from the index, not a year of all of them (13,000) tested one by one.
            models.Index(
                fields=["channel", "occurred_at"], include=["case"], name="contact_channel_period"
            ),
        ]
        constraints = [
            # An anonymous one-off contact has no case; a case always belongs to the client.
            models.CheckConstraint(
                condition=Q(client__isnull=False) | Q(case__isnull=True),
                name="contact_anonymous_has_no_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.channel}"

    @property
    def is_pressing(self) -> bool:
        return self.urgency != self.Urgency.NORMAL
