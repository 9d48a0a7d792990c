"""Reads behind the consultation pages. Each runs a fixed number of queries, however many rows."""

import datetime as dt
import re
from dataclasses import dataclass
from itertools import chain

from django.core.paginator import Page, Paginator
from django.db import models
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


# What her export leaves out, and why. Every other field of every record held on her is in it:
# a test compares each exported record with its model's fields, so a field added later is either
# exported or consciously listed here.
NOT_EXPORTED: dict[type[models.Model], set[str]] = {
    Client: {
        # Keyed hashes (HMAC) of handles exported in clear: they say nothing more about her.
        "line_hash",
        "email_hash",
        "phone_hash",
        # The keyed hash of an imported file's client text, to recognise her in the next file.
        "import_ref",
        "version",  # a counter against two people saving at once
    },
    Case: {"client", "version"},  # she is the client
    Contact: {
        "client",  # she is the client
        "case",  # the contact is listed under its case
        "import_key",  # the keyed hash of an imported row, against importing it twice
    },
    Referral: {"case"},  # listed under its case
    SupportActivity: {"case"},
    CaseStatusChange: {"case"},
    AuditEvent: {
        "id",  # the trail's own row number
        "username",  # the actor's sign-in name: the actor is exported by name
        "request_id",  # an internal correlation number
        "ip",  # the staff member's address, not hers
        "detail",  # field names and ids of the change; her records themselves are exported
    },
}

_RECORD_TYPES = {
    model._meta.label_lower: model
    for model in (Client, Case, Contact, Referral, SupportActivity, CaseStatusChange)
}


def _shown(obj: models.Model, field: models.Field) -> object:
    """One field as her export shows it: choices and related records by their names, times in
    Japan time, dates as ISO dates."""
    if field.many_to_many:
        return [str(related) for related in getattr(obj, field.name).all()]
    if field.is_relation:
        related = getattr(obj, field.name)
        return None if related is None else str(related)
    value = getattr(obj, field.attname)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.datetime):
        return value.astimezone(JST).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _exported(obj: models.Model) -> dict[str, object]:
    """Every field of `obj` except those NOT_EXPORTED for its model."""
    meta = obj._meta
    left_out = NOT_EXPORTED[type(obj)]
    fields = [*meta.concrete_fields, *meta.many_to_many]
    return {f.name: _shown(obj, f) for f in fields if f.name not in left_out}


def _her_access_log(records: list[models.Model]) -> QuerySet[AuditEvent]:
    """The audit events on her record and on every record of her cases."""
    ids: dict[str, set[str]] = {}
    for record in records:
        ids.setdefault(record._meta.label_lower, set()).add(str(record.pk))
    on_hers = Q()
    for object_type, object_ids in ids.items():
        on_hers |= Q(object_type=object_type, object_id__in=object_ids)
    return AuditEvent.objects.filter(on_hers).select_related("actor").order_by("at", "id")


def _access_entry(event: AuditEvent) -> dict[str, object]:
    entry = _exported(event)
    entry["actor"] = str(event.actor) if event.actor else event.username
    entry["object_type"] = str(_RECORD_TYPES[event.object_type]._meta.verbose_name)
    return entry


def client_export(client: Client, user: User) -> dict:
    """Everything held on one woman, for her own request or a handover (APPI 開示).

    Her record; her cases with their contacts, referrals, support activities and status changes,
    each with every field (NOT_EXPORTED lists the few internal ones left out); her provision
    history (the referrals that passed her information to an agency: to whom, when, on her
    consent or on whose override and why); and her access history (who read or changed which of
    her records, when: no free text). A fixed number of queries, however long her story.
    """
    client = (
        Client.objects.visible_to(user).select_related("age_band", "created_by").get(pk=client.pk)
    )
    cases = list(
        client.cases.visible_to(user)
        .select_related("primary_concern", "assigned_to")
        .prefetch_related(
            "categories",
            Prefetch(
                "referrals",
                queryset=Referral.objects.select_related("agency", "override_by", "created_by"),
            ),
            Prefetch("activities", queryset=SupportActivity.objects.select_related("staff")),
            Prefetch(
                "status_changes", queryset=CaseStatusChange.objects.select_related("changed_by")
            ),
        )
        .order_by("opened_on", "pk")
    )
    contacts = list(
        Contact.objects.visible_to(user)
        .filter(client=client)
        .select_related("channel", "counselor", "created_by")
        .prefetch_related("categories")
    )
    by_case: dict[int | None, list[Contact]] = {}
    for contact in contacts:
        by_case.setdefault(contact.case_id, []).append(contact)
    referrals = [r for case in cases for r in case.referrals.all()]
    records: list[models.Model] = [
        client,
        *cases,
        *contacts,
        *referrals,
        *(a for case in cases for a in case.activities.all()),
        *(s for case in cases for s in case.status_changes.all()),
    ]
    return {
        "client": {"code": client.code, **_exported(client)},
        "cases": [
            {
                **_exported(case),
                "contacts": [_exported(c) for c in by_case.get(case.pk, [])],
                "referrals": [_exported(r) for r in case.referrals.all()],
                "activities": [_exported(a) for a in case.activities.all()],
                "status_changes": [_exported(s) for s in case.status_changes.all()],
            }
            for case in cases
        ],
        # The screens always file her contacts under a case, but the database allows one without:
        # her export must hold it all the same.
        "contacts_without_case": [_exported(c) for c in by_case.get(None, [])],
        # 第三者提供の記録: each time her information was passed on, to whom and on what ground.
        "provisions": [
            {
                "referral": r.pk,
                "case": r.case_id,
                "agency": str(r.agency),
                "referred_on": r.referred_on.isoformat(),
                "consent_recorded": r.consent_recorded,
                "override_by": str(r.override_by) if r.override_by else None,
                "override_reason": r.override_reason,
                "recorded_at": r.created_at.astimezone(JST).isoformat(),
                "recorded_by": str(r.created_by) if r.created_by else None,
            }
            for r in referrals
            if r.shares_information
        ],
        "access_log": [_access_entry(event) for event in _her_access_log(records)],
    }
