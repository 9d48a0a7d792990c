"""The case page's timeline: her story on one case, each kind of record read newest first and
only as far back as the page shows. Five queries, however long the story."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef, QuerySet
from django.utils import timezone

from consultations.models import Case, ConcernCategory
from consultations.queries import WHO
from kokona.fiscal import start_of_day
from kokona.models import User, named_only


@dataclass(frozen=True)
class Entry:
    """One line of a woman's timeline, whatever kind of record it comes from."""

    kind: str
    at: dt.datetime
    record: object


# A kind of record: its name, its rows, the field they are ordered by, whether it holds a day, the
# entry's moment.
Source = tuple[str, QuerySet[Any], str, bool, Callable[[Any], dt.datetime]]

# The case page shows her latest entries, about a month of a case worked weekly; the whole story
# is one link away (`?story`). Each entry shown costs about 1 ms to read and draw.
TIMELINE_ROWS = 20


def timeline(case: Case, user: User, *, latest: int | None = None) -> list[Entry]:
    """Contacts, support activities, referrals and status changes of a case, newest first;
    only the `latest` entries when given.

    Then each kind is read newest first, `latest` rows at most, and none older than the
    `latest`-th newest entry of the kinds read before it (contacts, the most, come first): an
    older one could not be shown. A long story reads about `latest` rows, not five times as many.
    Five queries, whatever the length of the story.
    """
    concerns = ConcernCategory.objects.filter(contacts=OuterRef("pk"))
    contacts = (
        case.contacts.visible_to(user)
        .select_related("channel", "counselor")
        .defer(*named_only("counselor"))
        # Her concerns' labels in the same query, in their vocabulary's order (`concerns`).
        .annotate(concerns=ArraySubquery(concerns.values("label")))
        .order_by("-occurred_at", "-pk")
    )
    activities = (
        case.activities.visible_to(user)
        .select_related("staff")
        .defer(*named_only("staff"))
        .order_by("-done_on", "-pk")
    )
    referrals = (
        case.referrals.visible_to(user)
        .select_related("agency", "created_by", "override_by")
        .defer(*named_only("created_by", "override_by"))
        .order_by("-referred_on", "-pk")
    )
    changes = (
        case.status_changes.visible_to(user)
        .select_related("changed_by", "outcome")
        .defer(*named_only("changed_by"))
        .order_by("-changed_at", "-pk")
    )
    handovers = (
        case.assignments.visible_to(user)
        .select_related(*WHO)
        .defer(*named_only(*WHO))
        .order_by("-changed_at", "-pk")
    )
    sources: list[Source] = [
        ("contact", contacts, "occurred_at", False, lambda c: c.occurred_at),
        ("activity", activities, "done_on", True, lambda a: start_of_day(a.done_on)),
        ("referral", referrals, "referred_on", True, lambda r: start_of_day(r.referred_on)),
        ("status", changes, "changed_at", False, lambda s: s.changed_at),
        ("assignment", handovers, "changed_at", False, lambda h: h.changed_at),
    ]
    entries: list[Entry] = []
    reaching: set[str] | None = None
    for kind, rows, field, by_day, moment in sources:
        if latest is not None:
            if len(entries) >= latest:
                oldest_shown = sorted(entry.at for entry in entries)[-latest]
                if reaching is None:
                    reaching = _kinds_reaching(case, oldest_shown, sources[1:])
                if kind not in reaching:
                    continue
                bound = timezone.localdate(oldest_shown) if by_day else oldest_shown
                rows = rows.filter(**{f"{field}__gte": bound})
            rows = rows[:latest]
        entries += [Entry(kind, moment(row), row) for row in rows]
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
    for _kind, rows, field, by_day, _moment in sources:
        meta = rows.model._meta
        table, of_case = quote(meta.db_table), quote(meta.get_field("case").column)
        since_column = quote(meta.get_field(field).column)
        # Names from the models' own metadata, values as parameters.
        test = f"SELECT 1 FROM {table} WHERE {of_case} = %s AND {since_column} >= %s"  # noqa: S608  # nosec B608
        tests.append(f"EXISTS ({test})")
        params += [case.pk, timezone.localdate(since) if by_day else since]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(tests)}", params)  # nosec B608
        found = cursor.fetchone()
    return {source[0] for source, exists in zip(sources, found, strict=True) if exists}


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
