"""Where outreach works: which cards and places bring women in, per fiscal year, month by month.

Aggregates only: scans of the cards (supplies.ScanDay), web-form consultations, LINE follows, and
the share of new women by how they first came. For city staff a count of 1 to 4 is shown as
「5未満」, and when a single cell of a row or column would be hidden, the next smallest is hidden
too, so that the total does not give it away.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Min, Sum
from django.db.models.functions import ExtractMonth
from django.utils.translation import gettext as _

from consultations.intake import WEB_FORM
from consultations.models import Contact, LineEvent
from kokona.fiscal import fiscal_year_dates, fiscal_year_span
from supplies.models import CardLink, ScanDay

# April first: the months of a fiscal year in order.
MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
SMALL = range(1, 5)


def hidden_cells(values: list[int]) -> set[int]:
    """Indexes of the cells to hide among `values` whose total is shown: every 1–4, and when
    exactly one is hidden, the next smallest non-zero too (else total − the rest reveals it)."""
    hide = {i for i, v in enumerate(values) if v in SMALL}
    if len(hide) == 1:
        others = sorted((v, i) for i, v in enumerate(values) if v and i not in hide)
        if others:
            hide.add(others[0][1])
    return hide


def show(values: list[int], *, mask: bool) -> list[str]:
    hide = hidden_cells(values) if mask else set()
    return [_("under 5") if i in hide else str(v) for i, v in enumerate(values)]


@dataclass
class Row:
    label: str
    months: list[int]
    kind: str = ""
    cells: list[str] = field(default_factory=list)
    total: str = ""


def _rows(
    counts: dict[str, dict[int, int]], *, mask: bool, kinds: dict[str, str] | None = None
) -> list[Row]:
    rows = [
        Row(label, [by_month.get(m, 0) for m in MONTHS], (kinds or {}).get(label, ""))
        for label, by_month in sorted(counts.items(), key=lambda item: -sum(item[1].values()))
    ]
    if mask:
        # City staff: a row per card with its year's total only; the months as one row.
        totals = [sum(r.months) for r in rows]
        for row, cell in zip(rows, show(totals, mask=True), strict=True):
            row.total = cell
    else:
        for row in rows:
            row.cells = [str(v) for v in row.months]
            row.total = str(sum(row.months))
    return rows


def _month_row(values: list[int], *, mask: bool) -> list[str]:
    return show(values, mask=mask)


def _links() -> dict[int, CardLink]:
    related = ("placement", "site__category", "site__school_level")
    return {link.pk: link for link in CardLink.objects.select_related(*related)}


def _scans(
    year: int, links: dict[int, CardLink]
) -> tuple[dict[str, dict[int, int]], dict[str, dict[int, int]], dict[str, str]]:
    first, last = fiscal_year_dates(year)
    by_card: dict[str, dict[int, int]] = defaultdict(dict)
    by_category: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    kinds: dict[str, str] = {}
    rows = (
        ScanDay.objects.filter(day__gte=first, day__lte=last)
        .annotate(month=ExtractMonth("day"))
        .values("link", "month")
        .annotate(scans=Sum("scans"))
    )
    for row in rows:
        link = links[row["link"]]
        label = str(link)
        kinds[label] = link.kind_label
        by_card[label][row["month"]] = row["scans"]
        by_category[link.kind_label][row["month"]] += row["scans"]
    return by_card, {k: dict(v) for k, v in by_category.items()}, kinds


def outreach(year: int, *, mask: bool) -> dict[str, object]:
    """Everything the report shows for fiscal year `year`."""
    start, end = fiscal_year_span(year)
    links = _links()
    by_card, by_category, kinds = _scans(year, links)
    # Aggregates over every woman: counts only, nothing of anyone leaves this function.
    contacts = Contact.objects.unscoped().filter(occurred_at__gte=start, occurred_at__lt=end)
    web = contacts.filter(channel__code=WEB_FORM, direction=Contact.Direction.INBOUND)
    web_months = dict(
        web.annotate(month=ExtractMonth("occurred_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    web_by_card: dict[str, dict[int, int]] = defaultdict(dict)
    for link_id, month, n in (
        web.filter(card_link__isnull=False)
        .annotate(month=ExtractMonth("occurred_at"))
        .values_list("card_link", "month")
        .annotate(n=Count("pk"))
        .values_list("card_link", "month", "n")
    ):
        web_by_card[str(links[link_id])][month] = n
    events = LineEvent.objects.unscoped().filter(occurred_at__gte=start, occurred_at__lt=end)
    follows: dict[str, dict[int, int]] = {}
    for kind, label in (
        (LineEvent.Kind.FOLLOW, _("Follows")),
        (LineEvent.Kind.UNFOLLOW, _("Unfollows")),
    ):
        follows[label] = dict(
            events.filter(kind=kind)
            .annotate(month=ExtractMonth("occurred_at"))
            .values_list("month")
            .annotate(n=Count("pk"))
            .values_list("month", "n")
        )
    scan_months = [sum(v.get(m, 0) for v in by_card.values()) for m in MONTHS]
    web_values = [web_months.get(m, 0) for m in MONTHS]
    return {
        "months": [_("%(month)s月") % {"month": m} for m in MONTHS],
        "scans_by_card": _rows(by_card, mask=mask, kinds=kinds),
        "scans_by_category": _rows(by_category, mask=mask),
        "scan_months": _month_row(scan_months, mask=mask),
        "scan_total": sum(scan_months),
        "web_months": _month_row(web_values, mask=mask),
        "web_total": sum(web_values),
        "web_by_card": _rows(web_by_card, mask=mask),
        "line": [
            Row(
                label,
                [by_month.get(m, 0) for m in MONTHS],
                cells=_month_row([by_month.get(m, 0) for m in MONTHS], mask=mask),
                total=str(sum(by_month.values())),
            )
            for label, by_month in follows.items()
        ],
        "first_ways": _first_ways(contacts, start=start, end=end, mask=mask),
    }


def _first_ways(
    contacts, *, start: dt.datetime, end: dt.datetime, mask: bool
) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """New women of the year by the channel of their very first contact (an anonymous one-off
    contact counts as one new woman), with each channel's share."""
    firsts = (
        Contact.objects.unscoped()
        .filter(client__isnull=False, direction=Contact.Direction.INBOUND)
        .values("client")
        .annotate(first=Min("occurred_at"))
        .filter(first__gte=start, first__lt=end)
    )
    counts: dict[str, int] = defaultdict(int)
    first_of = {row["client"]: row["first"] for row in firsts}
    for _client, channel in (
        Contact.objects.unscoped()
        .filter(client__in=list(first_of), direction=Contact.Direction.INBOUND)
        .values_list("client", "channel__label", "occurred_at")
        .order_by("client", "occurred_at", "pk")
        .distinct("client")
        .values_list("client", "channel__label")
    ):
        counts[channel] += 1
    for channel, n in (
        contacts.filter(client__isnull=True, direction=Contact.Direction.INBOUND)
        .values_list("channel__label")
        .annotate(n=Count("pk"))
        .values_list("channel__label", "n")
    ):
        counts[channel] += n
    ordered = sorted(counts.items(), key=lambda item: -item[1])
    total = sum(counts.values())
    cells = show([n for _label, n in ordered], mask=mask)
    hidden = {i for i, c in enumerate(cells) if not c.isdigit()}
    return [
        {
            "channel": label,
            "count": cell,
            "share": "—" if i in hidden or not total else f"{n * 100 / total:.1f}%",
        }
        for i, ((label, n), cell) in enumerate(zip(ordered, cells, strict=True))
    ]
