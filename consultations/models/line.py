"""LINE: the women who write to our official account, the events LINE delivered, and our replies.

Her LINE user id is how LINE names her to us: it is encrypted, and found again by its keyed hash.
What she writes is a `Contact` (channel LINE) in our database, as the government's guideline for
LINE consultations asks, not only on LINE's servers.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.access import PersonalQuerySet
from consultations.models.clients import Client
from consultations.models.contacts import Contact
from kokona.crypto import EncryptedTextField


class LineAccountQuerySet(PersonalQuerySet["LineAccount"]):
    client_path = "client"
    case_path = None


class LineAccount(models.Model):
    """A woman's LINE account: the user id LINE gives her (encrypted) and whether she follows us."""

    client = models.OneToOneField(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="line_account"
    )
    user_id = EncryptedTextField(_("LINE user id"), context="consultations.lineaccount.user_id")
    user_hash = models.CharField(max_length=64, unique=True, editable=False)
    following = models.BooleanField(_("follows us"), default=True)
    # The out-of-hours reply goes once a night, not after every message.
    auto_replied_at = models.DateTimeField(
        _("out-of-hours reply sent at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("first message at"), default=timezone.now, editable=False)

    objects = LineAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("LINE account")
        verbose_name_plural = _("LINE accounts")

    def __str__(self) -> str:
        return f"LINE {self.client.code}"


class LineEventQuerySet(PersonalQuerySet["LineEvent"]):
    client_path = "contact__client"
    case_path = "contact__case"


class LineEvent(models.Model):
    """One webhook event, once: LINE redelivers an event it is not sure reached us, with the same
    `webhookEventId`. Follows and unfollows are kept as counts (no user id here)."""

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        FOLLOW = "follow", _("Follow")
        UNFOLLOW = "unfollow", _("Unfollow")
        OTHER = "other", _("Other")

    event_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="line_events"
    )

    objects = LineEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("LINE event")
        verbose_name_plural = _("LINE events")

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class LineReplyQuerySet(PersonalQuerySet["LineReply"]):
    client_path = "contact__client"
    case_path = "contact__case"


class LineReply(models.Model):
    """A counselor's reply on LINE, sent by the background worker (consultations.tasks). The
    contact is written first, so nothing is lost when LINE cannot be reached; a reply that
    finally fails shows on her case with a button to send it again."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not sent")

    contact = models.OneToOneField(
        Contact, on_delete=models.PROTECT, related_name="line_reply", verbose_name=_("contact")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # LINE's retry key: a reply sent twice after a timeout arrives once.
    retry_key = models.UUIDField(default=uuid.uuid4, editable=False)
    # What went wrong, as LINE's status code: never the message.
    error = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = LineReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("LINE reply")
        verbose_name_plural = _("LINE replies")

    def __str__(self) -> str:
        return f"{self.status} #{self.contact_id}"
