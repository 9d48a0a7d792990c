"""Everything held on one woman, for her own request or a handover (APPI 開示)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch, Q, QuerySet

from consultations.models import (
    Case,
    CaseStatusChange,
    Client,
    Contact,
    LineAccount,
    Referral,
    SupportActivity,
)
from kokona.fiscal import JST
from kokona.models import AuditEvent, User

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

_RECORD_TYPES: dict[str, type[models.Model]] = {
    model._meta.label_lower: model
    for model in (Client, Case, Contact, Referral, SupportActivity, CaseStatusChange)
}


@dataclass(frozen=True)
class Section:
    """Records another app holds on her (ibasho's attendance): its rows as `user` may see them,
    and the fields left out of each (as NOT_EXPORTED says for ours)."""

    model: type[models.Model]
    rows: Callable[[Client, User], list[models.Model]]
    left_out: frozenset[str] = frozenset()


_sections: dict[str, Section] = {}


def register_section(name: str, section: Section) -> None:
    """From an app's `ready()`: her export gains `name`, and the access log its record type.
    Consultations imports no other app; apps that build on it add what they hold on her here."""
    _sections[name] = section
    _RECORD_TYPES[section.model._meta.label_lower] = section.model


def sections() -> dict[str, Section]:
    """What other apps registered, by name: the export's keys beside ours."""
    return dict(_sections)


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


def exported_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields of `model` her export holds: all but those NOT_EXPORTED (or the section's)."""
    section = next((s for s in _sections.values() if s.model is model), None)
    left_out = section.left_out if section is not None else NOT_EXPORTED[model]
    fields = [*model._meta.concrete_fields, *model._meta.many_to_many]
    return [f for f in fields if f.name not in left_out]


def _exported(obj: models.Model) -> dict[str, object]:
    """Every field of `obj` except those NOT_EXPORTED for its model."""
    return {f.name: _shown(obj, f) for f in exported_fields(type(obj))}


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
        .prefetch_related(  # type: ignore[type-var]
            "categories",
            Prefetch(
                "referrals",
                queryset=Referral.objects.visible_to(user).select_related(
                    "agency", "override_by", "created_by"
                ),
            ),
            Prefetch(
                "activities",
                queryset=SupportActivity.objects.visible_to(user).select_related("staff"),
            ),
            Prefetch(
                "status_changes",
                queryset=CaseStatusChange.objects.visible_to(user).select_related("changed_by"),
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
    # What other apps hold on her, one query each (ibasho's attendance…).
    held_elsewhere = {name: section.rows(client, user) for name, section in _sections.items()}
    records += [row for rows in held_elsewhere.values() for row in rows]
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
        **{name: [_exported(row) for row in rows] for name, rows in held_elsewhere.items()},
        "access_log": [_access_entry(event) for event in _her_access_log(records)],
    }


def _her_line_account(client: Client, user: User) -> list[models.Model]:
    return list(LineAccount.objects.visible_to(user).filter(client=client))


# Her LINE user id, as LINE names her to us (consultations.line_intake): held on her, so exported.
register_section(
    "line_account",
    Section(LineAccount, _her_line_account, frozenset({"client", "user_hash"})),
)
