"""The supplies KPIs, exactly as design.md defines them, on Japan-time dates.

distribution_sites counts from each site's started_on and ended_on alone, so a site that opens
or closes never needs anyone to edit a past year. The two pack counts add up the ledger, with
corrections netted in; cards and flyers are not packs and are left out.
"""

import datetime as dt

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from kokona.fiscal import fiscal_year_dates
from kokona.indicators import (
    Table,
    Value,
    register,
    register_breakdown,
    register_monthly,
    twelve_months,
    vocabulary_rows,
)
from supplies.models import Item, Site, SiteCategory, StockMovement
from supplies.models.ledger import StockMovementQuerySet


@register(
    "distribution_sites", _("Sanitary product sites"), unit=pgettext_lazy("unit", "sites"), order=10
)
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


@register_breakdown(
    "sites_by_category",
    pgettext_lazy("breakdown", "Sites by category"),
    of="distribution_sites",
    unit=pgettext_lazy("breakdown", "sites"),
    order=10,
)
def sites_by_category(fiscal_year: int) -> Table:
    found = (
        Site.objects.active_during(*fiscal_year_dates(fiscal_year))
        .order_by()
        .values("category")
        .annotate(n=Count("pk"))
    )
    counts: dict[object, list[Value]] = {r["category"]: [r["n"]] for r in found}
    return Table(
        [pgettext("breakdown", "Sites")], vocabulary_rows(SiteCategory.objects.all(), counts)
    )


@register_breakdown(
    "supplies_by_month",
    pgettext_lazy("breakdown", "Packs delivered to sites by month and item"),
    of="supplies_delivered",
    unit=pgettext_lazy("breakdown", "packs"),
    order=20,
)
def supplies_by_month(fiscal_year: int) -> Table:
    """A row per month (April first), a column per sanitary product delivered or in use."""
    found = (
        StockMovement.objects.products()
        .deliveries_to_sites()
        .in_period(*fiscal_year_dates(fiscal_year))
        .annotate(month=TruncMonth("moved_on"))
        .order_by()
        .values("month", "item")
        .annotate(n=Sum("quantity"))
    )
    by_item: dict[int, list[tuple[dt.date, Value]]] = {}
    for row in found:
        by_item.setdefault(row["item"], []).append((row["month"], row["n"]))
    items = [i for i in Item.objects.filter(is_product=True) if i.is_active or i.pk in by_item]
    columns = [twelve_months(fiscal_year, by_item.get(item.pk, [])) for item in items]
    months = [f"{(m + 3) % 12 + 1}月" for m in range(12)]
    return Table(
        [str(item) for item in items],
        [(month, [column[i] for column in columns]) for i, month in enumerate(months)],
        row_total=True,
    )
