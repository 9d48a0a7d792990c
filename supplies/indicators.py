"""The supplies KPIs, exactly as design.md defines them, on Japan-time dates.

distribution_sites counts from each site's started_on and ended_on alone, so a site that opens
or closes never needs anyone to edit a past year. The two pack counts add up the ledger, with
corrections netted in; cards and flyers are not packs and are left out.
"""

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from kokona.fiscal import fiscal_year_dates
from kokona.indicators import Value, register, register_monthly, twelve_months
from supplies.models import Site, StockMovement
from supplies.models.ledger import StockMovementQuerySet


@register("distribution_sites", _("Sanitary product sites"), unit=_("sites"), order=10)
def distribution_sites(fiscal_year: int) -> int:
    """Sites active at any time during the year: started by its last day, not ended before its
    first."""
    return Site.objects.active_during(*fiscal_year_dates(fiscal_year)).count()


def _packs(movements: QuerySet[StockMovement]) -> int:
    return int(movements.aggregate(total=Sum("quantity"))["total"] or 0)


@register("supplies_delivered", _("Packs delivered to sites"), unit=_("packs"), order=11)
def supplies_delivered(fiscal_year: int) -> int:
    movements = StockMovement.objects.products().deliveries_to_sites()
    return _packs(movements.in_period(*fiscal_year_dates(fiscal_year)))


@register("supplies_handed_out", _("Packs handed out"), unit=_("packs"), order=12)
def supplies_handed_out(fiscal_year: int) -> int:
    movements = StockMovement.objects.products().handouts()
    return -_packs(movements.in_period(*fiscal_year_dates(fiscal_year)))


def _packs_by_month(movements: StockMovementQuerySet, fiscal_year: int) -> list[Value]:
    rows = (
        movements.in_period(*fiscal_year_dates(fiscal_year))
        .annotate(month=TruncMonth("moved_on"))
        .values("month")
        .order_by("month")
        .annotate(n=Sum("quantity"))
    )
    return twelve_months(fiscal_year, ((r["month"], r["n"]) for r in rows))


@register_monthly("supplies_delivered")
def supplies_delivered_by_month(fiscal_year: int) -> list[Value]:
    return _packs_by_month(StockMovement.objects.products().deliveries_to_sites(), fiscal_year)


@register_monthly("supplies_handed_out")
def supplies_handed_out_by_month(fiscal_year: int) -> list[Value]:
    months = _packs_by_month(StockMovement.objects.products().handouts(), fiscal_year)
    return [-int(n or 0) for n in months]
