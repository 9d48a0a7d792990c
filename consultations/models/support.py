"""支援: what we did with her. Reads go through `visible_to(user)`."""

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.access import PersonalQuerySet
from consultations.models.cases import Case
from kokona.crypto import EncryptedTextField
from kokona.models import Provenance


class SupportActivityQuerySet(PersonalQuerySet["SupportActivity"]):
    client_path = "case__client"
    case_path = "case"


@pghistory.track()
class SupportActivity(Provenance):
    """支援: what we did with her: a visit, going along, time at the drop-in space, learning,
    community work, work experience, job support, or a chance to take a role herself."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Home visit")
        ACCOMPANY = "accompany", _("Accompanying")
        IBASHO = "ibasho", _("Time together at the drop-in space")
        LEARNING = "learning", _("Learning")
        COMMUNITY = "community", _("Community activity")
        WORK_EXPERIENCE = "work_experience", _("Work experience and placement")
        JOB_SUPPORT = "job_support", _("Job support")
        ROLE = "role", _("A chance to play a part")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    done_on = models.DateField(_("date"), default=timezone.localdate)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role_taken = EncryptedTextField(
        _("role she took"),
        max_length=60,
        blank=True,
        help_text=_("e.g. peer supporter, volunteer, speaker"),
        context="consultations.supportactivity.role_taken",
    )
    notes = EncryptedTextField(
        _("notes"), blank=True, context="consultations.supportactivity.notes"
    )

    objects = SupportActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("support activity")
        verbose_name_plural = _("support activities")
        ordering = ["-done_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done_on}"
