"""The case list: the cases a user may see, narrowed by the filter form's cleaned data, counted
and paged.

Its two reads, the count and the page, are compiled once (kokona.compiled.Read) for each set of
filters used, and the page for each page: built and compiled on every list, they were most of
its Python (bench/README.md). The filters' values (a counselor, a concern, a channel, days) are
the reads' values; which filters are used is their shape."""

import datetime as dt
from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from consultations.models import Case, CaseStatus, Contact
from consultations.queries import QUIET_FOR, case_rows, gone_quiet
from kokona.compiled import A_DAY, A_MOMENT, AN_ID, Read
from kokona.fiscal import start_of_day
from kokona.http import PAGE_SIZE, counted_page
from kokona.models import User

# The filters as the SQL holds them, in the order of the reads' values.
NAMES = ("status", "counselor", "category", "overdue_on", "channel", "since", "until", "quiet")


def filtered_cases(user: User, filters: dict, *, today: dt.date | None = None) -> QuerySet[Case]:
    """The case list: what `user` may see, narrowed by the filter form's cleaned data."""
    values = _values(filters, today or timezone.localdate())
    return _matching(user, **values)


def page(user: User, filters: dict, number: str | None) -> Page:
    """The page `number` of the case list, and how many cases it holds in all."""
    values = _values(filters, timezone.localdate())
    shape = {
        "open_only": values.pop("open_only"),
        "used": frozenset(name for name, value in values.items() if value is not None),
    }
    args = [values[name] for name in NAMES]
    count = _COUNT(user, *args, **shape)[0]
    return counted_page(count, number, lambda offset: _PAGE(user, *args, **shape, offset=offset))


def _values(filters: dict, today: dt.date) -> dict[str, Any]:
    """What each filter puts in the SQL; None where it is not used."""
    status, date_from, date_to = (filters.get(name) for name in ("status", "date_from", "date_to"))
    return {
        "open_only": not status,
        "status": status if status and status != "all" else None,
        "counselor": _id(filters.get("counselor")),
        "category": _id(filters.get("category")),
        "overdue_on": today if filters.get("overdue") else None,
        "channel": _id(filters.get("channel")),
        "since": start_of_day(date_from) if date_from else None,
        "until": start_of_day(date_to + dt.timedelta(days=1)) if date_to else None,
        "quiet": timezone.now() - QUIET_FOR if filters.get("quiet") else None,
    }


def _id(record: Any) -> Any:
    return getattr(record, "pk", record) or None


def _matching(
    user: User,
    *,
    open_only: bool,
    status: str | None,
    counselor: int | None,
    category: int | None,
    overdue_on: dt.date | None,
    channel: int | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    quiet: dt.datetime | None,
) -> QuerySet[Case]:
    cases = Case.objects.visible_to(user)
    if open_only:
        cases = cases.open()
    elif status is not None:
        cases = cases.filter(status=status)
    if counselor is not None:
        cases = cases.filter(assigned_to=counselor)
    if category is not None:
        # A subquery, not a join: a join needs DISTINCT over every column of the rows shown. Her
        # main concern is among her concerns (services.record_contact, services.update_case).
        concerned = Case.categories.through.objects.filter(
            case=OuterRef("pk"), concerncategory=category
        )
        cases = cases.filter(Exists(concerned))
    if overdue_on is not None:
        cases = cases.overdue(overdue_on)
    contact_filter = Q()
    if channel is not None:
        contact_filter &= Q(channel=channel)
    if since is not None:
        contact_filter &= Q(occurred_at__gte=since)
    if until is not None:
        contact_filter &= Q(occurred_at__lt=until)
    if contact_filter:
        cases = cases.filter(Exists(Contact.objects.filter(contact_filter, case=OuterRef("pk"))))
    rows = case_rows(cases)
    if quiet is not None:
        rows = gone_quiet(rows, since=quiet)
    return rows.order_by("-updated_at", "-pk")


# Where each value goes, for the reads compiled once: no record has any of them.
_MARKERS = (
    "\x00status",
    AN_ID,
    AN_ID + 2,  # (AN_ID + 1 is the reader's: kokona.compiled.A_USER)
    A_DAY,
    AN_ID + 3,
    A_MOMENT,
    A_MOMENT + dt.timedelta(days=1),
    A_MOMENT + dt.timedelta(days=2),
)


def _used(markers: tuple[Any, ...], used: frozenset[str]) -> dict[str, Any]:
    return {name: (m if name in used else None) for name, m in zip(NAMES, markers, strict=True)}


def _page_rows(
    user: User, *markers: Any, open_only: bool, used: frozenset[str], offset: int
) -> QuerySet[Case]:
    rows = _matching(user, open_only=open_only, **_used(markers, used))
    return rows[offset : offset + PAGE_SIZE]


def _count(user: User, *markers: Any, open_only: bool, used: frozenset[str]) -> QuerySet[Case, int]:
    # COUNT over the matches, as one row: grouped by a constant, which Django leaves out.
    rows = _matching(user, open_only=open_only, **_used(markers, used)).order_by()
    return (
        rows.annotate(all=Value(1))
        .values("all")
        .annotate(n=Count("pk"))
        .values_list("n", flat=True)
    )


# The code's own values: the empty name (a counselor without a display name is named by her
# username, `case_rows`), the 1 Django selects in an EXISTS.
_CONSTANTS = (CaseStatus.CLOSED, Case.Risk.CRISIS, "", 1)
_PAGE = Read(Case, _page_rows, *_MARKERS, constants=_CONSTANTS)
_COUNT = Read(Case, _count, *_MARKERS, constants=_CONSTANTS)
