"""居場所: the programmes, their sessions (one-off or a repeating series), and who came.

A session's own facts (when, where, how many places) are the NPO's, not anyone's personal data.
Who came is: an `Attendance` names a registered woman, so it reads only through the access door
of consultations (`Attendance.objects.visible_to(user)`), like every record of hers. Women who
give no name are a head count on the session (`anonymous_count`), never a record.
"""

import datetime as dt
from collections.abc import Sequence

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.access import PersonalQuerySet
from consultations.models import Client, SupportActivity
from kokona.crypto import EncryptedTextField
from kokona.fiscal import JST, fiscal_year_span
from kokona.http import path_of
from kokona.models import Provenance
from kokona.vocabularies import Vocabulary


class Program(Vocabulary):
    """A kind of session: 居場所サロン, 託児付き居場所, 専門相談(カウンセラー)… Supervisors edit the list
    in the admin; a new session takes its venue and childcare from here."""

    venue = models.CharField(_("venue"), max_length=100, blank=True)
    offers_childcare = models.BooleanField(_("childcare offered"), default=False)
    # 専門相談, 子育て相談, 発達相談: one woman a slot, booked ahead by a counselor.
    by_appointment = models.BooleanField(
        _("one-to-one by appointment"),
        default=False,
        help_text=_("Each session is a slot for one woman, booked ahead (expert consultations)."),
    )

    class Meta(Vocabulary.Meta):
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every other week")
    MONTHLY = "monthly", _("Every month, on the nth weekday")


class Series(Provenance):
    """A repeating session, e.g. 毎月第2火曜日 10:00–12:00 from April to March. Its sessions are
    made when the series is created; each can then be edited or cancelled on its own, or with
    all of the series from a date on."""

    program = models.ForeignKey(Program, verbose_name=_("programme"), on_delete=models.PROTECT)
    frequency = models.CharField(_("repeats"), max_length=12, choices=Frequency)
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # Monday 0 … Sunday 6
    nth = models.PositiveSmallIntegerField(_("week of the month"), null=True, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    skip_holidays = models.BooleanField(_("not on public holidays"), default=True)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="series_weekday_valid"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="series_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(frequency="monthly") | Q(nth__gte=1, nth__lte=5),
                name="series_monthly_has_nth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.starts_on}–{self.ends_on}"


class SessionQuerySet(models.QuerySet["Session"]):
    def held(self) -> "SessionQuerySet":
        """Sessions that took place: not cancelled, and begun by now."""
        return self.filter(cancelled=False, starts_at__lte=timezone.now())

    def in_fiscal_year(self, year: int) -> "SessionQuerySet":
        start, end = fiscal_year_span(year)
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def between(self, first: dt.date, last: dt.date) -> "SessionQuerySet":
        """Sessions starting on a Japan-time date from `first` to `last`, both included."""
        start = dt.datetime.combine(first, dt.time.min, tzinfo=JST)
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=JST)
        return self.filter(starts_at__gte=start, starts_at__lt=end)


@pghistory.track()
class Session(Provenance):
    """開催回: one meeting of a programme, or one appointment slot of an expert consultation."""

    program = models.ForeignKey(Program, verbose_name=_("programme"), on_delete=models.PROTECT)
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=100, blank=True)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True, related_name="+"
    )
    # Someone from outside: the counselor of 専門相談, a lecturer. A name and a title, no more.
    guest = models.CharField(_("specialist or lecturer"), max_length=100, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, help_text=_("Blank: no limit.")
    )
    childcare_places = models.PositiveSmallIntegerField(_("childcare places"), default=0)
    # Women who came and gave no name, and the children they left in childcare: counts only.
    anonymous_count = models.PositiveSmallIntegerField(_("anonymous participants"), default=0)
    anonymous_children = models.PositiveSmallIntegerField(
        _("children of anonymous participants"), default=0
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=200, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, context="ibasho.session.notes")
    # The keyed hash of an imported row, against importing the same file twice.
    import_key = models.CharField(max_length=64, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="one_session_per_import"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(anonymous_count__lte=models.F("capacity")),
                name="session_head_count_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.program} {local:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return path_of("ibasho:session_detail", self.pk)

    @property
    def date(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def has_begun(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_appointment(self) -> bool:
        return self.program.by_appointment


class Role(models.TextChoices):
    """What she did at the session. Helping run it (or speaking) is a 活躍の機会 on her case."""

    PARTICIPANT = "participant", _("Participant")
    VOLUNTEER = "volunteer", _("Volunteer / peer supporter")
    LECTURER = "lecturer", _("Lecturer")
    # The woman seen in an expert consultation slot: one a slot (a database constraint).
    CONSULTEE = "consultee", _("One-to-one consultation")

    @property
    def helps_run(self) -> bool:
        return self in (Role.VOLUNTEER, Role.LECTURER)


class Status(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Came")
    ABSENT = "absent", _("Did not come")
    CANCELLED = "cancelled", _("Booking cancelled")

    @property
    def tone(self) -> str:
        """How its tag is coloured (`tag--<tone>`): who came, who is expected, then the rest."""
        return {Status.ATTENDED: "success", Status.BOOKED: "key"}.get(self, "muted")

    @property
    def next(self) -> list["Status"]:
        """What the session's list offers to mark her as from here: she came (unless marked so),
        did not come (a booking, or a mistaken 「来た」), or the booking is cancelled."""
        S = Status
        return {
            S.BOOKED: [S.ATTENDED, S.ABSENT, S.CANCELLED],
            S.ATTENDED: [S.ABSENT],
            S.ABSENT: [S.ATTENDED],
            S.CANCELLED: [S.ATTENDED],
        }[self]


# Who holds a place: a booking, or someone who came.
HOLDS_A_PLACE = [Status.BOOKED, Status.ATTENDED]


class AttendanceQuerySet(PersonalQuerySet["Attendance"]):
    client_path = "client"
    case_path = None

    def holding_places(self) -> "AttendanceQuerySet":
        return self.filter(status__in=HOLDS_A_PLACE)

    def attended(self) -> "AttendanceQuerySet":
        return self.filter(status=Status.ATTENDED)


@pghistory.track()
class Attendance(Provenance):
    """A registered woman at a session: booked, came, did not come, or cancelled, and in what
    role; with the children she left in childcare."""

    Role = Role
    Status = Status

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="attendances"
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.PARTICIPANT)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ATTENDED)
    children = models.PositiveSmallIntegerField(_("children in childcare"), default=0)
    # What she did when she helped: encrypted like the role she took on her case.
    helped_with = EncryptedTextField(
        _("what she did"),
        max_length=60,
        blank=True,
        context="ibasho.attendance.helped_with",
    )
    # Her 活躍の機会 on her case, when she helped run the session.
    activity = models.ForeignKey(
        SupportActivity,
        verbose_name=_("support activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "client"], name="once_per_session"),
            # An expert's slot holds one woman: a second booking fails in the database itself,
            # whatever two counselors click at the same moment.
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(role="consultee", status__in=["booked", "attended"]),
                name="one_booking_per_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.client.code}"

    @property
    def holds_a_place(self) -> bool:
        return self.status in HOLDS_A_PLACE

    @property
    def status_tone(self) -> str:
        return Status(self.status).tone

    @property
    def next_statuses(self) -> Sequence[str]:
        return Status(self.status).next
