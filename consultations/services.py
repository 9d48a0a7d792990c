"""Workflows that touch several records: each is atomic, takes the person who acts (`by`), and
writes its audit events inside the same transaction, so the trail and the data always agree.
One-row transitions are model methods (`case.change_status`, `case.assign`).

Every record a workflow picks (her open case, her record by its import reference) is picked
through the access door of `by`: nothing is ever written into a record hidden from her."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from consultations.access import her_open_case
from consultations.models import (
    Agency,
    Case,
    CaseStatus,
    CaseStatusChange,
    Channel,
    Client,
    ConcernCategory,
    Contact,
    Referral,
    Risk,
    SupportActivity,
)
from kokona import audit, notices
from kokona.audit import Action
from kokona.crypto import HANDLE_KINDS
from kokona.locking import save_versioned
from kokona.models import User
from kokona.roles import Role

# --- clients -----------------------------------------------------------------------------------


def _register_client(*, by: User, **fields: object) -> Client:
    client = Client(created_by=by, **fields)
    client.save()
    audit.record(Action.CREATE, client, by=by)
    _tell_of_hidden_matches(client, by=by)
    return client


# A transaction of its own; `log_consultation` calls it inside its own (as it does the other
# parts of a consultation): a savepoint for each part was two more round trips on every save.
register_client = transaction.atomic(_register_client)


def _tell_of_hidden_matches(client: Client, *, by: User) -> None:
    """A new record whose handle is that of a woman hidden from `by`: the counselor is not told
    (that would reveal the hidden woman), a supervisor is, so two records do not grow apart
    unnoticed."""
    visible = Client.objects.visible_to(by).values("pk")
    for kind in HANDLE_KINDS:
        digest = getattr(client, f"{kind}_hash")
        if not digest:
            continue
        # Past the door on purpose: the answer goes to the supervisors only.
        hidden = (
            Client.objects.unscoped()
            .filter(**{f"{kind}_hash": digest})
            .exclude(pk=client.pk)
            .exclude(pk__in=visible)
            .order_by("pk")
        )
        codes = [Client.code_of(pk) for pk in hidden.values_list("pk", flat=True)[:5]]
        if codes:
            notices.notify_supervisors(
                HIDDEN_MATCH,
                target=client,
                counselor=by.get_username(),
                client=client.code,
                handle=Client.handle_label(kind),
                matches="、".join(codes),
            )


@transaction.atomic
def update_client(*, by: User, client: Client, expected_version: int, fields: dict) -> None:
    """Save edited profile fields, refusing a stale form."""
    for name, value in fields.items():
        setattr(client, name, value)
    client.refresh_handle_hashes()  # a changed handle must still be found by its hash
    hashes = {f"{kind}_hash": getattr(client, f"{kind}_hash") for kind in HANDLE_KINDS}
    save_versioned(client, expected_version, {**fields, **hashes})
    audit.record(Action.UPDATE, client, by=by, detail={"fields": sorted(fields)})


def likely_duplicates(
    *, nickname: str = "", handles: dict[str, str] | None = None, user: User
) -> list[Client]:
    """Women already known by this nickname or by one of these handles (exact match)."""
    found: dict[int, Client] = {}
    visible = Client.objects.visible_to(user)
    if nickname.strip():
        for client in visible.filter(nickname__iexact=nickname.strip())[:5]:
            found[client.pk] = client
    for kind, value in (handles or {}).items():
        for client in visible.with_handle(kind, value)[:5]:
            found[client.pk] = client
    return list(found.values())


# --- contacts ----------------------------------------------------------------------------------


# Messages to supervisors, shown translated on their home (kokona.notices).
HIDDEN_MATCH = gettext_noop(
    "%(counselor)s registered %(client)s, whose %(handle)s is that of %(matches)s: a woman hidden"
    " from her by a restricted case. Check whether they are the same person."
)
SECOND_OPEN_CASE = gettext_noop(
    "%(counselor)s recorded a contact for %(client)s and a new case %(case)s was opened, because"
    " her open restricted case %(hidden)s is hidden from %(counselor)s."
)


def _open_case_for(client: Client, *, by: User, counselor: User | None, opened_on: dt.date) -> Case:
    """Her open case as `by` may see it, or a new one in 受付 with this counselor in charge.

    A case hidden from `by` (restricted, someone else's) is never written into: she gets a case
    of her own with this counselor, and the supervisors are told quietly.
    """
    case = her_open_case(by, client.pk)
    if case is None:
        case = Case.objects.create(client=client, assigned_to=counselor, opened_on=opened_on)
        CaseStatusChange.objects.create(
            case=case, to_status=CaseStatus.RECEIVED, changed_by=counselor
        )
        # The door was just asked and said no: look past it only to tell a supervisor.
        open_cases = Case.objects.unscoped().filter(client=client).open().exclude(pk=case.pk)
        hidden = open_cases.order_by("-opened_on", "-pk").values_list("pk", flat=True).first()
        if hidden is not None:
            notices.notify_supervisors(
                SECOND_OPEN_CASE,
                target=case,
                counselor=by.get_username(),
                client=client.code,
                case=f"#{case.pk}",
                hidden=f"#{hidden}",
            )
    return case


def _carry_into_case(
    case: Case,
    *,
    by: User,
    counselor: User | None,
    categories: list[ConcernCategory],
    follow_up_due: dt.date | None,
    primary_concern: ConcernCategory | None,
    urgency: str,
    risk: str,
    restricted: bool,
) -> None:
    """What a new contact tells the case: its main concern and concerns, a follow-up date, who is
    in charge, how much at risk she is, whether her record is closed to other counselors.

    The main concern is the one the counselor marked (or the only one ticked), never merely the
    first in list order. Risk only rises here (to what she chose, else to what the urgency
    suggests); lowering it, or opening a restricted record again, is done on the case edit page.
    A change to the case bumps its version: an edit form opened before it is stale.
    """
    changes: dict[str, object] = {}
    if case.primary_concern_id is None:
        main = primary_concern or (categories[0] if len(categories) == 1 else None)
        if main is not None:
            changes["primary_concern"] = main
    if follow_up_due is not None and follow_up_due != case.follow_up_due:
        changes["follow_up_due"] = follow_up_due
    if case.assigned_to_id is None and counselor is not None:
        changes["assigned_to"] = counselor
    wanted = Risk(risk) if risk else Risk.for_urgency(urgency)
    if wanted.rank > Risk(case.risk).rank:
        changes["risk"] = wanted
    # Who is in charge now: hers, or this counselor taking her (by id: no read of the user).
    in_charge = (
        case.assigned_to_id if case.assigned_to_id is not None else getattr(counselor, "pk", None)
    )
    if restricted and not case.restricted and (by.has_role(Role.SUPERVISOR) or in_charge == by.pk):
        changes["restricted"] = True
    new_categories = {c.pk for c in categories} - set(case.categories.values_list("pk", flat=True))
    # Through the base manager: `case` came through the door of `by` already.
    Case._base_manager.filter(pk=case.pk).update(
        **changes,
        updated_at=timezone.now(),
        version=F("version") + (1 if changes or new_categories else 0),
    )
    if new_categories:
        case.categories.add(*new_categories)
    if changes or new_categories:
        fields = sorted(changes) + (["categories"] if new_categories else [])
        detail: dict[str, object] = {"fields": fields}
        if "restricted" in changes:
            detail["restricted"] = [False, True]
        audit.record(Action.UPDATE, case, by=by, detail=detail)
    case.refresh_from_db()


def with_main_concern(
    categories: Iterable[ConcernCategory], main: ConcernCategory | None
) -> list[ConcernCategory]:
    """Her concerns with her main concern among them, as a case always holds it: the case list's
    concern filter asks the concerns alone (case_list.filtered_cases)."""
    return list(dict.fromkeys([*categories, *([main] if main is not None else [])]))


def _record_contact(
    *,
    by: User,
    counselor: User | None,
    client: Client | None,
    channel: Channel,
    occurred_at: dt.datetime,
    case: Case | None = None,
    categories: Iterable[ConcernCategory] = (),
    summary: str,
    next_step: str = "",
    urgency: str = Contact.Urgency.NORMAL,
    direction: str = Contact.Direction.INBOUND,
    duration_minutes: int | None = None,
    follow_up_due: dt.date | None = None,
    primary_concern: ConcernCategory | None = None,
    risk: str = "",
    restricted: bool = False,
    import_key: str | None = None,
) -> Contact:
    """Log one exchange. On `case` when given (it must be open); otherwise a known woman's
    contact joins her open case (one is opened if none, with `counselor` in charge), and an
    anonymous one-off contact (`client=None`) stands alone.

    `by` is who records it, `counselor` who talked with her (None: not known yet).
    """
    categories = with_main_concern(categories, primary_concern)
    if case is not None:
        refuse_if_closed(case)
        client = case.client
    elif client is not None:
        case = _open_case_for(
            client, by=by, counselor=counselor, opened_on=timezone.localdate(occurred_at)
        )
    if case is not None:
        _carry_into_case(
            case,
            by=by,
            counselor=counselor,
            categories=categories,
            follow_up_due=follow_up_due,
            primary_concern=primary_concern,
            urgency=urgency,
            risk=risk,
            restricted=restricted,
        )
    contact = Contact.objects.create(
        client=client,
        case=case,
        channel=channel,
        occurred_at=occurred_at,
        direction=direction,
        duration_minutes=duration_minutes,
        counselor=counselor,
        urgency=urgency,
        summary=summary,
        next_step=next_step,
        import_key=import_key,
        created_by=by,
    )
    contact.categories.add(*categories)  # a new contact has none: nothing to read first
    audit.record(Action.CREATE, contact, by=by)
    return contact


record_contact = transaction.atomic(_record_contact)  # as register_client


@transaction.atomic
def log_consultation(
    *,
    by: User,
    client: Client | None,
    new_client: dict[str, Any] | None,
    contact: dict[str, Any],
    referral: dict[str, Any] | None,
) -> Contact:
    """相談を記録, all at once or not at all: register her if she is new, log the contact on
    her open case, and record the referral if there is one. Its parts run inside its
    transaction, without a savepoint each: an error in any undoes them all."""
    if new_client is not None:
        client = _register_client(by=by, **new_client)
    logged = _record_contact(by=by, counselor=by, client=client, **contact)
    if referral is not None:
        if logged.case is None:
            raise ValidationError(_("An anonymous one-off contact cannot be referred."))
        _refer_case(by=by, case=logged.case, **referral)
    return logged


@transaction.atomic
def take_contact(contact: Contact, *, by: User) -> None:
    """A counselor takes a new contact nobody has taken: she answers it. A contact on a case is
    taken by taking its case."""
    if contact.case_id is not None:
        raise ValidationError(_("This contact belongs to a case: take the case."))
    if contact.counselor_id is not None:
        raise ValidationError(_("Someone has taken this contact already."))
    Contact._base_manager.filter(pk=contact.pk).update(counselor=by)
    contact.counselor = by
    audit.record(Action.UPDATE, contact, by=by, detail={"fields": ["counselor"]})


@transaction.atomic
def join_contact(contact: Contact, client: Client, *, by: User) -> Case:
    """An anonymous one-off contact turns out to be a woman we know (she wrote again): it joins
    her open case as `by` may see it (a new one if none), and counts for her from now on.
    `client` was fetched through `by`'s door."""
    if contact.client_id is not None:
        raise ValidationError(_("This contact is hers already."))
    case = _open_case_for(
        client,
        by=by,
        counselor=contact.counselor or by,
        opened_on=timezone.localdate(contact.occurred_at),
    )
    Contact._base_manager.filter(pk=contact.pk).update(client=client, case=case)
    contact.client, contact.case = client, case
    Case._base_manager.filter(pk=case.pk).update(updated_at=timezone.now())
    audit.record(Action.UPDATE, contact, by=by, detail={"fields": ["client", "case"]})
    return case


# --- cases -------------------------------------------------------------------------------------


def refuse_if_closed(case: Case) -> None:
    """A closed case takes nothing (no contact, referral or support) until it is reopened."""
    if case.is_closed:
        raise ValidationError(
            _(
                "This case is closed. To add to it, reopen it first under 「Change the status」, saying why."
            )
        )


@transaction.atomic
def update_case(
    *,
    by: User,
    case: Case,
    expected_version: int,
    fields: dict,
    categories: Iterable[ConcernCategory] | None = None,
) -> None:
    """Save the changed fields of a case (and its concerns when given), refusing a stale form."""
    # Read from the database: a ModelForm has already put the new values on `case`.
    was_restricted = Case._base_manager.values_list("restricted", flat=True).get(pk=case.pk)
    save_versioned(case, expected_version, fields)
    if categories is None and "primary_concern" in fields:
        categories = case.categories.all()
    if categories is not None:
        case.categories.set(with_main_concern(categories, case.primary_concern))
    changed = sorted(fields) + (["categories"] if categories is not None else [])
    detail: dict[str, object] = {"fields": changed}
    if case.restricted != was_restricted:
        # Who opened or closed a woman's record to the other counselors is worth its own line.
        detail["restricted"] = [was_restricted, case.restricted]
    audit.record(Action.UPDATE, case, by=by, detail=detail)


# --- referrals and support ---------------------------------------------------------------------


def sharing_allowed(
    *, shares_information: bool, consent_recorded: bool, by: User, override_reason: str
) -> bool:
    """Her information leaves the NPO only with her consent, or on a supervisor's reasoned
    override (APPI 第三者提供)."""
    if not shares_information or consent_recorded:
        return True
    return by.has_role(Role.SUPERVISOR) and bool(override_reason.strip())


def _refer_case(
    *,
    by: User,
    case: Case,
    agency: Agency,
    stage: str = Referral.Stage.INFORMED,
    referred_on: dt.date | None = None,
    shares_information: bool = False,
    consent_recorded: bool = False,
    override_reason: str = "",
    notes: str = "",
) -> Referral:
    refuse_if_closed(case)
    override = shares_information and not consent_recorded
    if override and not sharing_allowed(
        shares_information=True, consent_recorded=False, by=by, override_reason=override_reason
    ):
        raise ValidationError(
            _(
                "Her information can only be shared with her consent. Without it, a supervisor"
                " must decide and give the reason."
            )
        )
    referral = Referral.objects.create(
        case=case,
        agency=agency,
        referred_on=referred_on or timezone.localdate(),
        stage=stage,
        shares_information=shares_information,
        consent_recorded=consent_recorded,
        override_by=by if override else None,
        override_reason=override_reason if override else "",
        notes=notes,
        created_by=by,
    )
    detail: dict[str, object] = {"agency": agency.pk, "shares_information": shares_information}
    if override:
        detail["consent_override"] = True
    audit.record(Action.CREATE, referral, by=by, detail=detail)
    return referral


refer_case = transaction.atomic(_refer_case)  # as register_client


@transaction.atomic
def record_activity(
    *,
    by: User,
    case: Case,
    kind: str,
    done_on: dt.date,
    role_taken: str = "",
    notes: str = "",
) -> SupportActivity:
    refuse_if_closed(case)
    activity = SupportActivity.objects.create(
        case=case,
        kind=kind,
        done_on=done_on,
        staff=by,
        role_taken=role_taken,
        notes=notes,
        created_by=by,
    )
    Case._base_manager.filter(pk=case.pk).update(updated_at=timezone.now())
    audit.record(Action.CREATE, activity, by=by)
    return activity


@transaction.atomic
def record_role_taken(
    *, by: User, client: Client, done_on: dt.date, role_taken: str, notes: str = ""
) -> SupportActivity | None:
    """活躍の機会: she took a part in running something (a 居場所 session, as a peer supporter).

    Recorded on her open case as `by` sees it; when she has none open, on her latest case `by`
    may see, closed or not: a part she takes after her support ended is what the project hopes
    for (人材として), and it changes nothing in the case. None when `by` sees no case of hers.
    """
    cases = Case.objects.visible_to(by).filter(client=client).order_by("-opened_on", "-pk")
    case = cases.open().first() or cases.first()
    if case is None:
        return None
    activity = SupportActivity.objects.create(
        case=case,
        kind=SupportActivity.Kind.ROLE,
        done_on=done_on,
        staff=by,
        role_taken=role_taken,
        notes=notes,
        created_by=by,
    )
    Case._base_manager.filter(pk=case.pk).update(updated_at=timezone.now())
    audit.record(Action.CREATE, activity, by=by)
    return activity


@transaction.atomic
def withdraw_activity(*, by: User, activity: SupportActivity) -> None:
    """Take back an activity that did not happen (the session she was to help at was called
    off, or she was entered by mistake). Its history keeps it; the audit trail says who."""
    audit.record(Action.DELETE, activity, by=by)
    SupportActivity._base_manager.filter(pk=activity.pk).delete()
