"""The consultation KPIs, exactly as design.md defines them, counted on Japan-time dates.

They count every record, past the access door (`unscoped`): a count is not a record, and only
counts leave this module.
"""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from consultations.models import AgeBand, Agency, Channel, ConcernCategory, Contact, Referral
from kokona.fiscal import JST, fiscal_year_dates, fiscal_year_span
from kokona.indicators import (
    Table,
    Value,
    register,
    register_breakdown,
    register_monthly,
    twelve_months,
    vocabulary_rows,
)


@register("unique_consultees", _("People consulting"), unit=_("people"), order=20, additive=False)
def unique_consultees(fiscal_year: int) -> int:
    """Distinct women with a contact in the year, across channels; each anonymous contact is
    one more person, since nothing tells two anonymous contacts apart."""
    counts = (
        Contact.objects.unscoped()
        .in_period(*fiscal_year_span(fiscal_year))
        .aggregate(
            women=Count("client", distinct=True),
            anonymous=Count("pk", filter=Q(client__isnull=True)),
        )
    )
    return counts["women"] + counts["anonymous"]


@register(
    "consultations_total", _("Total consultations"), unit=pgettext_lazy("unit", "cases"), order=30
)
def consultations_total(fiscal_year: int) -> int:
    return Contact.objects.unscoped().in_period(*fiscal_year_span(fiscal_year)).count()


def _by_month(fiscal_year: int):  # type: ignore[no-untyped-def]
    return (
        Contact.objects.unscoped()
        .in_period(*fiscal_year_span(fiscal_year))
        .annotate(month=TruncMonth("occurred_at", tzinfo=JST))
        .values("month")
        .order_by("month")
    )


@register_monthly("unique_consultees")
def unique_consultees_by_month(fiscal_year: int) -> list[Value]:
    """Distinct women in each month (a woman who wrote in May and June counts in both)."""
    rows = _by_month(fiscal_year).annotate(
        women=Count("client", distinct=True),
        anonymous=Count("pk", filter=Q(client__isnull=True)),
    )
    return twelve_months(fiscal_year, ((r["month"], r["women"] + r["anonymous"]) for r in rows))


@register_monthly("consultations_total")
def consultations_total_by_month(fiscal_year: int) -> list[Value]:
    rows = _by_month(fiscal_year).annotate(n=Count("pk"))
    return twelve_months(fiscal_year, ((r["month"], r["n"]) for r in rows))


def _in_year(fiscal_year: int):  # type: ignore[no-untyped-def]
    return Contact.objects.unscoped().in_period(*fiscal_year_span(fiscal_year)).order_by()


def _contacts_by(fiscal_year: int, field: str) -> dict[object, list[Value]]:
    rows = _in_year(fiscal_year).values(field).annotate(n=Count("pk"))
    return {row[field]: [row["n"]] for row in rows}


@register_breakdown(
    "contacts_by_channel",
    pgettext_lazy("breakdown", "Consultations by channel"),
    of="consultations_total",
    unit=pgettext_lazy("breakdown", "cases"),
    order=10,
)
def contacts_by_channel(fiscal_year: int) -> Table:
    counts = _contacts_by(fiscal_year, "channel")
    return Table(
        [pgettext("breakdown", "Consultations")], vocabulary_rows(Channel.objects.all(), counts)
    )


@register_breakdown(
    "contacts_by_age_band",
    pgettext_lazy("breakdown", "Consultations and people by age band"),
    of="consultations_total",
    order=20,
)
def contacts_by_age_band(fiscal_year: int) -> Table:
    """A woman has one age band, so the people add up to `unique_consultees`; an anonymous
    contact is one more person whose age is not known."""
    rows = (
        _in_year(fiscal_year)
        .values("client__age_band")
        .annotate(
            n=Count("pk"),
            women=Count("client", distinct=True),
            anonymous=Count("pk", filter=Q(client__isnull=True)),
        )
    )
    counts: dict[object, list[Value]] = {
        r["client__age_band"]: [r["n"], r["women"] + r["anonymous"]] for r in rows
    }
    return Table(
        [pgettext("breakdown", "Consultations"), pgettext("breakdown", "People")],
        vocabulary_rows(
            AgeBand.objects.all(),
            counts,
            width=2,
            unknown=pgettext_lazy("breakdown", "Not recorded"),
        ),
    )


@register_breakdown(
    "contacts_by_primary_concern",
    pgettext_lazy("breakdown", "Consultations by main concern (主訴)"),
    of="consultations_total",
    unit=pgettext_lazy("breakdown", "cases"),
    order=30,
)
def contacts_by_primary_concern(fiscal_year: int) -> Table:
    """By the 主訴 of the case each contact belongs to; a one-off contact has none."""
    counts = _contacts_by(fiscal_year, "case__primary_concern")
    return Table(
        [pgettext("breakdown", "Consultations")],
        vocabulary_rows(
            ConcernCategory.objects.all(),
            counts,
            unknown=pgettext_lazy("breakdown", "Not recorded"),
        ),
    )


@register_breakdown(
    "contacts_by_concern",
    pgettext_lazy("breakdown", "Consultations by concern (相談内容)"),
    of="consultations_total",
    unit=pgettext_lazy("breakdown", "cases"),
    order=40,
)
def contacts_by_concern(fiscal_year: int) -> Table:
    """A contact about several concerns counts under each, so the rows do not add up."""
    counts = _contacts_by(fiscal_year, "categories")
    return Table(
        [pgettext("breakdown", "Consultations")],
        vocabulary_rows(
            ConcernCategory.objects.all(),
            counts,
            unknown=pgettext_lazy("breakdown", "Not recorded"),
        ),
        column_total=False,
    )


@register_breakdown(
    "referrals_by_destination",
    pgettext_lazy("breakdown", "Referrals by destination and stage"),
    of="consultations_total",
    unit=pgettext_lazy("breakdown", "referrals"),
    order=50,
)
def referrals_by_destination(fiscal_year: int) -> Table:
    """つなぎ made in the year, by the kind of agency (a count per agency would be mostly 5未満)
    and by how far each went."""
    stages = list(Referral.Stage)
    found = (
        Referral.objects.unscoped()
        .filter(referred_on__range=fiscal_year_dates(fiscal_year))
        .values("agency__kind", "stage")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(r["agency__kind"], r["stage"]): r["n"] for r in found}
    return Table(
        [str(stage.label) for stage in stages],
        [
            (str(kind.label), [counts.get((kind.value, stage.value), 0) for stage in stages])
            for kind in Agency.Kind
        ],
        row_total=True,
    )
