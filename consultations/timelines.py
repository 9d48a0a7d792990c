"""The case page's timeline: her story on one case, each kind of record read newest first and
only as far back as the page shows. Five queries, however long the story."""

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Model, QuerySet
from django.utils import timezone

from consultations.models import (
    Case,
    CaseAssignment,
    CaseStatusChange,
    ConcernCategory,
    Contact,
    Referral,
    SupportActivity,
)
from consultations.queries import WHO
from kokona.compiled import A_DAY, A_MOMENT, AN_ID, Read
from kokona.fiscal import start_of_day
from kokona.models import User, named_only
from kokona.sql import OnColumn, column


@dataclass(frozen=True)
class Entry:
    """One line of a woman's timeline, whatever kind of record it comes from."""

    kind: str
    at: dt.datetime
    record: object


def _contacts(case: int, user: User) -> QuerySet[Any]:
    return (
        Contact.objects.visible_to(user)
        .filter(case=case)
        .select_related("channel", "counselor")
        .defer(*named_only("counselor"))
        # Her concerns' labels in the same query, in their vocabulary's order (`concerns`).
        .annotate(concerns=ConcernLabels(F("pk")))
        .order_by("-occurred_at", "-pk")
    )


class ConcernLabels(OnColumn):
    """A contact's concerns' labels as one array, in their vocabulary's order: the SQL Django
    writes for `ArraySubquery(ConcernCategory.objects.filter(contacts=OuterRef("pk"))
    .values("label"))`, written here in one go, as the door's rule on the woman is
    (`access.WomanSeenBy`): Django built, resolved and compiled that subquery afresh on every
    case page, about 0.6 ms of its Python. Names from the models; the contact's id is the outer
    query's column."""

    output_field = ArrayField(models.CharField())

    def sql(
        self, contact: str, params: tuple[Any, ...], connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        quote = connection.ops.quote_name
        links = Contact.categories.through._meta
        concern = ConcernCategory._meta
        of_contact, of_concern = (
            column(links, name, connection) for name in ("contact", "concerncategory")
        )
        label, order, pk = (column(concern, name, connection) for name in ("label", "order", "id"))
        # Names from the models' own metadata; the only value is the outer query's column.
        sql = (
            f"ARRAY(SELECT kokona_concern.{label} FROM {quote(concern.db_table)} kokona_concern"  # noqa: S608  # nosec B608
            f" JOIN {quote(links.db_table)} kokona_link ON kokona_concern.{pk} = kokona_link.{of_concern}"
            f" WHERE kokona_link.{of_contact} = ({contact})"
            f" ORDER BY kokona_concern.{order} ASC, kokona_concern.{pk} ASC)"
        )
        return sql, params


def _activities(case: int, user: User) -> QuerySet[Any]:
    return (
        SupportActivity.objects.visible_to(user)
        .filter(case=case)
        .select_related("staff")
        .defer(*named_only("staff"))
        .order_by("-done_on", "-pk")
    )


def _referrals(case: int, user: User) -> QuerySet[Any]:
    return (
        Referral.objects.visible_to(user)
        .filter(case=case)
        .select_related("agency", "created_by", "override_by")
        .defer(*named_only("created_by", "override_by"))
        .order_by("-referred_on", "-pk")
    )


def _changes(case: int, user: User) -> QuerySet[Any]:
    return (
        CaseStatusChange.objects.visible_to(user)
        .filter(case=case)
        .select_related("changed_by", "outcome")
        .defer(*named_only("changed_by"))
        .order_by("-changed_at", "-pk")
    )


def _handovers(case: int, user: User) -> QuerySet[Any]:
    return (
        CaseAssignment.objects.visible_to(user)
        .filter(case=case)
        .select_related(*WHO)
        .defer(*named_only(*WHO))
        .order_by("-changed_at", "-pk")
    )


@dataclass(frozen=True)
class Source:
    """A kind of record on the timeline."""

    kind: str
    model: type[Model]
    # Its rows on a case through the door, newest first.
    rows: Callable[[int, User], QuerySet[Any]]
    # The field they are ordered by, and whether it holds a day.
    field: str
    by_day: bool

    def moment(self, row: Any) -> dt.datetime:
        at = getattr(row, self.field)
        return start_of_day(at) if self.by_day else at

    # The case page's reads, compiled once (kokona.compiled.Read): built and compiled on every
    # view, the case's contacts and activities were 1.9 ms of its Python.
    @functools.cached_property
    def latest(self) -> Read[Any]:
        """Its `limit` newest rows on a case."""
        return Read(self.model, lambda user, case, limit: self.rows(case, user)[:limit], AN_ID)

    @functools.cached_property
    def since(self) -> Read[Any]:
        """Its `limit` newest rows on a case, none older than a day or a moment."""
        return Read(
            self.model,
            lambda user, case, since, limit: self.rows(case, user).filter(
                **{f"{self.field}__gte": since}
            )[:limit],
            AN_ID,
            A_DAY if self.by_day else A_MOMENT,
        )


# Contacts, the most, first.
SOURCES = [
    Source("contact", Contact, _contacts, "occurred_at", by_day=False),
    Source("activity", SupportActivity, _activities, "done_on", by_day=True),
    Source("referral", Referral, _referrals, "referred_on", by_day=True),
    Source("status", CaseStatusChange, _changes, "changed_at", by_day=False),
    Source("assignment", CaseAssignment, _handovers, "changed_at", by_day=False),
]

# The case page shows her latest entries, about two weeks of a case worked weekly and a phone's
# screen or three; the whole story is one link away (`?story`). Each entry shown costs its read
# and its drawing: the page of a long case took 15 % fewer instructions with 10 than with 20.
TIMELINE_ROWS = 10


def timeline(case: Case, user: User, *, latest: int | None = None) -> list[Entry]:
    """Contacts, support activities, referrals and status changes of a case, newest first;
    only the `latest` entries when given.

    Then each kind is read newest first, `latest` rows at most, and none older than the
    `latest`-th newest entry of the kinds read before it (contacts, the most, come first): an
    older one could not be shown. A long story reads about `latest` rows, not five times as many.
    Five queries, whatever the length of the story.
    """
    entries: list[Entry] = []
    reaching: set[str] | None = None
    for source in SOURCES:
        rows: list[Any] | QuerySet[Any]
        if latest is None:
            rows = source.rows(case.pk, user)
        elif len(entries) < latest:
            rows = source.latest(user, case.pk, limit=latest)
        else:
            # The entries read fill the page: only a kind with a record as recent can reach it.
            oldest_shown = sorted(entry.at for entry in entries)[-latest]
            if reaching is None:
                reaching = _kinds_reaching(case, oldest_shown, SOURCES[1:])
            if source.kind not in reaching:
                continue
            bound = timezone.localdate(oldest_shown) if source.by_day else oldest_shown
            rows = source.since(user, case.pk, bound, limit=latest)
        entries += [Entry(source.kind, source.moment(row), row) for row in rows]
    story = sorted(entries, key=lambda e: (e.at, e.kind == "status"), reverse=True)
    return story if latest is None else story[:latest]


def _kinds_reaching(case: Case, since: dt.datetime, sources: list[Source]) -> set[str]:
    """Which of the lesser kinds have a record on or after `since`, in one small query of fixed
    SQL: once her contacts fill the entries shown, a story's activities, referrals, status
    changes and handovers are most often all older, and each query that would find nothing
    costs Django about 1.3 ms to build and compile (the benchmark's long case: three of the four
    are left unread).

    It looks past the door, on purpose and safely: it reads whether such rows exist, never
    a row, and a kind it names is then read through the door as before. A kind it leaves out
    has no row so recent at all, hidden or not."""
    quote = connection.ops.quote_name
    tests: list[str] = []
    params: list[int | dt.date | dt.datetime] = []
    for source in sources:
        table = quote(source.model._meta.db_table)
        of_case, since_column = _column(source.model, "case"), _column(source.model, source.field)
        # Names from the models' own metadata, values as parameters.
        test = f"SELECT 1 FROM {table} WHERE {of_case} = %s AND {since_column} >= %s"  # noqa: S608  # nosec B608
        tests.append(f"EXISTS ({test})")
        params += [case.pk, timezone.localdate(since) if source.by_day else since]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(tests)}", params)  # nosec B608
        found = cursor.fetchone()
    return {source.kind for source, exists in zip(sources, found, strict=True) if exists}


def _column(model: type[Model], name: str) -> str:
    return column(model._meta, name, connection)


def timeline_page(case: Case, user: User, *, whole: bool) -> dict[str, object]:
    """What the case page shows of her story: the latest TIMELINE_ROWS entries, or all of them;
    `more` says whether older entries were left out (one more entry asked for, no count)."""
    if whole:
        return {"timeline": timeline(case, user), "more": False, "whole": True}
    entries = timeline(case, user, latest=TIMELINE_ROWS + 1)
    return {
        "timeline": entries[:TIMELINE_ROWS],
        "more": len(entries) > TIMELINE_ROWS,
        "whole": False,
    }
