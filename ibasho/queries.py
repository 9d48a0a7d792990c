"""Reads behind the 居場所 pages. Each runs a fixed number of queries, however many sessions.

Counts of places taken include every booking, past the door on purpose (a place is taken whoever
holds it); names come only through `Attendance.objects.visible_to(user)`.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from consultations.models import Client
from ibasho import schedule
from ibasho.models import HOLDS_A_PLACE, Attendance, Role, Session, SessionQuerySet
from kokona.fiscal import start_of_day
from kokona.models import User

HELPERS = [Role.VOLUNTEER, Role.LECTURER]


def _count(rows: QuerySet, value: str = "pk", how: type = Count) -> Coalesce:
    totals = rows.values("session").annotate(n=how(value)).values("n")
    return Coalesce(Subquery(totals, output_field=IntegerField()), 0)


def with_places(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """What a session's chip in the month's grid shows: its programme and the places taken.

    `registered`: women holding a place (booked or came, helpers left out), the head count left
    to the template; `registered_children`: children booked into childcare.
    """
    rows = Attendance.objects.unscoped().filter(session=OuterRef("pk"))
    return sessions.select_related("program").annotate(
        registered=_count(rows.filter(status__in=HOLDS_A_PLACE).exclude(role__in=HELPERS)),
        registered_children=_count(rows.filter(status__in=HOLDS_A_PLACE), "children", how=Sum),
    )


def with_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """What every session row shows: `with_places`, and its series, staff, those who came and
    the helpers (`attended`: those marked as having come, the head count left to the template)."""
    rows = Attendance.objects.unscoped().filter(session=OuterRef("pk"))
    return (
        with_places(sessions)
        .select_related("series")
        .prefetch_related("facilitators")
        .annotate(
            attended=_count(rows.filter(status=Attendance.Status.ATTENDED)),
            helpers=_count(rows.filter(status__in=HOLDS_A_PLACE, role__in=HELPERS)),
        )
    )


@dataclass
class Month:
    year: int
    month: int
    weeks: list[list[schedule.Day]]

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=32)).replace(day=1)

    @property
    def sessions(self) -> int:
        return sum(len(d.sessions) for w in self.weeks for d in w if d.in_month)


def _days(
    dates: list[dt.date],
    sessions: SessionQuerySet,
    month: int | None,
    shown: Callable[[QuerySet[Session]], QuerySet[Session]],
) -> dict:
    today = timezone.localdate()
    days = {
        d: schedule.Day(d, in_month=month is None or d.month == month, is_today=d == today)
        for d in dates
    }
    rows = shown(sessions.between(dates[0], dates[-1]))
    for session in rows.order_by("starts_at", "pk"):
        days[session.date].sessions.append(session)
    return days


def month(year: int, month: int, *, program: int | None = None) -> Month:
    """A month's grid, Sunday first, with every session of its days (one query)."""
    grid = schedule.month_weeks(year, month)
    sessions = Session.objects.all()
    if program:
        sessions = sessions.filter(program=program)
    # The grid shows each session as a chip: times, programme, places (`with_places`).
    days = _days([d for week in grid for d in week], sessions, month, with_places)
    return Month(year, month, [[days[d] for d in week] for week in grid])


def week(day: dt.date, *, program: int | None = None) -> list[schedule.Day]:
    dates = schedule.week_of(day)
    sessions = Session.objects.all()
    if program:
        sessions = sessions.filter(program=program)
    days = _days(dates, sessions, None, with_counts)
    return [days[d] for d in dates]


def session_list(
    *,
    first: dt.date | None,
    last: dt.date | None,
    program: int | None = None,
    include_cancelled: bool = True,
) -> QuerySet[Session]:
    sessions = Session.objects.all()
    if first is not None:
        sessions = sessions.filter(starts_at__gte=start_of_day(first))
    if last is not None:
        sessions = sessions.filter(starts_at__lt=start_of_day(last + dt.timedelta(days=1)))
    if program:
        sessions = sessions.filter(program=program)
    if not include_cancelled:
        sessions = sessions.filter(cancelled=False)
    return with_counts(sessions).order_by("starts_at", "pk")


def session_page(session_id: int) -> Session | None:
    return with_counts(Session.objects.filter(pk=session_id)).first()


def attendance_of(session: Session, user: User) -> list[Attendance]:
    """Her list as `user` may see it: a woman hidden from `user` is not on it."""
    return list(
        Attendance.objects.visible_to(user)
        .filter(session=session)
        .select_related("client", "client__age_band")
        .order_by("role", "client__nickname", "pk")
    )


def find_women(user: User, text: str, *, session: Session, limit: int = 8) -> list[Client]:
    """Women `user` may see whose nickname holds `text` (or whose code it is), not yet listed
    on the session."""
    text = text.strip()
    if not text:
        return []
    match = Q(nickname__icontains=text)
    code = text.upper().removeprefix("C-").lstrip("0")
    if code.isdigit():
        match |= Q(pk=int(code))
    listed = Attendance.objects.unscoped().filter(session=session).values("client")
    return list(
        Client.objects.visible_to(user)
        .filter(match)
        .exclude(pk__in=listed)
        .select_related("age_band")
        .order_by("nickname", "pk")[:limit]
    )


def upcoming_slots(user: User, *, days: int = 60) -> list[Session]:
    """Expert consultation slots from today on: free ones, and booked ones with the woman's
    name where `user` may see her."""
    today = timezone.localdate()
    visible = Attendance.objects.visible_to(user).filter(status__in=HOLDS_A_PLACE)
    return list(
        with_counts(
            Session.objects.filter(program__by_appointment=True, cancelled=False).between(
                today, today + dt.timedelta(days=days)
            )
        )
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=visible.select_related("client"),
                to_attr="visible_bookings",
            )
        )
        .order_by("starts_at", "pk")
    )
