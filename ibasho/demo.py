"""A year of 居場所 for the demo (`manage.py seed_demo`): this fiscal year's series, the sessions
held so far with who came, and the ones still to come with their bookings; and the salons of
令和3年度, the year the city's report is about (without survey answers: that year's 83.7% is
reports' own). Nobody here is real. Everything is fixed: the same data on every machine (for the
same day)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import Case, Client
from ibasho import attendance, services
from ibasho.models import Program, Role, Session, Status
from kokona.fiscal import fiscal_year, fiscal_year_dates
from kokona.models import User
from reports import surveys

VENUE = "男女平等参画センター「ふらっと」"
# (programme code, how it repeats, weekday, nth, start, end, places, childcare places, guest)
SeriesRow = tuple[str, str, int, int | None, tuple[int, int], tuple[int, int], int, int, str]
SERIES: list[SeriesRow] = [
    ("salon", "weekly", 3, None, (13, 30), (15, 30), 12, 0, ""),
    ("salon_childcare", "monthly", 1, 2, (10, 0), (12, 0), 10, 5, ""),
    ("learning", "monthly", 5, 4, (13, 0), (15, 0), 15, 0, "ファイナンシャルプランナー"),
    ("community", "monthly", 6, 3, (10, 0), (12, 0), 8, 0, ""),
    ("work_experience", "fortnightly", 4, None, (10, 0), (15, 0), 4, 0, ""),
    ("counseling", "monthly", 2, 1, (13, 0), (13, 50), 1, 0, "臨床心理士（外部カウンセラー）"),
    ("counseling", "monthly", 2, 1, (14, 0), (14, 50), 1, 0, "臨床心理士（外部カウンセラー）"),
    ("parenting", "monthly", 1, 3, (10, 0), (10, 50), 1, 2, "保健師"),
    ("development", "monthly", 4, 1, (10, 0), (10, 50), 1, 2, "公認心理師"),
]
# 令和3年度: the first year of the project, its salons only.
FIRST_YEAR = 2021
FIRST_YEAR_SERIES = SERIES[:3]
HELPED_WITH = ["受付", "お茶の準備", "託児の見守り", "片付け"]


@transaction.atomic
def seed(users: dict[str, User]) -> str | None:
    """Add the demo year once (kokona.demo); None if sessions exist already."""
    if Session.objects.exists():
        return None
    by = users["kanri"]
    staff = [users["soudan"], users["soudan2"]]
    women = list(
        Client.objects.visible_to(by)
        .filter(pk__in=Case.objects.visible_to(by).filter(restricted=False).values("client"))
        .order_by("pk")[:24]
    )
    year = fiscal_year(timezone.localdate())
    for n, series in enumerate(SERIES):
        _series(series, year, staff[n % 2], by)
    if year > FIRST_YEAR:
        for n, series in enumerate(FIRST_YEAR_SERIES):
            _series(series, FIRST_YEAR, staff[n % 2], by)
    sessions = list(Session.objects.select_related("program").order_by("starts_at", "pk"))
    now = timezone.now()
    for i, session in enumerate(sessions):
        if session.starts_at <= now:
            _took_place(session, i, women, by, survey=fiscal_year(session.date) == year)
        elif session.starts_at <= now + dt.timedelta(days=21):
            _booked(session, i, women, by)
    # One snowy day, as Kushiro has them: that week's salon did not take place.
    snowy = next((s for s in sessions if s.program.code == "salon" and s.starts_at > now), None)
    if snowy is not None:
        services.cancel_sessions(
            by=by, session=snowy, scope=services.Scope.THIS, reason="大雪のため"
        )
    return _("Added a year of drop-in sessions with attendance (%(n)d sessions).") % {
        "n": len(sessions)
    }


def _series(series: SeriesRow, year: int, staff: User, by: User) -> None:
    """One row of SERIES, repeated over the fiscal year `year`."""
    code, frequency, weekday, nth, start, end, places, childcare, guest = series
    first, last = fiscal_year_dates(year)
    services.create_series(
        by=by,
        plan=services.Plan(
            program=Program.objects.get(code=code),
            start=dt.time(*start),
            end=dt.time(*end),
            venue=VENUE,
            capacity=places,
            childcare_places=childcare,
            guest=guest,
        ),
        frequency=frequency,
        weekday=weekday,
        nth=nth,
        starts_on=first,
        ends_on=last,
        staff=[staff],
    )


def _took_place(session: Session, i: int, women: list[Client], by: User, *, survey: bool) -> None:
    if session.program.by_appointment:
        if i % 3 != 2 and women:
            woman = women[i % len(women)]
            attendance.add_attendance(by=by, session=session, client=woman, status=Status.ATTENDED)
        return
    places = session.capacity or 10
    came = women[i % 5 :: 4][: max(1, places // 3)]
    for k, woman in enumerate(came):
        children = 1 if session.childcare_places and k < session.childcare_places - 1 else 0
        try:
            attendance.add_attendance(
                by=by, session=session, client=woman, children=children, status=Status.ATTENDED
            )
        except ValidationError:
            break
    helper = women[(i * 7) % len(women)]
    if i % 4 == 0 and helper not in came:
        attendance.add_attendance(
            by=by,
            session=session,
            client=helper,
            role=Role.VOLUNTEER,
            helped_with=HELPED_WITH[i % len(HELPED_WITH)],
        )
    anonymous = min(places - len(came), 1 + i % 4)
    children = 1 if session.childcare_places > len(came) else 0
    attendance.set_head_count(
        by=by, session=session, anonymous_count=max(0, anonymous), anonymous_children=children
    )
    if survey and i % 2 == 0:
        total = len(came) + max(0, anonymous)
        satisfied = max(0, total - 1 - i % 2)
        counts = {5: satisfied // 2 + satisfied % 2, 4: satisfied // 2, 3: total - satisfied}
        surveys.record_tally(
            counts=counts, answered_on=session.date, program=session.program, session=session, by=by
        )


def _booked(session: Session, i: int, women: list[Client], by: User) -> None:
    if session.program.by_appointment and i % 2:
        return
    for woman in women[i % 3 :: 6][: 1 if session.program.by_appointment else 3]:
        attendance.add_attendance(by=by, session=session, client=woman, status=Status.BOOKED)
