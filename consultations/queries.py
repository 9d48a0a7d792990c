"""Reads behind the consultation pages. Each runs a fixed number of queries, however many rows."""

import datetime as dt
import re
from dataclasses import dataclass
from itertools import chain

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from consultations.models import (
    Case,
    CaseStatusChange,
    Client,
    Contact,
    Referral,
    SupportActivity,
)
from kokona.crypto import HANDLE_KINDS
from kokona.fiscal import JST
from kokona.models import AuditEvent, Notice, User
from kokona.roles import Role

PAGE_SIZE = 25


def case_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What a case row shows: the woman, the counselor, the main concern, the last contact.

    The last contact is a subquery, not an aggregate: it is worked out for the rows shown only,
    through the (case, occurred_at) index, however many contacts there are.
    """
    last_contact = Contact.objects.filter(case=OuterRef("pk")).order_by("-occurred_at")
    return cases.select_related(
        "client", "client__age_band", "assigned_to", "primary_concern"
    ).annotate(last_contact_at=Subquery(last_contact.values("occurred_at")[:1]))


@dataclass
class Home:
    my_cases: list[Case]
    overdue: list[Case]
    due: list[Case]
    unassigned: list[Contact]
    recent: list[Contact]
    team_overdue: list[Case]
    team_at_risk: list[Case]
    notices: list[Notice]


def home(user: User, *, today: dt.date | None = None) -> Home:
    """A counselor's day: her open cases, follow-ups due and overdue, new contacts nobody has
    taken yet, and the latest exchanges on her cases."""
    today = today or timezone.localdate()
    visible = Case.objects.visible_to(user)
    mine = case_rows(visible.open().filter(assigned_to=user)).order_by("follow_up_due", "-pk")
    overdue = case_rows(visible.overdue(today).filter(assigned_to=user)).order_by("follow_up_due")
    due = case_rows(visible.due(today).filter(assigned_to=user)).order_by("follow_up_due")
    contacts = Contact.objects.visible_to(user).select_related(
        "client", "channel", "case", "counselor"
    )
    unassigned = contacts.filter(
        Q(case__assigned_to__isnull=True, case__isnull=False)
        | Q(client__isnull=True, counselor__isnull=True)
    ).filter(occurred_at__gte=timezone.now() - dt.timedelta(days=60))
    recent = contacts.filter(case__assigned_to=user)
    team_overdue: list[Case] = []
    team_at_risk: list[Case] = []
    notices: list[Notice] = []
    if user.has_role(Role.SUPERVISOR):
        notices = list(Notice.objects.unseen()[:20])
        # A supervisor watches the whole team: what is late and who is at risk, whoever's case.
        others = visible.exclude(assigned_to=user)
        team_overdue = list(case_rows(others.overdue(today)).order_by("follow_up_due")[:20])
        team_at_risk = list(
            case_rows(others.open().filter(risk__in=[Case.Risk.HIGH, Case.Risk.CRISIS])).order_by(
                "-risk", "-updated_at"
            )[:20]
        )
    return Home(
        my_cases=list(mine[:50]),
        overdue=list(overdue[:20]),
        due=list(due[:20]),
        unassigned=list(unassigned.order_by("-occurred_at")[:20]),
        recent=list(recent.order_by("-occurred_at")[:10]),
        team_overdue=team_overdue,
        team_at_risk=team_at_risk,
        notices=notices,
    )


_CODE = re.compile(r"[cC]-?0*(\d{1,9})")


def search_clients(user: User, text: str, *, limit: int = 8) -> list[Client]:
    """Women matching a nickname (part of it), a system code (C-00042) or a handle (exact)."""
    text = text.strip()
    if not text:
        return []
    visible = Client.objects.visible_to(user).select_related("age_band")
    match = Q(nickname__icontains=text)
    if code := _CODE.fullmatch(text):
        match |= Q(pk=int(code.group(1)))
    for kind in HANDLE_KINDS:
        ids = visible.with_handle(kind, text).values("pk")
        match |= Q(pk__in=ids)
    return list(visible.filter(match).order_by("nickname", "pk")[:limit])


def filtered_cases(user: User, filters: dict, *, today: dt.date | None = None) -> QuerySet[Case]:
    """The case list: what `user` may see, narrowed by the filter form's cleaned data."""
    today = today or timezone.localdate()
    cases = Case.objects.visible_to(user)
    status = filters.get("status")
    if not status:
        cases = cases.open()
    elif status != "all":
        cases = cases.filter(status=status)
    if filters.get("counselor"):
        cases = cases.filter(assigned_to=filters["counselor"])
    if filters.get("category"):
        cases = cases.filter(
            Q(categories=filters["category"]) | Q(primary_concern=filters["category"])
        ).distinct()
    if filters.get("overdue"):
        cases = cases.overdue(today)
    contact_filter = Q()
    if filters.get("channel"):
        contact_filter &= Q(channel=filters["channel"])
    if filters.get("date_from"):
        start = dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=JST)
        contact_filter &= Q(occurred_at__gte=start)
    if filters.get("date_to"):
        end = dt.datetime.combine(
            filters["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=JST
        )
        contact_filter &= Q(occurred_at__lt=end)
    if contact_filter:
        cases = cases.filter(Exists(Contact.objects.filter(contact_filter, case=OuterRef("pk"))))
    return case_rows(cases).order_by("-updated_at", "-pk")


def page_of(queryset: QuerySet, number: str | None) -> Page:
    return Paginator(queryset, PAGE_SIZE).get_page(number)


@dataclass(frozen=True)
class Entry:
    """One line of a woman's timeline, whatever kind of record it comes from."""

    kind: str
    at: dt.datetime
    record: object


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=JST)


def timeline(case: Case) -> list[Entry]:
    """Contacts, support activities, referrals and status changes of a case, newest first.

    Four queries, whatever the length of the story.
    """
    contacts = case.contacts.select_related("channel", "counselor").prefetch_related("categories")
    activities = case.activities.select_related("staff")
    referrals = case.referrals.select_related("agency", "created_by", "override_by")
    changes = case.status_changes.select_related("changed_by")
    entries = chain(
        (Entry("contact", c.occurred_at, c) for c in contacts),
        (Entry("activity", _start_of(a.done_on), a) for a in activities),
        (Entry("referral", _start_of(r.referred_on), r) for r in referrals),
        (Entry("status", s.changed_at, s) for s in changes),
    )
    return sorted(entries, key=lambda e: (e.at, e.kind == "status"), reverse=True)


def client_cases(client: Client, user: User) -> QuerySet[Case]:
    return case_rows(client.cases.visible_to(user)).order_by("-opened_on", "-pk")


def access_log(case: Case) -> QuerySet[AuditEvent]:
    """Who opened or changed this case or its woman's record, and when."""
    return (
        AuditEvent.objects.filter(
            Q(object_type="consultations.case", object_id=str(case.pk))
            | Q(object_type="consultations.client", object_id=str(case.client_id))
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def client_export(client: Client, user: User) -> dict:
    """Everything held on one woman, for her own request or a handover (APPI 開示)."""
    cases = (
        client.cases.visible_to(user)
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=Contact.objects.select_related("channel", "counselor").prefetch_related(
                    "categories"
                ),
            ),
            Prefetch("referrals", queryset=Referral.objects.select_related("agency")),
            Prefetch("activities", queryset=SupportActivity.objects.select_related("staff")),
            Prefetch("status_changes", queryset=CaseStatusChange.objects.all()),
            "categories",
        )
        .select_related("primary_concern", "assigned_to")
    )
    return {
        "client": {
            "code": client.code,
            "nickname": client.nickname,
            "age_band": str(client.age_band or ""),
            "under_18": client.under_18,
            "area": client.area,
            "line_id": client.line_id,
            "email": client.email,
            "phone": client.phone,
            "may_contact_by_line": client.may_contact_by_line,
            "may_contact_by_email": client.may_contact_by_email,
            "may_contact_by_phone": client.may_contact_by_phone,
            "household_notes": client.household_notes,
            "strengths": client.strengths,
            "interests": client.interests,
            "registered": client.created_at.astimezone(JST).isoformat(),
        },
        "cases": [
            {
                "id": case.pk,
                "status": case.get_status_display(),
                "opened_on": case.opened_on.isoformat(),
                "closed_on": case.closed_on.isoformat() if case.closed_on else None,
                "closing_reason": case.closing_reason,
                "counselor": str(case.assigned_to or ""),
                "main_concern": str(case.primary_concern or ""),
                "concerns": [str(c) for c in case.categories.all()],
                "contacts": [
                    {
                        "at": c.occurred_at.astimezone(JST).isoformat(),
                        "channel": str(c.channel),
                        "direction": c.get_direction_display(),
                        "counselor": str(c.counselor or ""),
                        "concerns": [str(x) for x in c.categories.all()],
                        "urgency": c.get_urgency_display(),
                        "summary": c.summary,
                        "next_step": c.next_step,
                    }
                    for c in case.contacts.all()
                ],
                "referrals": [
                    {
                        "on": r.referred_on.isoformat(),
                        "agency": str(r.agency),
                        "stage": r.get_stage_display(),
                        "shares_information": r.shares_information,
                        "consent_recorded": r.consent_recorded,
                        "notes": r.notes,
                    }
                    for r in case.referrals.all()
                ],
                "activities": [
                    {
                        "on": a.done_on.isoformat(),
                        "kind": a.get_kind_display(),
                        "role_taken": a.role_taken,
                        "notes": a.notes,
                    }
                    for a in case.activities.all()
                ],
                "status_changes": [
                    {
                        "at": s.changed_at.astimezone(JST).isoformat(),
                        "from": s.get_from_status_display(),
                        "to": s.get_to_status_display(),
                        "reason": s.reason,
                    }
                    for s in case.status_changes.all()
                ],
            }
            for case in cases
        ],
    }
