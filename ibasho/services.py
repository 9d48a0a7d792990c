"""Planning sessions: one-off or a repeating series, edited or cancelled one at a time or from a
date on. Each workflow is atomic, takes the person who acts (`by`) and writes its audit events
inside the same transaction. Attendance has its own module (ibasho.attendance)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ibasho import schedule
from ibasho.models import HOLDS_A_PLACE, Attendance, Program, Role, Series, Session
from kokona import audit
from kokona.audit import Action
from kokona.fiscal import JST
from kokona.locking import VersionConflict
from kokona.models import User

# A series longer than this is a slip (a year of weekly sessions is 53).
MAX_SESSIONS_IN_A_SERIES = 120


class Scope(StrEnum):
    """Which sessions an edit or a cancellation reaches."""

    THIS = "this"
    FOLLOWING = "following"  # this one and the later ones of its series


@dataclass(frozen=True)
class Plan:
    """What a session looks like, whatever its date: the fields a series shares."""

    program: Program
    start: dt.time
    end: dt.time
    venue: str = ""
    capacity: int | None = None
    childcare_places: int = 0
    guest: str = ""
    notes: str = ""
    # Expert consultations: the time split into one-woman slots of this many minutes.
    slot_minutes: int | None = None

    def clean(self) -> None:
        if self.end <= self.start:
            raise ValidationError(_("The session must end after it starts."))
        if self.slot_minutes and self.program.by_appointment:
            span = dt.datetime.combine(dt.date.min, self.end) - dt.datetime.combine(
                dt.date.min, self.start
            )
            if span < dt.timedelta(minutes=self.slot_minutes):
                raise ValidationError(_("The time is shorter than one slot."))
        if self.childcare_places and not self.program.offers_childcare:
            raise ValidationError(
                _("%(program)s offers no childcare: set its childcare in the programme first.")
                % {"program": self.program}
            )

    def sessions(self, day: dt.date, *, by: User, series: Series | None = None) -> list[Session]:
        """The day's session, or its slots one after the other when the time is split."""
        start = dt.datetime.combine(day, self.start, tzinfo=JST)
        end = dt.datetime.combine(day, self.end, tzinfo=JST)
        if not (self.program.by_appointment and self.slot_minutes):
            return [self._session(start, end, by=by, series=series)]
        length = dt.timedelta(minutes=self.slot_minutes)
        slots = []
        while start + length <= end:
            slots.append(self._session(start, start + length, by=by, series=series))
            start += length
        return slots

    def _session(
        self, starts_at: dt.datetime, ends_at: dt.datetime, *, by: User, series: Series | None
    ) -> Session:
        return Session(
            program=self.program,
            series=series,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=self.venue or self.program.venue,
            # An expert's slot holds one woman, whatever was typed.
            capacity=1 if self.program.by_appointment else self.capacity,
            childcare_places=self.childcare_places,
            guest=self.guest,
            notes=self.notes,
            created_by=by,
        )


def _set_facilitators(sessions: Iterable[Session], staff: Iterable[User]) -> None:
    through = Session.facilitators.through
    ids = [s.pk for s in sessions]
    through.objects.filter(session_id__in=ids).delete()
    through.objects.bulk_create(
        through(session_id=session_id, user_id=user.pk) for session_id in ids for user in staff
    )


@transaction.atomic
def create_session(
    *, by: User, plan: Plan, day: dt.date, staff: Iterable[User] = ()
) -> list[Session]:
    """A one-off session, or the day's slots of an expert consultation."""
    plan.clean()
    sessions = Session.objects.bulk_create(plan.sessions(day, by=by))
    _set_facilitators(sessions, list(staff))
    audit.record_many(Action.CREATE, ((s, {}) for s in sessions), by=by)
    return sessions


@transaction.atomic
def create_series(
    *,
    by: User,
    plan: Plan,
    frequency: str,
    weekday: int,
    nth: int | None,
    starts_on: dt.date,
    ends_on: dt.date,
    skip_holidays: bool = True,
    staff: Iterable[User] = (),
) -> Series:
    """A repeating series and all of its sessions, e.g. every second Tuesday from April to March."""
    plan.clean()
    days = schedule.series_dates(
        frequency=frequency,
        weekday=weekday,
        nth=nth,
        starts_on=starts_on,
        ends_on=ends_on,
        skip_holidays=skip_holidays,
    )
    if not days:
        raise ValidationError(_("No session falls on these dates: check the weekday and period."))
    count = len(days) * len(plan.sessions(days[0], by=by))
    if count > MAX_SESSIONS_IN_A_SERIES:
        raise ValidationError(
            _("That makes %(n)d sessions; a series holds at most %(max)d. Shorten the period.")
            % {"n": count, "max": MAX_SESSIONS_IN_A_SERIES}
        )
    series = Series.objects.create(
        program=plan.program,
        frequency=frequency,
        weekday=weekday,
        nth=nth,
        starts_on=starts_on,
        ends_on=ends_on,
        skip_holidays=skip_holidays,
        created_by=by,
    )
    sessions = Session.objects.bulk_create(
        s for day in days for s in plan.sessions(day, by=by, series=series)
    )
    _set_facilitators(sessions, list(staff))
    audit.record(Action.CREATE, series, by=by, detail={"sessions": len(sessions)})
    audit.record_many(Action.CREATE, ((s, {"series": series.pk}) for s in sessions), by=by)
    return series


def reached(session: Session, scope: Scope) -> list[Session]:
    """The session alone, or it and the later sessions of its series that are not cancelled."""
    if scope == Scope.THIS or session.series_id is None:
        return [session]
    later = Session.objects.filter(series=session.series_id, starts_at__gt=session.starts_at)
    return [session, *later.filter(cancelled=False).order_by("starts_at")]


def places_taken(sessions: Iterable[Session]) -> dict[int, tuple[int, int]]:
    """(women holding a place, children booked into childcare) per session, the head counts
    left out. Counted past the door on purpose: a place is taken whoever holds it, and only the
    numbers leave here. Those helping run a session take no participant's place."""
    totals = {s.pk: (0, 0) for s in sessions}
    rows = (
        Attendance.objects.unscoped()
        .filter(session__in=list(totals), status__in=HOLDS_A_PLACE)
        .values_list("session", "role", "children")
    )
    for session_id, role, children in rows:
        women, kids = totals[session_id]
        totals[session_id] = (women + (0 if Role(role).helps_run else 1), kids + children)
    return totals


@transaction.atomic
def update_sessions(
    *,
    by: User,
    session: Session,
    scope: Scope,
    expected_version: int,
    fields: dict,
    start: dt.time | None = None,
    end: dt.time | None = None,
    day: dt.date | None = None,
    staff: list[User] | None = None,
) -> int:
    """Change this session, or it and the later ones of its series; return how many changed.

    `fields` are the shared fields (venue, places, guest, notes…); `start`/`end` a new time of
    day, put on each session's own date (None: each keeps its own); `day` moves this one session
    to another date. A
    change that leaves fewer places than are booked is refused, naming the session.
    """
    if not Session.objects.filter(pk=session.pk, version=expected_version).exists():
        raise VersionConflict
    sessions = reached(session, scope)
    locked = {
        s.pk: s
        for s in Session.objects.select_for_update()
        .select_related("program")
        .filter(pk__in=[s.pk for s in sessions])
    }
    sessions = [locked[s.pk] for s in sessions]
    taken = places_taken(sessions)
    for s in sessions:
        women, children = taken[s.pk]
        capacity = fields.get("capacity", s.capacity)
        if s.program.by_appointment or fields.get("program", s.program).by_appointment:
            capacity = 1
        if capacity is not None and women + s.anonymous_count > capacity:
            raise ValidationError(
                _(
                    "On %(date)s, %(taken)d people already hold a place: the places cannot go"
                    " below that."
                )
                % {"date": _day(s), "taken": women + s.anonymous_count}
            )
        places = fields.get("childcare_places", s.childcare_places)
        if children + s.anonymous_children > places:
            raise ValidationError(
                _(
                    "On %(date)s, %(taken)d children are booked into childcare: its places"
                    " cannot go below that."
                )
                % {"date": _day(s), "taken": children + s.anonymous_children}
            )
    now = timezone.now()
    for s in sessions:
        for name, value in fields.items():
            setattr(s, name, value)
        if s.program.by_appointment:
            s.capacity = 1
        # Each keeps its own date and, unless a new one is given, its own time of day.
        date = day if (day is not None and s.pk == session.pk) else s.date
        begins = start or timezone.localtime(s.starts_at).time()
        finishes = end or timezone.localtime(s.ends_at).time()
        if finishes <= begins:
            raise ValidationError(_("The session must end after it starts."))
        s.starts_at = dt.datetime.combine(date, begins, tzinfo=JST)
        s.ends_at = dt.datetime.combine(date, finishes, tzinfo=JST)
        s.version += 1
        s.updated_at = now
    names = {*fields, "capacity", "starts_at", "ends_at", "version", "updated_at"}
    Session.objects.bulk_update(sessions, sorted(names))
    if staff is not None:
        _set_facilitators(sessions, staff)
    changed = sorted(
        {*fields, *(["time"] if start or end else []), *(["staff"] if staff is not None else [])}
    )
    audit.record_many(
        Action.UPDATE, ((s, {"fields": changed, "scope": str(scope)}) for s in sessions), by=by
    )
    session.refresh_from_db()
    return len(sessions)


def _day(session: Session) -> str:
    date = session.date
    return f"{date.month}月{date.day}日（{schedule.weekday_name(date)}）"


@transaction.atomic
def cancel_sessions(*, by: User, session: Session, scope: Scope, reason: str) -> tuple[int, int]:
    """中止: cancel this session, or it and the later ones of its series. Returns how many were
    cancelled and how many bookings they held (the women to tell). A session where someone was
    already marked as having come cannot be cancelled: that would unsay that it took place."""
    sessions = reached(session, scope)
    came = (
        Attendance.objects.unscoped()
        .filter(session__in=sessions, status=Attendance.Status.ATTENDED)
        .values_list("session", flat=True)
        .first()
    )
    with_head_count = [s for s in sessions if s.anonymous_count or s.anonymous_children]
    if came is not None or with_head_count:
        held = next(s for s in sessions if s.pk == came) if came else with_head_count[0]
        raise ValidationError(
            _(
                "Attendance is recorded for %(date)s: it took place and cannot be cancelled."
                " If it was entered by mistake, mark them as not having come and set the head"
                " count to 0 first."
            )
            % {"date": _day(held)}
        )
    ids = [s.pk for s in sessions]
    Session.objects.filter(pk__in=ids).update(
        cancelled=True,
        cancel_reason=reason,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    bookings = (
        Attendance.objects.unscoped()
        .filter(session__in=ids, status=Attendance.Status.BOOKED)
        .count()
    )
    audit.record_many(Action.UPDATE, ((s, {"cancelled": True}) for s in sessions), by=by)
    session.refresh_from_db()
    return len(ids), bookings


@transaction.atomic
def reinstate_session(*, by: User, session: Session) -> None:
    """Undo a cancellation of one session."""
    Session.objects.filter(pk=session.pk).update(
        cancelled=False, cancel_reason="", version=F("version") + 1, updated_at=timezone.now()
    )
    audit.record(Action.UPDATE, session, by=by, detail={"cancelled": False})
    session.refresh_from_db()
