"""Supplies' share of `manage.py seed_scale` (kokona.scale): 100 sites, each with a stock
movement every week of every year (a delivery from the store when it runs low, otherwise packs
handed out), and receipts into the store before it would run dry.

The rows are written in date order from balances kept here, so none takes a location below
zero; the ledger's own trigger (`stock_never_negative`) checks each as it does a counselor's, and
keeps the stock balances the pages read."""

import datetime as dt
import uuid
from collections import defaultdict

from kokona.scale import BATCH, SITES, Scale
from supplies.models import Item, Site, StockMovement
from supplies.models.ledger import Kind, Source
from supplies.models.vocabularies import Area, SchoolLevel, SiteCategory

STORE_REFILL = 2000


def seed(scale: Scale) -> str:
    rng = scale.rng
    categories = list(SiteCategory.objects.all())
    levels = list(SchoolLevel.objects.all())
    areas = list(Area.objects.all())
    sites = []
    for n in range(SITES):
        category = categories[n % len(categories)]
        started = scale.first_day + dt.timedelta(days=rng.randrange(0, 60))
        sites.append(
            Site(
                name=f"ベンチ拠点{n:03d}",
                category=category,
                school_level=rng.choice(levels) if category.needs_school_level else None,
                area=areas[n % len(areas)] if areas else None,
                started_on=started,
                # One in 25 has closed since: ended, never deleted.
                ended_on=started + (scale.today - started) * rng.randrange(30, 90) // 100
                if n % 25 == 0
                else None,
                restock_threshold=5,
                created_by=scale.site_manager,
            )
        )
    Site.objects.bulk_create(sites, batch_size=BATCH)
    products = list(Item.objects.filter(is_product=True, is_active=True).order_by("order", "pk"))
    rows = _ledger(scale, sites, products)
    StockMovement.objects.bulk_create(rows, batch_size=BATCH)
    return f"supplies: {len(sites)} sites, {len(rows):,} stock movements"


def _ledger(scale: Scale, sites: list[Site], products: list[Item]) -> list[StockMovement]:
    rng = scale.rng
    who = scale.site_manager
    stock: dict[tuple[int, int | None], int] = defaultdict(int)
    rows: list[StockMovement] = []
    day = scale.first_day
    while day <= scale.today:
        for site in sites:
            if site.started_on > day or (site.ended_on and site.ended_on < day):
                continue
            item = products[site.pk % len(products)]
            here = stock[item.pk, site.pk]
            entry = uuid.uuid4()
            moved = day + dt.timedelta(days=site.pk % 7)
            common = {"item": item, "moved_on": moved, "entry": entry, "created_by": who}
            if here <= site.restock_threshold * 2:
                quantity = rng.randrange(10, 30)
                if stock[item.pk, None] < quantity:
                    rows.append(
                        StockMovement(
                            kind=Kind.RECEIPT,
                            source=rng.choice(Source.values),
                            quantity=STORE_REFILL,
                            **common | {"entry": uuid.uuid4()},
                        )
                    )
                    stock[item.pk, None] += STORE_REFILL
                rows.append(StockMovement(kind=Kind.DELIVERY, quantity=-quantity, **common))
                rows.append(
                    StockMovement(kind=Kind.DELIVERY, site=site, quantity=quantity, **common)
                )
                stock[item.pk, None] -= quantity
                stock[item.pk, site.pk] += quantity
            else:
                quantity = rng.randrange(1, here + 1)
                rows.append(
                    StockMovement(kind=Kind.HANDOUT, site=site, quantity=-quantity, **common)
                )
                stock[item.pk, site.pk] -= quantity
        day += dt.timedelta(days=7)
    for row in rows:
        row.created_at = scale.moment(row.moved_on)
    return rows
