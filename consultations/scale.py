"""The consultations' share of `manage.py seed_scale` (kokona.scale): per year 2,000 women with a
case each, 10,000 contacts and 4,000 support activities; cases older than a year mostly closed,
each close kept as a status change. One case of the first counselor gets a 200-entry timeline:
the case page the benchmark opens."""

import datetime as dt
from typing import Any

from django.db.models import Model

from consultations.models import (
    AgeBand,
    Case,
    CaseAssignment,
    CaseStatus,
    CaseStatusChange,
    Channel,
    Client,
    ClosingReason,
    ConcernCategory,
    Contact,
    Referral,
    SupportActivity,
)
from kokona.scale import (
    ACTIVITIES_PER_YEAR,
    BATCH,
    CONTACTS_PER_YEAR,
    LONG_CASE_ENTRIES,
    WOMEN_PER_YEAR,
    Scale,
)

SUMMARIES = [
    "生活費のことで相談（架空のデータ）",
    "家族との関係に悩んでいる（架空）",
    "仕事を探したい、面接が不安（架空）",
    "体調のこと、通院の付き添い希望（架空）",
    "住まいのことで急ぎの相談（架空）",
]


def seed(scale: Scale) -> str:
    vocab: dict[str, list[Any]] = {
        "channels": list(Channel.objects.all()),
        "concerns": list(ConcernCategory.objects.all()),
        "age_bands": list(AgeBand.objects.all()),
        "outcomes": list(ClosingReason.objects.all()),
    }
    women: list[int] = []
    totals = {"women": 0, "contacts": 0, "activities": 0}
    for year in range(scale.years):
        cases = _women_and_cases(scale, year, vocab)
        women += [case.client_id for case in cases]
        totals["women"] += len(cases)
        totals["contacts"] += _contacts(scale, cases, CONTACTS_PER_YEAR, vocab)
        totals["activities"] += _activities(scale, cases, ACTIVITIES_PER_YEAR)
        if year == 0:
            long_case = next(
                c for c in cases if c.assigned_to_id == scale.counselors[0].pk and not c.restricted
            )
            extra = LONG_CASE_ENTRIES - _entries(long_case)
            totals["contacts"] += _contacts(scale, [long_case], extra * 3 // 4, vocab)
            totals["activities"] += _activities(scale, [long_case], extra - extra * 3 // 4)
            scale.made["long_case"] = long_case.pk
    scale.made["women"] = women
    return (
        f"consultations: {totals['women']:,} women and cases, {totals['contacts']:,} contacts, "
        f"{totals['activities']:,} support activities"
    )


def _entries(case: Case) -> int:
    """How many entries its timeline has now (the seed looks past the access door)."""
    return sum(
        model.objects.unscoped().filter(case=case).count()  # type: ignore[attr-defined]
        for model in (Contact, SupportActivity, CaseStatusChange, Referral, CaseAssignment)
    )


def _women_and_cases(scale: Scale, year: int, vocab: dict[str, list]) -> list[Case]:  # type: ignore[type-arg]
    rng = scale.rng
    counselors = scale.counselors
    opened = sorted(scale.day_in_year(year) for _ in range(WOMEN_PER_YEAR))
    clients = []
    for n, day in enumerate(opened):
        client = Client(
            nickname=f"ベンチ{year:02d}{n:04d}",
            age_band=rng.choice(vocab["age_bands"]),
            household_notes="世帯の状況（架空）",
            line_id=f"scale-{year}-{n}" if n % 2 == 0 else "",
            phone=f"090{year:02d}{n:06d}" if n % 3 == 0 else "",
            created_at=scale.moment(day),
            created_by=counselors[n % len(counselors)],
        )
        client.refresh_handle_hashes()  # what save() does, which bulk_create skips
        clients.append(client)
    Client.objects.bulk_create(clients, batch_size=BATCH)
    cases = []
    for n, (client, day) in enumerate(zip(clients, opened, strict=True)):
        counselor = counselors[n % len(counselors)]
        closes = year > 0 and rng.random() < 0.95
        ends = min(day + dt.timedelta(days=rng.randrange(30, 240)), scale.today)
        status = (
            CaseStatus.CLOSED
            if closes
            else rng.choice(
                [
                    CaseStatus.RECEIVED,
                    CaseStatus.SUPPORTING,
                    CaseStatus.SUPPORTING,
                    CaseStatus.REFERRED,
                ]
            )
        )
        cases.append(
            Case(
                client=client,
                assigned_to=counselor,
                status=status,
                restricted=n % 50 == 0,
                primary_concern=rng.choice(vocab["concerns"]),
                risk=rng.choice(["low", "low", "low", "medium", "medium", "high", "crisis"]),
                opened_on=day,
                closed_on=ends if closes else None,
                closing_category=rng.choice(vocab["outcomes"]) if closes else None,
                closing_reason="支援を終えた（架空）" if closes else "",
                follow_up_due=None
                if closes
                else scale.today + dt.timedelta(days=rng.randrange(-14, 30)),
                created_at=client.created_at,
                created_by=counselor,
                updated_at=scale.moment(ends),
            )
        )
    Case.objects.bulk_create(cases, batch_size=BATCH)
    _link(Case.categories.through, "case_id", cases, vocab["concerns"], scale)
    # Her main concern is among her concerns, as recording a contact keeps it.
    Case.categories.through.objects.bulk_create(
        (
            Case.categories.through(case_id=case.pk, concerncategory_id=case.primary_concern_id)
            for case in cases
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    CaseStatusChange.objects.bulk_create(
        (
            CaseStatusChange(
                case=case,
                from_status=CaseStatus.SUPPORTING,
                to_status=CaseStatus.CLOSED,
                outcome=case.closing_category,
                reason="支援を終えた（架空）",
                changed_by=case.assigned_to,
                changed_at=scale.moment(case.closed_on),
            )
            for case in cases
            if case.closed_on is not None
        ),
        batch_size=BATCH,
    )
    return cases


def _during(scale: Scale, case: Case) -> dt.date:
    last = case.closed_on or scale.today
    return case.opened_on + dt.timedelta(days=scale.rng.randrange((last - case.opened_on).days + 1))


def _contacts(scale: Scale, cases: list[Case], count: int, vocab: dict[str, list]) -> int:  # type: ignore[type-arg]
    rng = scale.rng
    contacts = []
    for n in range(count):
        case = cases[n % len(cases)]
        contacts.append(
            Contact(
                client_id=case.client_id,
                case=case,
                occurred_at=scale.moment(_during(scale, case)),
                channel=rng.choice(vocab["channels"]),
                direction=rng.choice(["in", "in", "out"]),
                duration_minutes=rng.randrange(5, 90),
                counselor=case.assigned_to,
                urgency=rng.choice(["normal"] * 8 + ["soon", "urgent"]),
                summary=rng.choice(SUMMARIES),
                next_step="次回は来週連絡（架空）" if n % 3 == 0 else "",
                created_by=case.assigned_to,
            )
        )
    for contact in contacts:
        contact.created_at = contact.occurred_at
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    _link(Contact.categories.through, "contact_id", contacts, vocab["concerns"], scale)
    return len(contacts)


def _activities(scale: Scale, cases: list[Case], count: int) -> int:
    rng = scale.rng
    kinds = SupportActivity.Kind.values
    rows = [
        SupportActivity(
            case=case,
            kind=rng.choice(kinds),
            done_on=_during(scale, case),
            staff=case.assigned_to,
            role_taken="ピアサポーター（架空）" if n % 10 == 0 else "",
            notes="同行した（架空の記録）",
            created_by=case.assigned_to,
        )
        for n in range(count)
        for case in [cases[n % len(cases)]]
    ]
    SupportActivity.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _link(through: type[Model], column: str, rows: list, concerns: list, scale: Scale) -> None:  # type: ignore[type-arg]
    """One concern for each row (cases and contacts are filtered and counted by concern)."""
    through.objects.bulk_create(  # type: ignore[attr-defined]
        (
            through(**{column: row.pk, "concerncategory_id": scale.rng.choice(concerns).pk})
            for row in rows
        ),
        batch_size=BATCH,
    )
