"""Reads behind the consultation pages. Each runs a fixed number of queries, however many rows."""

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, Least, Now, NullIf, RowNumber
from django.utils import timezone

from consultations.models import (
    Case,
    CaseAssignment,
    CaseQuerySet,
    CaseStatus,
    Client,
    ConcernCategory,
    Contact,
)
from kokona.compiled import A_DAY, A_MOMENT, AN_ID, Compiled, Read, ask
from kokona.models import AuditEvent, Notice, User, names_of
from kokona.roles import Role
from supplies.models import CardLink

# The case's own fields a case row (`{% case_row %}`, consultations/templatetags/cases.py) shows,
# and nothing more: none of her encrypted fields (decrypting them was hundreds of fields a page).
# Each column left out is one less for Django to write into the query and to set on every row (a
# page of 30 rows: 8.6 → 6.3 ms). Her id ("client") is the code the row shows.
ROW_FIELDS = ["client", "status", "risk", "restricted", "follow_up_due"]


class RowValues(TypedDict):
    """What `case_rows` reads with each case (`counselor` only where the rows name her)."""

    nickname: str
    concern: str | None
    counselor: str | None
    last_contact_at: dt.datetime | None


if TYPE_CHECKING:
    # A case as a case row shows it (a type for mypy only: django-stubs' WithAnnotations).
    from django_stubs_ext import WithAnnotations

    CaseRow = WithAnnotations[Case, RowValues]


def case_rows(cases: QuerySet[Case], *, counselor: bool = True) -> QuerySet[Case]:
    """What a case row shows: her nickname, the main concern, the counselor's name (unless the
    rows are all hers and do not name her: `counselor=False`), the last contact.

    Each is a subquery of the row, not a join: worked out for the rows shown only, through a
    primary key or the (case, occurred_at) index, however many rows match. Joined, the woman,
    the concern and the counselor were three more tables for the planner to order with the
    filters' own (a filtered list's page: planning 3.1 → 0.9 ms, bench/README.md).
    """
    return cases.only(*ROW_FIELDS).annotate(**_row_values(counselor))


@functools.cache
def _row_values(counselor: bool) -> dict[str, Subquery]:
    """The subqueries of `case_rows`, built once per process: building them took 0.8 ms of
    Python on every list. An expression is a template that each query copies as it resolves it
    (the case's columns it refers to, `OuterRef`), and never changes."""
    last_contact = Contact.objects.filter(case=OuterRef("pk")).order_by("-occurred_at")
    # Her nickname on a case the door let through, as a join would read it.
    client = Client.objects.unscoped().filter(pk=OuterRef("client_id"))
    concern = ConcernCategory.objects.filter(pk=OuterRef("primary_concern_id"))
    values = {
        "last_contact_at": Subquery(last_contact.values("occurred_at")[:1]),
        "nickname": Subquery(client.order_by().values("nickname")),
        "concern": Subquery(concern.order_by().values("label")),
    }
    if counselor:
        # As `str(user)`: her display name, else her username.
        name = Coalesce(NullIf("display_name", Value("")), "username")
        values["counselor"] = Subquery(
            User.objects.filter(pk=OuterRef("assigned_to_id")).order_by().values(name=name)
        )
    return values


# The fields the home's lists of contacts show (her nickname, the channel, when, who): none of
# the contact's encrypted fields and none of hers, which select_related would otherwise read and
# decrypt for every row (ten recent exchanges, in-process at best: 5.3 → 4.5 ms).
CONTACT_ROW_FIELDS = ["occurred_at", "client__nickname", "channel__label", "case__version"]


# A home list shows the next things to do; the rest is counted, with a link to the case list.
HOME_ROWS = 5


@dataclass
class Home:
    overdue: list[Case]
    due: list[Case]
    unassigned: list[Contact]
    team_overdue: list[Case]
    team_at_risk: list[Case]
    notices: list[Notice]
    handed_over: list[CaseAssignment]
    quiet_crises: Sequence[Case]
    caseloads: list[dict[str, object]]
    # How many of her open cases there are, overdue, due soon, and crisis cases gone quiet: the
    # lists show HOME_ROWS.
    counts: dict[str, int]


# A case at crisis risk that nobody has been in touch with for this long is flagged.
QUIET_FOR = dt.timedelta(days=3)
HANDED_OVER_WITHIN = dt.timedelta(days=14)
# Who a handover names: from whom, to whom, by whom (each shown by its name).
WHO = ("from_user", "to_user", "changed_by")


def gone_quiet(rows: QuerySet[Case], *, since: dt.datetime) -> QuerySet[Case]:
    """Of case rows (`case_rows`), the open ones at crisis risk with no contact since `since`
    (or none at all): the home's list and the case list's filter. Asked of the row's last
    contact (`case_rows`), not as `~Exists(contacts since)`: that cost the home more Python to
    build (52.4 → 53.4 M instructions), and PostgreSQL read every contact of those days to
    answer it, where this probes the index for each of her few crisis cases
    (case_open_crisis)."""
    return (
        cast(CaseQuerySet, rows)
        .open()
        .filter(risk=Case.Risk.CRISIS)
        .filter(Q(last_contact_at__lt=since) | Q(last_contact_at__isnull=True))  # type: ignore[misc]
    )


def quiet_crises(
    cases: CaseQuerySet, *, since: dt.datetime, counselor: bool = True
) -> QuerySet[Case]:
    """Open cases at crisis risk with no contact since `since` (or none at all), the longest
    without one first (the oldest case first among those last heard from at the same moment)."""
    return gone_quiet(case_rows(cases, counselor=counselor), since=since).order_by(
        F("last_contact_at").asc(nulls_first=True),  # never heard from: first
        "pk",
    )


def caseloads(cases: CaseQuerySet, *, today: dt.date) -> list[dict[str, object]]:
    """Each counselor's open cases, how many are overdue and how many at high risk: one query."""
    high = [Case.Risk.HIGH, Case.Risk.CRISIS]
    rows = (
        cases.open()
        .values("assigned_to", "assigned_to__display_name", "assigned_to__username")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=CaseQuerySet.overdue_on(today)),
            high_risk=Count("pk", filter=Q(risk__in=high)),
        )
        .order_by("assigned_to__display_name", "assigned_to__username")
    )
    return [
        {
            "counselor": row["assigned_to__display_name"] or row["assigned_to__username"],
            "open": row["open"],
            "overdue": row["overdue"],
            "high_risk": row["high_risk"],
        }
        for row in rows
    ]


# A contact waits in the inbox this long; older ones are for the case list.
INBOX_WITHIN = dt.timedelta(days=60)


def _untaken() -> QuerySet[Contact, Any]:
    """The ids of the contacts nobody has taken, whoever may see them: of the last INBOX_WITHIN,
    on a case nobody is in charge of (the web form's and LINE's land there) or anonymous
    one-offs nobody logged. Past the door: `inbox` reads them through it."""
    recent = Contact.objects.unscoped().filter(occurred_at__gte=Now() - INBOX_WITHIN).order_by()
    # Each kind through its own index, then together: as one condition (A or B), PostgreSQL read
    # every contact of the 60 days to test it (5,000 rows, 2.5 ms, for an empty inbox; 0.05 ms).
    return (
        recent.filter(
            # Cases nobody is in charge of are few (the partial index case_unassigned).
            case__in=Case.objects.unscoped().filter(assigned_to__isnull=True).values("pk")
        )
        .values("pk")
        .union(recent.filter(client__isnull=True, counselor__isnull=True).values("pk"))
        .order_by()
    )


@functools.cache
def _any_untaken() -> Compiled:
    """Whether any contact waits untaken, as SQL compiled once per process (`kokona.compiled`):
    building and compiling the inbox's query costs 1.4 ms of Python, on every home and every
    poll, for an inbox that is mostly empty. Its time is the database's (`Now()`)."""
    return Compiled(_untaken()[:1], INBOX_WITHIN)


@functools.cache
def _any_handed_over() -> Compiled:
    """Whether any case was handed over to a counselor lately, as SQL compiled once per process,
    for the reason of `_any_untaken`: her id is its value."""
    rows = _handed_over_to(CaseAssignment.objects.unscoped(), AN_ID)
    return Compiled(rows.order_by().values("pk")[:1], AN_ID, HANDED_OVER_WITHIN)


def inbox(user: User) -> list[Contact]:
    """New contacts nobody has taken (`_untaken`) that she may see, newest first. The counselors'
    home polls it (htmx). Asked first whether there is any at all, past the door: a yes or no
    that reads no record and leaves the door's read undone when there is nothing to read (the
    home asks it with its other question: `home`)."""
    return _inbox_rows(user) if _any_untaken().any(INBOX_WITHIN) else []


def _inbox_rows(user: User) -> list[Contact]:
    return list(
        Contact.objects.visible_to(user)
        .filter(pk__in=_untaken())
        # The few with a card are fetched apart: each table joined here costs the planner more
        # than the rows cost to read (six joins took 7 ms to plan, three 1.5 ms).
        .select_related("client", "channel", "case")
        .only(*CONTACT_ROW_FIELDS, "counselor_id", "card_link")
        .prefetch_related(
            Prefetch("card_link", CardLink.objects.select_related("placement", "site"))
        )
        .order_by("-occurred_at")[:20]
    )


def _handed_over_to(rows: QuerySet[CaseAssignment], user_pk: int) -> QuerySet[CaseAssignment]:
    """Handovers of the last HANDED_OVER_WITHIN to her that someone else decided."""
    return rows.filter(to_user=user_pk, changed_at__gte=Now() - HANDED_OVER_WITHIN).exclude(
        changed_by=user_pk
    )


def handed_over(user: User) -> list[CaseAssignment]:
    """The cases handed over to her lately, as her home lists them: read when its question
    (`_any_handed_over`) found any."""
    return list(
        _handed_over_to(CaseAssignment.objects.visible_to(user), user.pk)
        .select_related("case__client", *WHO)
        .only("reason", "changed_at", "case__client__nickname", *names_of(*WHO))[:10]
    )


def my_open_cases(
    user: User, visible: CaseQuerySet, today: dt.date
) -> tuple[dict[str, int], list[Case], list[Case]]:
    """Her open cases as the home shows them: how many there are (open, overdue, due within three
    days), and the first HOME_ROWS of the overdue and of those due. Two queries, whatever her
    caseload.

    The two lists are one ordering (next follow-up first, none last): the overdue come first,
    then those due, then the rest. So one numbering of her open cases tells every row's place:
    the overdue are places 1 to n_overdue and those due follow. The first query numbers and
    counts them and keeps the places shown (and the first, which carries the counts when neither
    list has any); the second reads those rows as a case row shows them.
    """
    kept = _PLACES(user, today, today + DUE_WITHIN)
    place = {pk: n for pk, n, *_ in kept}
    counts = dict.fromkeys(["open", "overdue", "due"], 0)
    if kept:
        counts = dict(zip(counts, kept[0][2:], strict=True))
    # Her own cases: the rows do not name her.
    rows = sorted(
        case_rows(visible.filter(pk__in=place), counselor=False), key=lambda case: place[case.pk]
    )
    first_due = counts["overdue"] + 1
    return (
        counts,
        [case for case in rows if place[case.pk] <= min(counts["overdue"], HOME_ROWS)],
        [
            case
            for case in rows
            if first_due <= place[case.pk] < first_due + min(counts["due"], HOME_ROWS)
        ],
    )


# A follow-up this soon is due (`CaseQuerySet.due`'s three days).
DUE_WITHIN = dt.timedelta(days=3)
# A marker for the last day a follow-up is due, as `A_DAY` is for today.
_A_LAST_DAY = dt.date(1, 1, 2)


def _places(user: User, today: dt.date, last_due: dt.date) -> QuerySet[Case, tuple[int, ...]]:
    """Her open cases numbered in the home's order and counted (`my_open_cases`): the places
    shown, and the first."""
    overdue, due = CaseQuerySet.overdue_on(today), CaseQuerySet.due_between(today, last_due)
    next_first = [F("follow_up_due").asc(nulls_last=True), F("pk").desc()]
    return (
        Case.objects.visible_to(user)
        .open()
        .filter(assigned_to=user)
        .annotate(
            place=Window(RowNumber(), order_by=next_first),
            n_open=Window(Count("pk")),
            n_overdue=Window(Count("pk", filter=overdue)),
            n_due=Window(Count("pk", filter=due)),
        )
        .filter(
            Q(place=1)
            | Q(place__lte=Least(F("n_overdue"), HOME_ROWS))
            | Q(
                place__gt=F("n_overdue"),
                place__lte=F("n_overdue") + Least(F("n_due"), HOME_ROWS),
            )
        )
        .order_by()
        .values_list("pk", "place", "n_open", "n_overdue", "n_due")
    )


def _quiet(user: User, since: dt.datetime, *, team: bool) -> QuerySet[Any]:
    """The first crises gone quiet (`quiet_crises`), hers or the team's, and in the same query
    how many there are: a window count, since the filter works out every crisis case's last
    contact anyway."""
    visible = Case.objects.visible_to(user)
    crises = visible if team else visible.filter(assigned_to=user)
    rows = quiet_crises(crises, since=since, counselor=team)
    return rows.annotate(in_all=Window(Count("pk")))[:HOME_ROWS]


# The home's reads through the door, compiled once (kokona.compiled.Read): built and compiled
# on every home, they were 3.5 ms of its Python (bench/README.md).
_PLACES = Read(Case, _places, A_DAY, _A_LAST_DAY, constants=(CaseStatus.CLOSED, 1, HOME_ROWS))
# (The empty name: a counselor without a display name is named by her username, `case_rows`.)
_QUIET = Read(Case, _quiet, A_MOMENT, constants=(CaseStatus.CLOSED, Case.Risk.CRISIS, ""))


def home(user: User, *, today: dt.date | None = None) -> Home:
    """A counselor's day: follow-ups overdue and due, crisis cases gone quiet, cases handed over
    to her, new contacts nobody has taken yet. Each list shows the next HOME_ROWS; how many there
    are in all, and how many cases she holds, is counted (a counselor may hold hundreds of
    cases). The latest exchanges on her cases are read when she opens them
    (`recent_exchanges`)."""
    today = today or timezone.localdate()
    visible = Case.objects.visible_to(user)
    counts, overdue, due = my_open_cases(user, visible, today)
    team_overdue: list[Case] = []
    team_at_risk: list[Case] = []
    notices: list[Notice] = []
    loads: list[dict[str, object]] = []
    # Crisis cases gone quiet: hers, or the team's (the rows then name who is in charge).
    team = user.has_role(Role.SUPERVISOR)
    if team:
        notices = list(Notice.objects.unseen()[:20])
        loads = caseloads(visible, today=today)
        # A supervisor watches the whole team: what is late and who is at risk, whoever's case.
        others = visible.exclude(assigned_to=user)
        team_overdue = list(case_rows(others.overdue(today)).order_by("follow_up_due")[:20])
        team_at_risk = list(
            case_rows(others.open().filter(risk__in=[Case.Risk.HIGH, Case.Risk.CRISIS])).order_by(
                "-risk", "-updated_at"
            )[:20]
        )
    quiet = _QUIET(user, timezone.now() - QUIET_FOR, team=team)
    counts["quiet_crises"] = quiet[0].in_all if quiet else 0
    # Whether anything waits in the inbox or was handed over to her: one statement for both.
    waiting, handed = ask(
        (_any_untaken(), [INBOX_WITHIN]), (_any_handed_over(), [user.pk, HANDED_OVER_WITHIN])
    )
    return Home(
        overdue=overdue,
        due=due,
        unassigned=_inbox_rows(user) if waiting else [],
        team_overdue=team_overdue,
        team_at_risk=team_at_risk,
        notices=notices,
        handed_over=handed_over(user) if handed else [],
        quiet_crises=quiet,
        caseloads=loads,
        counts=counts,
    )


def recent_exchanges(user: User) -> list[Contact]:
    """The latest HOME_ROWS exchanges on her cases, whoever logged them: a panel of her home
    that is read only when opened."""
    return list(
        Contact.objects.visible_to(user)
        .filter(case__assigned_to=user)
        .select_related("client", "channel", "case", "counselor")
        .only(*CONTACT_ROW_FIELDS, *names_of("counselor"))
        .order_by("-occurred_at")[:HOME_ROWS]
    )


def client_cases(client: Client, user: User) -> QuerySet[Case]:
    return case_rows(client.cases.visible_to(user)).order_by("-opened_on", "-pk")


def access_log(case: Case) -> QuerySet[AuditEvent]:
    """Who opened or changed this case or its woman's record, and when."""
    return (
        AuditEvent.objects.filter(
            Q(object_type=Case._meta.label_lower, object_id=str(case.pk))
            | Q(object_type=Client._meta.label_lower, object_id=str(case.client_id))
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def what_changed(event: AuditEvent) -> str:
    """The fields an audited change touched, by their Japanese names (never their values):
    「リスク、次回連絡日」. Empty for a read."""
    model = {Case._meta.label_lower: Case, Client._meta.label_lower: Client}.get(event.object_type)
    detail = event.detail or {}
    names = list(detail.get("fields", []))
    names += [key for key in ("status", "assigned_to", "restricted") if key in detail]
    labels = []
    for name in dict.fromkeys(names):
        try:
            field = model._meta.get_field(name) if model else None
            labels.append(str(getattr(field, "verbose_name", name)))
        except FieldDoesNotExist:
            labels.append(name)
    return "、".join(labels)
