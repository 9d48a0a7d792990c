"""The reads behind the site manager's pages: each a fixed number of queries, however many sites
there are (tests/supplies/test_query_counts.py pins them)."""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from supplies.models import Item, OutreachPlacement, Site, StockBalance, StockMovement
from supplies.models.ledger import Kind

# The restock round suggests enough for COVER_DAYS at the pace of the last WINDOW_DAYS.
WINDOW_DAYS = 90
COVER_DAYS = 30
# A site open for less than this is judged over this many days, not over its first few.
MIN_OBSERVED_DAYS = 14


def _active(today: dt.date) -> Q:
    return Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))


# A site's stock of sanitary products, and the day of its last delivery not taken back. The
# reversed deliveries are a list the database hashes once (NOT IN), not a join: each site's newest
# delivery is then the first row of the index stock_site_delivery_day. Built once, here: Django
# took about a millisecond to build the two on every page that lists sites, and a query that takes
# an expression up works on a copy of it.
PRODUCT_STOCK = StockBalance.objects.site_stock()
LAST_DELIVERY = Subquery(
    StockMovement.objects.filter(site=OuterRef("pk"), kind=Kind.DELIVERY, quantity__gt=0)
    .exclude(pk__in=StockMovement.objects.filter(reverses__isnull=False).values("reverses"))
    .order_by("-moved_on")
    .values("moved_on")[:1]
)


def sites_with_stock(today: dt.date | None = None) -> QuerySet[Site]:
    """Sites with their stock of sanitary products, the day of their last delivery, and whether
    they need a visit: open today and at or below their threshold."""
    today = today or timezone.localdate()
    return (
        Site.objects.select_related("category", "school_level", "area")
        .annotate(product_stock=PRODUCT_STOCK, last_delivery_on=LAST_DELIVERY)
        .annotate(
            needs_restock=ExpressionWrapper(
                _active(today) & Q(product_stock__lte=F("restock_threshold")),
                output_field=BooleanField(),
            )
        )
    )


def filtered_sites(filters: dict[str, Any], today: dt.date | None = None) -> QuerySet[Site]:
    """The site list as its filters ask (supplies.forms.SiteFilterForm's cleaned data)."""
    today = today or timezone.localdate()
    sites = sites_with_stock(today)
    if query := filters.get("q"):
        sites = sites.filter(Q(name__icontains=query) | Q(address__icontains=query))
    for name in ("category", "school_level", "area"):
        if value := filters.get(name):
            sites = sites.filter(**{name: value})
    status = filters.get("status") or "active"
    if status == Site.Status.ACTIVE:
        sites = sites.filter(_active(today))
    elif status == Site.Status.ENDED:
        sites = sites.filter(ended_on__lt=today)
    elif status == Site.Status.NOT_STARTED:
        sites = sites.filter(started_on__gt=today)
    if filters.get("needs_restock"):
        sites = sites.filter(Q(needs_restock=True))
    return sites.order_by(F("needs_restock").desc(), "name")


@dataclass
class StockLine:
    item: Item
    stock: int


def stock_lines(site: Site | None, items: list[Item]) -> list[StockLine]:
    """Every item in use, and any other with stock left, beside its stock at `site` (None: the
    store)."""
    stock = StockBalance.objects.at(site).by_item()
    return [
        StockLine(item, stock.get(item.pk, 0))
        for item in items
        if item.is_active or stock.get(item.pk)
    ]


def all_items() -> list[Item]:
    return list(Item.objects.all())


@dataclass
class Home:
    needs_restock: list[Site]
    needs_restock_count: int
    store: list[StockLine]
    recent: list[StockMovement]
    active_sites: int
    active_placements: int


def home(today: dt.date | None = None) -> Home:
    today = today or timezone.localdate()
    flagged = sites_with_stock(today).filter(Q(needs_restock=True))
    return Home(
        needs_restock=list(flagged.order_by(F("product_stock").asc(), "name")[:10]),
        needs_restock_count=flagged.count(),
        store=stock_lines(None, all_items()),
        # A delivery once, as the site received it: its leg out of the store adds nothing here.
        recent=list(recent_movements().exclude(kind=Kind.DELIVERY, site__isnull=True)[:10]),
        active_sites=Site.objects.active_on(today).count(),
        active_placements=OutreachPlacement.objects.active_on(today).count(),
    )


def recent_movements() -> QuerySet[StockMovement]:
    return StockMovement.objects.select_related(
        "item", "site", "created_by", "reverses", "reversal"
    )


# --- the restock round -----------------------------------------------------------------------


@dataclass
class RoundLine:
    item: Item
    stock: int
    handed_out: int  # in the window
    suggested: int


@dataclass
class RoundStop:
    site: Site
    lines: list[RoundLine]

    @property
    def suggested_total(self) -> int:
        return sum(line.suggested for line in self.lines if line.item.is_product)


@dataclass
class RoundArea:
    name: str
    stops: list[RoundStop] = field(default_factory=list)


@dataclass
class Load:
    """What to put in the car: the suggestions added up, beside what the store holds."""

    item: Item
    suggested: int
    in_store: int

    @property
    def short(self) -> bool:
        return self.suggested > self.in_store


@dataclass
class Round:
    areas: list[RoundArea]
    load: list[Load]
    stops: int


def suggestion(item: Item, stock: int, handed_out: int, observed_days: int) -> int:
    """Enough for COVER_DAYS at the recent pace, and at least what a site normally holds."""
    pace = handed_out / max(observed_days, MIN_OBSERVED_DAYS)
    wanted = max(item.standard_quantity, math.ceil(pace * COVER_DAYS))
    return max(0, wanted - stock)


def restock_round(today: dt.date | None = None, *, not_visited_for: int | None = None) -> Round:
    """The sites that need a visit, grouped by area in the areas' order, each item with its
    stock and the suggested delivery. Four queries whatever the number of sites: the sites, the
    items, their stock and the store's, and what they handed out lately."""
    today = today or timezone.localdate()
    due = Q(needs_restock=True)
    if not_visited_for:
        since = today - dt.timedelta(days=not_visited_for)
        due |= _active(today) & (Q(last_delivery_on__isnull=True) | Q(last_delivery_on__lte=since))
    sites = list(
        sites_with_stock(today)
        .filter(due)
        .order_by(F("area__order").asc(nulls_last=True), "area__pk", "name")
    )
    ids = [site.pk for site in sites]
    items = [item for item in all_items() if item.is_active]
    window_start = today - dt.timedelta(days=WINDOW_DAYS)
    at_sites = StockMovement.objects.filter(site_id__in=ids)
    # The sites' stock and the store's (the location without a site), in one read.
    stock = StockBalance.objects.filter(Q(site_id__in=ids) | Q(site__isnull=True)).of()
    handed: dict[tuple[int, int], int] = defaultdict(int)
    for site_id, item_id, quantity in (
        at_sites.handouts()
        .filter(moved_on__gt=window_start, moved_on__lte=today)
        .values_list("site_id", "item_id", "quantity")
    ):
        handed[(site_id, item_id)] -= quantity

    areas: dict[int | None, RoundArea] = {}
    totals: dict[int, int] = defaultdict(int)
    for site in sites:
        observed = min(WINDOW_DAYS, (today - site.started_on).days)
        lines = []
        for item in items:
            on_hand = stock.get((item.pk, site.pk), 0)
            out = handed[(site.pk, item.pk)]
            suggested = suggestion(item, on_hand, out, observed)
            lines.append(RoundLine(item, on_hand, out, suggested))
            totals[item.pk] += suggested
        area_name = str(site.area) if site.area else _("No area set")
        group = areas.setdefault(site.area_id, RoundArea(area_name))
        group.stops.append(RoundStop(site, lines))
    load = [Load(item, totals[item.pk], stock.get((item.pk, None), 0)) for item in items]
    return Round(areas=list(areas.values()), load=load, stops=len(sites))
