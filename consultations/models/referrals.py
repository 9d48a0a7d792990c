"""つなぎ: referrals of a case to outside agencies. Reads go through `visible_to(user)`."""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.access import PersonalQuerySet
from consultations.models.cases import Case
from consultations.models.vocabularies import Agency
from kokona.crypto import EncryptedTextField
from kokona.models import Provenance


class ReferralQuerySet(PersonalQuerySet["Referral"]):
    client_path = "case__client"
    case_path = "case"


@pghistory.track()
class Referral(Provenance):
    """つなぎ: a referral of a case to an outside agency.

    Passing what she told us to the agency needs her recorded consent, or a supervisor's
    override with a reason (APPI). A referral that shared information is the provision record
    (第三者提供の記録) and cannot be deleted.
    """

    class Stage(models.TextChoices):
        INFORMED = "informed", _("Information given")
        COORDINATING = "coordinating", _("Coordinating")
        ACCOMPANIED = "accompanied", _("Accompanied")
        HANDED_OVER = "handed_over", _("Handed over")
        FAILED = "failed", _("Did not happen")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="referrals"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)
    referred_on = models.DateField(_("date"), default=timezone.localdate)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage, default=Stage.INFORMED)
    shares_information = models.BooleanField(
        _("we pass her information to the agency"), default=False
    )
    consent_recorded = models.BooleanField(_("she agreed to the sharing"), default=False)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("override by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    override_reason = EncryptedTextField(
        _("reason for sharing without consent"),
        blank=True,
        context="consultations.referral.override_reason",
    )
    notes = EncryptedTextField(_("notes"), blank=True, context="consultations.referral.notes")

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shares_information=False)
                | Q(consent_recorded=True)
                | (Q(override_by__isnull=False) & ~Q(override_reason="")),
                name="referral_sharing_needs_consent_or_override",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="keep_provision_records",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Q(old__shares_information=True),
            ),
            pgtrigger.Protect(
                name="provision_records_stay_shared",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__shares_information=True, new__shares_information=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.get_stage_display()})"
