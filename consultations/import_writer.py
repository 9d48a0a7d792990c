"""Writing a planned consultations import, all of it in one transaction.

What is written is what the record screen (`services.record_contact`) would write row by row:
each contact joins her open case (a new one, in 受付 and with the counselor of her first contact,
when she has none); the case learns its first concern, its counselor and every concern from her
contacts, which bumps its version (an edit form opened before the import is stale); a new name
in つなぎ先 adds an agency for review; each contact, new woman and agency has its audit event and
each contact its history row. Row by row, that was about ten statements a contact (her open case,
its concerns, the case again, the contact's concerns…), so an 80,000-row file ran for half an
hour. Here the lookups are made once for the whole file, contacts, their concerns and their
audit rows are inserted a thousand at a time, and cases are updated once each, grouped by what
changes: the statements no longer grow with the number of rows (bench/README.md has figures).
Referrals still go through `services.refer_case`, where the consent rule lives.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pghistory
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from consultations import services
from consultations.imports import Plan, Row, client_ref
from consultations.models import (
    Agency,
    Case,
    CaseStatusChange,
    Client,
    Contact,
)
from kokona import audit, notices
from kokona.models import User

logger = logging.getLogger(__name__)

CHUNK = 1000  # contacts a statement; progress is reported after each chunk


@transaction.atomic
def apply(plan: Plan, *, by: User, progress: Callable[[int], None] | None = None) -> int:
    """Write the planned contacts, oldest first, in one transaction; return how many were added.

    `progress` is told the number of rows written so far as the work goes on. History rows
    carry the importer as their actor, as a web request's would.
    """
    rows = sorted(plan.rows, key=lambda r: (r.occurred_at, r.line))
    hers: dict[str, list[Row]] = defaultdict(list)  # her rows, oldest first, by client text
    for row in rows:
        if row.client_text:
            hers[row.client_text].append(row)
    with connection.cursor() as cursor:
        # Django declares foreign keys DEFERRABLE INITIALLY DEFERRED: PostgreSQL would hold one
        # pending check per inserted row until commit, and each statement of the transaction gets
        # slower as that queue grows (80,000 contacts: minutes). Checked per statement instead;
        # every parent is written before its children, so nothing here needs the deferral.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pghistory.context(user=by.pk, importer="consultations"):
        women = _women(hers, by)
        cases = _open_cases(hers, women, by)
        agencies = _agencies(rows, by)
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            _contacts(chunk, women, cases, by)
            for row in chunk:
                if row.agency_name and row.client_text:
                    services.refer_case(
                        by=by,
                        case=cases[row.client_text],
                        agency=agencies[row.agency_name],
                        referred_on=timezone.localdate(row.occurred_at),
                    )
            if progress is not None:
                progress(start + len(chunk))
        _carry_into_cases(hers, cases, by)
    return len(rows)


def _women(hers: dict[str, list[Row]], by: User) -> dict[str, Client]:
    """Each woman of the file: found by the keyed hash of her client text, or registered with
    the age band of her first row; then given the latest age band the file says."""
    refs = {text: client_ref(text) for text in hers}
    # `plan` refused the file if one of them is hidden from `by`: none gets a second record.
    visible = Client.objects.visible_to(by)
    found = {c.import_ref: c for c in visible.filter(import_ref__in=refs.values())}
    new = {
        text: Client(nickname=text, age_band=her[0].age_band, import_ref=refs[text], created_by=by)
        for text, her in hers.items()
        if refs[text] not in found
    }
    for client in new.values():
        client.refresh_handle_hashes()  # what Client.save does; bulk_create skips save()
    Client.objects.bulk_create(new.values())
    audit.record_many(audit.Action.CREATE, ((c, {}) for c in new.values()), by=by)
    women = {text: new.get(text) or found[ref] for text, ref in refs.items()}

    changed: dict[int, list[int]] = defaultdict(list)  # age band → her clients
    for text, her in hers.items():
        bands = [row.age_band for row in her if row.age_band is not None]
        if bands and women[text].age_band_id != bands[-1].pk:
            changed[bands[-1].pk].append(women[text].pk)
            women[text].age_band = bands[-1]
    for band, pks in changed.items():
        # A change like any other: an edit form opened before the import is now stale.
        Client._base_manager.filter(pk__in=pks).update(age_band_id=band, version=F("version") + 1)
    return women


def _open_cases(hers: dict[str, list[Row]], women: dict[str, Client], by: User) -> dict[str, Case]:
    """Her open case as `by` may see it (the latest, if several), or a new one in 受付 opened on
    her first contact with its counselor in charge. A case hidden from `by` is never written
    into: the supervisors are told, as `services._open_case_for` does on the record screen."""
    her_open_cases = Case.objects.open().filter(client__in=women.values())
    latest = ("client_id", "-opened_on", "-pk")
    open_cases = {
        case.client_id: case
        for case in her_open_cases.visible_to(by).order_by(*latest).distinct("client_id")
    }
    new = {
        text: Case(
            client=women[text],
            assigned_to=her[0].counselor,
            opened_on=timezone.localdate(her[0].occurred_at),
        )
        for text, her in hers.items()
        if women[text].pk not in open_cases
    }
    Case.objects.bulk_create(new.values())
    CaseStatusChange.objects.bulk_create(
        CaseStatusChange(case=case, to_status=Case.Status.RECEIVED, changed_by=case.assigned_to)
        for case in new.values()
    )
    # The door said no for these women: look past it only to tell a supervisor.
    opened = {case.client_id: case for case in new.values()}
    hidden = (
        her_open_cases.unscoped()
        .filter(client__in=opened)
        .exclude(pk__in=[case.pk for case in opened.values()])
        .order_by(*latest)
        .distinct("client_id")
        .values_list("client_id", "pk")
    )
    for client_id, hidden_pk in hidden:
        case = opened[client_id]
        notices.notify_supervisors(
            services.SECOND_OPEN_CASE,
            target=case,
            counselor=by.get_username(),
            client=case.client.code,
            case=f"#{case.pk}",
            hidden=f"#{hidden_pk}",
        )
    return {text: new.get(text) or open_cases[women[text].pk] for text in hers}


def _agencies(rows: list[Row], by: User) -> dict[str, Agency]:
    """The agencies named in つなぎ先; a name not known yet is added for a supervisor to review."""
    names = {row.agency_name for row in rows if row.agency_name and row.client_text}
    known = {a.name: a for a in Agency.objects.filter(name__in=names)}
    new = [Agency(name=name, needs_review=True) for name in sorted(names - known.keys())]
    Agency.objects.bulk_create(new)
    audit.record_many(audit.Action.CREATE, ((a, {}) for a in new), by=by)
    return known | {a.name: a for a in new}


def _contacts(chunk: list[Row], women: dict[str, Client], cases: dict[str, Case], by: User) -> None:
    contacts = Contact.objects.bulk_create(
        Contact(
            client=women.get(row.client_text),
            case=cases.get(row.client_text),
            channel=row.channel,
            occurred_at=row.occurred_at,
            counselor=row.counselor,
            summary=row.summary,
            import_key=row.import_key,
            created_by=by,
        )
        for row in chunk
    )
    through = Contact.categories.through
    through.objects.bulk_create(
        through(contact_id=contact.pk, concerncategory_id=category.pk)
        for contact, row in zip(contacts, chunk, strict=True)
        for category in dict.fromkeys(row.categories)
    )
    audit.record_many(audit.Action.CREATE, ((c, {}) for c in contacts), by=by)


def _carry_into_cases(hers: dict[str, list[Row]], cases: dict[str, Case], by: User) -> None:
    """What her contacts tell her case: its first concern and its counselor when it has none,
    and every concern. One update for every group of cases with the same change."""
    through = Case.categories.through
    held: dict[int, set[int]] = defaultdict(set)
    for case_id, category_id in through.objects.filter(case__in=cases.values()).values_list(
        "case_id", "concerncategory_id"
    ):
        held[case_id].add(category_id)

    # (the fields set, whether the version goes up) → the cases that take that change
    groups: dict[tuple[tuple[tuple[str, Any], ...], bool], list[Case]] = defaultdict(list)
    new_categories: list[Any] = []
    audited: list[tuple[Case, dict[str, Any]]] = []
    for text, her in hers.items():
        case = cases[text]
        changes: dict[str, Any] = {}
        concerns = [c for row in her for c in row.categories]
        if case.primary_concern_id is None and concerns:
            changes["primary_concern_id"] = concerns[0].pk
        counselors = [row.counselor for row in her if row.counselor is not None]
        if case.assigned_to_id is None and counselors:
            changes["assigned_to_id"] = counselors[0].pk
        added = [c for c in dict.fromkeys(concerns) if c.pk not in held[case.pk]]
        new_categories += [through(case_id=case.pk, concerncategory_id=c.pk) for c in added]
        groups[(tuple(sorted(changes.items())), bool(changes or added))].append(case)
        if changes or added:
            fields = sorted(name.removesuffix("_id") for name in changes)
            audited.append((case, {"fields": fields + (["categories"] if added else [])}))
    now = timezone.now()
    for (fields_set, bump), group in groups.items():
        Case._base_manager.filter(pk__in=[c.pk for c in group]).update(
            **dict(fields_set), updated_at=now, version=F("version") + (1 if bump else 0)
        )
    through.objects.bulk_create(new_categories)
    audit.record_many(audit.Action.UPDATE, audited, by=by)
