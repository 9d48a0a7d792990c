"""支援ケース: one woman's path with us, and every step of it.

Saves check `version` (kokona.locking): of two counselors saving the same case, the later is
refused rather than silently winning. Reads go through `visible_to(user)` (consultations.access).
"""

import datetime as dt

import pghistory
import pgtrigger
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.access import PersonalQuerySet
from consultations.models.clients import Client
from consultations.models.vocabularies import ClosingReason, ConcernCategory
from kokona import audit
from kokona.crypto import EncryptedTextField
from kokona.http import path_of
from kokona.locking import save_versioned
from kokona.models import Provenance, User
from kokona.roles import NPO_STAFF, Role


class CaseStatus(models.TextChoices):
    """受付 → 支援中 → つなぎ済 → 終結, and back to 支援中 when she returns."""

    RECEIVED = "received", _("Received")
    SUPPORTING = "supporting", _("In support")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")

    @property
    def next_statuses(self) -> list["CaseStatus"]:
        S = CaseStatus
        return {
            S.RECEIVED: [S.SUPPORTING, S.REFERRED, S.CLOSED],
            S.SUPPORTING: [S.REFERRED, S.CLOSED],
            S.REFERRED: [S.SUPPORTING, S.CLOSED],
            S.CLOSED: [S.SUPPORTING],  # reopened
        }[self]

    @property
    def tone(self) -> str:
        """How its tag is coloured (`tag--<tone>`): waiting to be taken up stands out."""
        S = CaseStatus
        return {S.RECEIVED: "warning", S.SUPPORTING: "key", S.REFERRED: "success"}.get(
            self, "muted"
        )


class Risk(models.TextChoices):
    @property
    def is_high(self) -> bool:
        return self in (Risk.HIGH, Risk.CRISIS)

    @property
    def rank(self) -> int:
        return list(Risk).index(self)

    @classmethod
    def for_urgency(cls, urgency: str) -> "Risk":
        """The risk a contact's urgency suggests when nobody said otherwise: 早めに is not 低."""
        return {"soon": cls.MEDIUM, "urgent": cls.HIGH}.get(urgency, cls.LOW)

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRISIS = "crisis", _("Crisis")


class CaseQuerySet(PersonalQuerySet["Case"]):
    client_path = "client"
    case_path = ""

    def open(self) -> "CaseQuerySet":
        return self.exclude(status=CaseStatus.CLOSED)

    @staticmethod
    def overdue_on(today: dt.date) -> Q:
        """A follow-up day gone by: the condition, for counts and windows as for `overdue`."""
        return Q(follow_up_due__lt=today)

    @staticmethod
    def due_on(today: dt.date, *, within_days: int = 3) -> Q:
        """A follow-up today or in the next few days: the condition of `due`."""
        return CaseQuerySet.due_between(today, today + dt.timedelta(days=within_days))

    @staticmethod
    def due_between(first: dt.date, last: dt.date) -> Q:
        """A follow-up from `first` to `last`, both included (`due_on`, with both days given)."""
        return Q(follow_up_due__gte=first, follow_up_due__lte=last)

    def overdue(self, today: dt.date | None = None) -> "CaseQuerySet":
        return self.open().filter(self.overdue_on(today or timezone.localdate()))

    def due(self, today: dt.date | None = None, *, within_days: int = 3) -> "CaseQuerySet":
        """Open cases whose follow-up falls today or in the next few days."""
        return self.open().filter(
            self.due_on(today or timezone.localdate(), within_days=within_days)
        )

    def unassigned(self) -> "CaseQuerySet":
        return self.open().filter(assigned_to__isnull=True)


@pghistory.track()
class Case(Provenance):
    """支援ケース: one woman's path with us, from the first contact to its close.

    受付 → 支援中 → つなぎ済 → 終結, and back to 支援中 when she returns. Every change of status is
    kept with who, when and why (CaseStatusChange). Saves check `version`: of two counselors
    saving the same case, the later is refused rather than silently winning.
    """

    Status = CaseStatus
    Risk = Risk

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.RECEIVED, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counselor in charge"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        db_index=False,  # case_assignee_client and case_assignee_status lead with it
    )
    primary_concern = models.ForeignKey(
        ConcernCategory,
        verbose_name=_("main concern"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    categories = models.ManyToManyField(
        ConcernCategory, verbose_name=_("concerns"), blank=True, related_name="cases"
    )
    risk = models.CharField(_("risk"), max_length=10, choices=Risk, default=Risk.LOW)
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Only the counselor in charge and supervisors can see a restricted case."),
    )
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_category = models.ForeignKey(
        ClosingReason,
        verbose_name=_("outcome"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closing_reason = EncryptedTextField(
        _("reason for closing"), blank=True, context="consultations.case.closing_reason"
    )
    follow_up_due = models.DateField(_("follow up by"), null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CaseStatus.CLOSED, closed_on__isnull=False)
                | (~Q(status=CaseStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="case_closed_on_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closes_after_it_opens",
            ),
        ]
        indexes = [
            models.Index(fields=["assigned_to", "status"], name="case_assignee_status"),
            # Checked with EXPLAIN on ten years of records (bench/README.md). The access door asks
            # on every read "is she restricted from this user, and is he in charge of any of her
            # cases?": both answered from an index alone, not from the cases themselves (without
            # them, a scan of all cases; with plain indexes, a read of every case he holds).
            models.Index(
                fields=["client", "assigned_to"],
                condition=Q(restricted=True),
                name="case_restricted_client",
            ),
            models.Index(fields=["assigned_to", "client"], name="case_assignee_client"),
            # The home's contacts nobody has taken.
            models.Index(
                fields=["id"], condition=Q(assigned_to__isnull=True), name="case_unassigned"
            ),
            # A counselor's open cases by follow-up date (her home), and the case list's order.
            models.Index(
                fields=["assigned_to", "follow_up_due"],
                condition=~Q(status=CaseStatus.CLOSED),
                name="case_open_assignee_due",
            ),
            models.Index(
                fields=["-updated_at", "-id"],
                condition=~Q(status=CaseStatus.CLOSED),
                name="case_open_latest",
            ),
            # Her open cases at crisis risk (her crisis cases gone quiet, on the home and as the
            # case list's filter): the few of her hundreds of open cases, found without reading
            # the others (the home's query: 1.6 → 0.8 ms of execution, 0.8 → 0.6 of planning).
            models.Index(
                fields=["assigned_to"],
                condition=~Q(status=CaseStatus.CLOSED) & Q(risk=Risk.CRISIS),
                name="case_open_crisis",
            ),
            # The case list of every case, or of the closed ones, in the same order: read from
            # this index it stops at the page, where it sorted ten years of cases to show 25
            # (48 → 8.5 ms in PostgreSQL for all cases, a channel alone 87 → 19; bench/README.md).
            models.Index(fields=["-updated_at", "-id"], name="case_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.client.nickname} #{self.pk}"

    def get_absolute_url(self) -> str:
        return path_of("consultations:case_detail", self.pk)

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED

    @property
    def is_high_risk(self) -> bool:
        return Risk(self.risk).is_high

    @property
    def status_tone(self) -> str:
        return CaseStatus(self.status).tone

    # The labels a case row shows, from the choices themselves: Django's get_FOO_display builds a
    # dictionary of every choice, translating each label, on every call (30 rows: 0.8 ms).
    @property
    def status_label(self) -> str:
        return str(CaseStatus(self.status).label)

    @property
    def risk_label(self) -> str:
        return str(Risk(self.risk).label)

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    def is_overdue_on(self, day: dt.date) -> bool:
        """Her follow-up fell before `day` (a list drawing many rows asks the clock once)."""
        return not self.is_closed and self.follow_up_due is not None and self.follow_up_due < day

    def is_due_on(self, day: dt.date) -> bool:
        return not self.is_closed and self.follow_up_due == day

    # --- one-row transitions ---------------------------------------------------------------

    @transaction.atomic
    def change_status(
        self,
        to: "CaseStatus",
        *,
        reason: str,
        by: User,
        expected_version: int,
        outcome: ClosingReason | None = None,
        follow_up_due: dt.date | None = None,
    ) -> "CaseStatusChange":
        """Move the case along 受付 → 支援中 → つなぎ済 → 終結 (or reopen it), saying why; the
        step is kept with who, when and why. Closing names its outcome (ClosingReason), so that
        outcomes can be counted; reopening sets a new follow-up date (the old one is past). A
        stale form raises VersionConflict."""
        current = CaseStatus(self.status)
        if to not in current.next_statuses:
            raise ValidationError(
                _("A case cannot go from %(from)s to %(to)s.")
                % {"from": current.label, "to": CaseStatus(to).label}
            )
        if not reason.strip():
            raise ValidationError(_("Say why the status changes."))
        fields: dict[str, object] = {"status": to}
        if to == CaseStatus.CLOSED:
            if outcome is None:
                raise ValidationError(_("Choose the outcome of the case."))
            fields |= {
                "closed_on": max(timezone.localdate(), self.opened_on),
                "closing_reason": reason,
                "closing_category": outcome,
            }
        elif current == CaseStatus.CLOSED:
            if follow_up_due is None or follow_up_due < timezone.localdate():
                raise ValidationError(_("Give the date by which to follow up, today or later."))
            fields |= {
                "closed_on": None,
                "closing_reason": "",
                "closing_category": None,
                "follow_up_due": follow_up_due,
            }
        save_versioned(self, expected_version, fields)
        change = CaseStatusChange.objects.create(
            case=self,
            from_status=current,
            to_status=to,
            reason=reason,
            outcome=outcome if to == CaseStatus.CLOSED else None,
            changed_by=by,
        )
        detail: dict[str, object] = {"status": [current, to]}
        if outcome is not None:
            detail["outcome"] = outcome.code
        audit.record(audit.Action.UPDATE, self, by=by, detail=detail)
        return change

    @transaction.atomic
    def assign(
        self, to: User, *, by: User, expected_version: int, reason: str = ""
    ) -> "CaseAssignment":
        """Put `to` in charge, with an optional reason; the handover is kept in the case's story
        (CaseAssignment) and shows on the new counselor's home. Supervisors assign any case; a
        counselor may take an unassigned case herself."""
        if not to.has_role(*NPO_STAFF):
            raise ValidationError(_("Only NPO counselors and supervisors can be put in charge."))
        if not (by.has_role(Role.SUPERVISOR) or (self.assigned_to_id is None and to == by)):
            raise PermissionDenied
        before = self.assigned_to
        save_versioned(self, expected_version, {"assigned_to": to})
        handover = CaseAssignment.objects.create(
            case=self, from_user=before, to_user=to, reason=reason, changed_by=by
        )
        audit.record(audit.Action.UPDATE, self, by=by, detail={"assigned_to": to.pk})
        return handover


class CaseStatusChangeQuerySet(PersonalQuerySet["CaseStatusChange"]):
    client_path = "case__client"
    case_path = "case"


class CaseStatusChange(models.Model):
    """One step of a case: from, to, who, when and why. Itself history: the database refuses to
    change or delete a row, so pghistory has nothing to add."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=CaseStatus, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus)
    outcome = models.ForeignKey(
        ClosingReason,
        verbose_name=_("outcome"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = EncryptedTextField(
        _("reason"), blank=True, context="consultations.casestatuschange.reason"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    objects = CaseStatusChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-pk"]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class CaseAssignmentQuerySet(PersonalQuerySet["CaseAssignment"]):
    client_path = "case__client"
    case_path = "case"


class CaseAssignment(models.Model):
    """One handover of a case: from whom, to whom, who decided, when and why. Like a status
    change, it is the case's history itself: the database refuses to change or delete a row."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases_handed_over"
    )
    reason = EncryptedTextField(
        _("reason"), blank=True, context="consultations.caseassignment.reason"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = CaseAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("change of counselor")
        verbose_name_plural = _("changes of counselor")
        ordering = ["-changed_at", "-pk"]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_user_id} → {self.to_user_id}"
