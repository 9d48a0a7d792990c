"""The consultation KPIs, exactly as design.md defines them, counted on Japan-time dates.

They count every record, past the access door (`unscoped`): a count is not a record, and only
counts leave this module.
"""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from consultations.models import Contact
from kokona.fiscal import JST, fiscal_year_span
from kokona.indicators import Value, register, register_monthly, twelve_months


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


@register("consultations_total", _("Total consultations"), unit=_("cases"), order=30)
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
