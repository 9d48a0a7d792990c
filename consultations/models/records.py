"""相談: the women who consult, their cases and every exchange, referral and support activity.

What a woman tells a counselor is 要配慮個人情報 (APPI). Every text she gives us is encrypted at rest
(contact handles, free text, her area, the role she took), except her nickname, which must stay
searchable and is never her real name (README, "Security and privacy"). Every model holding them is
tracked by pghistory; reads go through `visible_to(user)`.
"""

import datetime as dt
from typing import cast

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models.vocabularies import AgeBand, Agency, Channel, ConcernCategory
from kokona.crypto import HANDLE_KINDS, EncryptedTextField, keyed_hash
from kokona.models import User
from kokona.roles import Role

# ---------------------------------------------------------------------------------------------
# Access: one door per model. Supervisors see every record; nobody but NPO staff sees any.
# A restricted case is seen only by its counselor in charge (and supervisors). A woman with such a
# case is hidden altogether from counselors who are not in charge of any of her cases: they see
# neither her nor any of her records, and cannot find her by search.


def _is_npo_staff(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.COUNSELOR, Role.SUPERVISOR)


def _visible[Q_: models.QuerySet](queryset: Q_, user: User, *, client: str, case: str | None) -> Q_:
    """`queryset` as `user` may see it. `client` and `case` are the paths from its rows to the
    woman and to the case (`""` for a Case itself, None when rows have no case)."""
    if not _is_npo_staff(user):
        return queryset.none()
    if user.has_role(Role.SUPERVISOR):
        return queryset
    restricted_from_user = Case.objects.filter(restricted=True, client=OuterRef(client)).exclude(
        assigned_to=user
    )
    in_users_charge = Case.objects.filter(assigned_to=user, client=OuterRef(client))
    rows = queryset.filter(~Exists(restricted_from_user) | Exists(in_users_charge))
    if case is not None:
        prefix = f"{case}__" if case else ""
        rows = rows.exclude(
            Q(**{f"{prefix}restricted": True}) & ~Q(**{f"{prefix}assigned_to": user})
        )
    return rows


class ClientQuerySet(models.QuerySet["Client"]):
    def visible_to(self, user: User) -> "ClientQuerySet":
        return _visible(self, user, client="pk", case=None)

    def with_handle(self, kind: str, value: str) -> "ClientQuerySet":
        """Exact match on a contact handle, through its keyed hash: "is this number known?"."""
        digest = keyed_hash(value, kind=kind)
        if not digest:
            return self.none()
        return self.filter(**{f"{kind}_hash": digest})


@pghistory.track()
class Client(models.Model):
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
    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = ClientQuerySet.as_manager()

    HANDLES = HANDLE_KINDS
    # The field that holds each kind of handle.
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
            kwargs["update_fields"] = {*update_fields, "line_hash", "email_hash", "phone_hash"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("consultations:client_detail", args=[self.pk])

    @property
    def code(self) -> str:
        """The system code people quote instead of a name: C-00042."""
        return f"C-{self.pk:05d}" if self.pk else ""

    @classmethod
    def handle_label(cls, kind: str) -> str:
        """What a kind of handle is called on screen: LINE ID, メールアドレス…"""
        field = cast(models.Field, cls._meta.get_field(cls.HANDLE_FIELDS[kind]))
        return str(field.verbose_name)

    def handle(self, kind: str) -> str:
        return getattr(self, self.HANDLE_FIELDS[kind])

    def refresh_handle_hashes(self) -> None:
        """Recompute the lookup hashes from the handles; call before saving changed handles."""
        self.line_hash = keyed_hash(self.line_id, kind="line")
        self.email_hash = keyed_hash(self.email, kind="email")
        self.phone_hash = keyed_hash(self.phone, kind="phone")


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User) -> "CaseQuerySet":
        return _visible(self, user, client="client", case="")

    def open(self) -> "CaseQuerySet":
        return self.exclude(status=Case.Status.CLOSED)

    def overdue(self, today: dt.date | None = None) -> "CaseQuerySet":
        today = today or timezone.localdate()
        return self.open().filter(follow_up_due__lt=today)

    def due(self, today: dt.date | None = None, *, within_days: int = 3) -> "CaseQuerySet":
        """Open cases whose follow-up falls today or in the next few days."""
        today = today or timezone.localdate()
        return self.open().filter(
            follow_up_due__gte=today, follow_up_due__lte=today + dt.timedelta(days=within_days)
        )

    def unassigned(self) -> "CaseQuerySet":
        return self.open().filter(assigned_to__isnull=True)


@pghistory.track()
class Case(models.Model):
    """支援ケース: one woman's path with us, from the first contact to its close.

    受付 → 支援中 → つなぎ済 → 終結, and back to 支援中 when she returns. Every change of status is
    kept with who, when and why (CaseStatusChange). Saves check `version`: of two counselors
    saving the same case, the later is refused rather than silently winning.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        SUPPORTING = "supporting", _("In support")
        REFERRED = "referred", _("Referred")
        CLOSED = "closed", _("Closed")

        @property
        def next_statuses(self) -> list["Case.Status"]:
            S = Case.Status
            return {
                S.RECEIVED: [S.SUPPORTING, S.REFERRED, S.CLOSED],
                S.SUPPORTING: [S.REFERRED, S.CLOSED],
                S.REFERRED: [S.SUPPORTING, S.CLOSED],
                S.CLOSED: [S.SUPPORTING],  # reopened
            }[self]

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRISIS = "crisis", _("Crisis")

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
    closing_reason = EncryptedTextField(
        _("reason for closing"), blank=True, context="consultations.case.closing_reason"
    )
    follow_up_due = models.DateField(_("follow up by"), null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False)
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="case_closed_on_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="case_closes_after_it_opens",
            ),
        ]
        indexes = [models.Index(fields=["assigned_to", "status"], name="case_assignee_status")]

    def __str__(self) -> str:
        return f"{self.client.nickname} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("consultations:case_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != self.Status.CLOSED
            and self.follow_up_due is not None
            and self.follow_up_due < timezone.localdate()
        )


class CaseStatusChange(models.Model):
    """One step of a case: from, to, who, when and why. Itself history: the database refuses to
    change or delete a row, so pghistory has nothing to add."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Case.Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Case.Status)
    reason = EncryptedTextField(
        _("reason"), blank=True, context="consultations.casestatuschange.reason"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-pk"]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class ContactQuerySet(models.QuerySet["Contact"]):
    def visible_to(self, user: User) -> "ContactQuerySet":
        """Contacts of visible women on visible cases, and anonymous one-off contacts."""
        return _visible(self, user, client="client", case="case")

    def in_period(self, start: dt.datetime, end: dt.datetime) -> "ContactQuerySet":
        """Contacts with start <= occurred_at < end (aware datetimes)."""
        return self.filter(occurred_at__gte=start, occurred_at__lt=end)


@pghistory.track()
class Contact(models.Model):
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
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
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
    # A keyed hash of the imported row: importing the same file twice adds nothing.
    import_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # The last contact of a case, and a case's timeline, in one index scan.
            models.Index(fields=["case", "-occurred_at"], name="contact_case_latest"),
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
    def is_anonymous(self) -> bool:
        return self.client_id is None


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, user: User) -> "ReferralQuerySet":
        return _visible(self, user, client="case__client", case="case")


@pghistory.track()
class Referral(models.Model):
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
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

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


class SupportActivityQuerySet(models.QuerySet["SupportActivity"]):
    def visible_to(self, user: User) -> "SupportActivityQuerySet":
        return _visible(self, user, client="case__client", case="case")


@pghistory.track()
class SupportActivity(models.Model):
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
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SupportActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("support activity")
        verbose_name_plural = _("support activities")
        ordering = ["-done_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done_on}"
