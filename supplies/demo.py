"""Demo data for `make run` (`manage.py seed_demo`): the 74 sites of 令和3年度, the cards of
令和4年度, and their stock ledger: 令和3年度 from the first delivery in June 2021, and the last four
months up to today, so the home page and the restock round have something to say. Everything is
fixed: the same data on every machine.

The ledger is written in bulk for speed; the database's own guard (`stock_never_negative`) still
checks every row, and `_Book` keeps the same sums so that no prefix of the rows goes below zero.
"""

import datetime as dt
import math
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kokona.fiscal import JST, fiscal_year_dates
from kokona.models import User
from supplies import demo_sites
from supplies.models import Area, Item, OutreachPlacement, SchoolLevel, Site, SiteCategory
from supplies.models import StockMovement as Movement
from supplies.models.ledger import Kind, Source

NAMESPACE = uuid.UUID("5a1d2c3e-0000-4000-8000-6b6f6b6f6e61")
RECENT_DAYS = 120
# What the store keeps back after each period's deliveries, per item code.
STORE_RESERVE = {"napkin_day": 180, "napkin_night": 90, "liner": 40, "card": 600, "flyer": 300}
FROM_COUNT = "補充時の残数から"


class _Book:
    """The rows to write, with the running stock of every (item, location)."""

    def __init__(self, by: User) -> None:
        self.by = by
        self.rows: list[Movement] = []
        self.stock: dict[tuple[int, int | None], int] = defaultdict(int)
        self.entries = 0

    def entry(self) -> uuid.UUID:
        self.entries += 1
        return uuid.uuid5(NAMESPACE, f"supplies-demo-{self.entries}")

    def add(
        self,
        entry: uuid.UUID,
        item: Item,
        site: Site | None,
        kind: Kind,
        quantity: int,
        day: dt.date,
        *,
        note: str = "",
        source: str = "",
        by: User | None = None,
    ) -> None:
        self.stock[(item.pk, site.pk if site else None)] += quantity
        self.rows.append(
            Movement(
                entry=entry,
                item=item,
                site=site,
                kind=kind,
                quantity=quantity,
                moved_on=day,
                note=note,
                source=source,
                created_by=by or self.by,
                created_at=dt.datetime.combine(day, dt.time(10, 30), tzinfo=JST),
            )
        )

    def at(self, item: Item, site: Site | None) -> int:
        return self.stock[(item.pk, site.pk if site else None)]


def _visits(first: dt.date, last: dt.date, every: int) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=every)


def _pace(site: Site, index: int, item: Item) -> int:
    """Packs one site hands out between two visits: more where a desk talks with women."""
    base = {"napkin_day": 4, "napkin_night": 2, "liner": 1, "card": 6, "flyer": 3}[item.code]
    busy = 2 if site.has_consultation and site.school_level_id is None else 1
    return base * busy + (index + len(item.code)) % 3


def _restock_visits(
    book: _Book, site: Site, index: int, items: list[Item], days: Iterator[dt.date]
) -> None:
    """Each visit: the count shows what was handed out; then the site is filled up again."""
    for number, day in enumerate(days):
        entry = book.entry()
        for item in items:
            held = book.at(item, site)
            if number or held:
                out = min(held, _pace(site, index + number, item))
                if out:
                    book.add(entry, item, site, Kind.HANDOUT, -out, day, note=FROM_COUNT)
            fill = item.standard_quantity - book.at(item, site)
            if fill > 0:
                book.add(entry, item, None, Kind.DELIVERY, -fill, day)
                book.add(entry, item, site, Kind.DELIVERY, fill, day)


def _sites(vocab: dict[str, dict[str, Any]], by: User) -> list[Site]:
    rows = [(*city, index) for index, city in enumerate(demo_sites.CITY)]
    rows += [
        (name, "school_nurse", level, area, False, index + len(demo_sites.CITY))
        for index, (name, level, area) in enumerate(demo_sites.SCHOOLS)
    ]
    sites = []
    for name, category, level, area, desk, index in rows:
        started = demo_sites.LATE_STARTS.get(name, demo_sites.FIRST_DAY)
        sites.append(
            Site(
                name=name,
                category=vocab["category"][category],
                school_level=vocab["level"][level] if level else None,
                area=vocab["area"][area],
                address=demo_sites.ADDRESSES[area],
                phone=f"0154-{22 + index % 30:02d}-{1000 + index * 37:04d}",
                contact_person=demo_sites.CONTACTS[index % len(demo_sites.CONTACTS)]
                if level
                else demo_sites.CONTACTS[1 + index % 3],
                has_consultation=desk,
                started_on=started,
                ended_on=demo_sites.ENDED.get(name),
                restock_threshold=6 if desk else 4,
                delivery_notes="平日 9:00〜16:00。職員玄関から。" if level else "",
                created_by=by,
            )
        )
    return Site.objects.bulk_create(sites)


def _placements(vocab: dict[str, dict[str, Any]], sites: list[Site], by: User) -> None:
    akan = next(site for site in sites if site.name == "阿寒町行政センター")
    OutreachPlacement.objects.bulk_create(
        OutreachPlacement(
            kind=kind,
            name=name,
            area=vocab["area"][area],
            address=demo_sites.ADDRESSES[area],
            site=akan if area == "akan" else None,
            cards=True,
            poster=poster,
            flyers=flyers,
            placed_on=dt.date.fromisoformat(placed),
            removed_on=dt.date.fromisoformat(removed) if removed else None,
            last_checked_on=dt.date.fromisoformat(placed) + dt.timedelta(days=60),
            created_by=by,
        )
        for kind, name, area, poster, flyers, placed, removed in demo_sites.PLACEMENTS
    )


def _ledger(sites: list[Site], manager: User, counselor: User) -> list[Movement]:
    items = list(Item.objects.filter(is_active=True))
    products = [item for item in items if item.is_product]
    today = timezone.localdate()
    fy_last = fiscal_year_dates(2021)[1]
    recent = today - dt.timedelta(days=RECENT_DAYS)
    book = _Book(manager)
    for index, site in enumerate(sites):
        every = 35 + (index % 3) * 7
        first = site.started_on + dt.timedelta(days=index % 10)
        last = min(site.ended_on or fy_last, fy_last)
        _restock_visits(book, site, index, items, _visits(first, last, every))
    fy2021_out = {item.pk: -book.at(item, None) for item in items}
    for index, site in enumerate(sites):
        if site.ended_on is not None:
            continue
        first = recent + dt.timedelta(days=index % 30)
        _restock_visits(book, site, index, items, _visits(first, today, 35 + (index % 2) * 14))
        # Some places report what they hand out between visits: these now need a visit.
        if index % 4 == 0:
            entry = book.entry()
            day = today - dt.timedelta(days=index % 5)
            for item in products:
                out = book.at(item, site) - (1 if item.code == "napkin_day" else 0)
                if out > 0:
                    by = counselor if site.has_consultation else manager
                    book.add(entry, item, site, Kind.HANDOUT, -out, day, by=by)
    recent_out = {item.pk: -book.at(item, None) - fy2021_out[item.pk] for item in items}

    receipts = _Book(manager)
    for day, needed, donation in [
        (dt.date(2021, 5, 20), fy2021_out, dt.date(2021, 11, 10)),
        (recent - dt.timedelta(days=10), recent_out, None),
    ]:
        for item in items:
            total = needed[item.pk] + STORE_RESERVE[item.code]
            given = math.floor(total * 0.2) if donation and item.is_product else 0
            receipts.add(
                receipts.entry(),
                item,
                None,
                Kind.RECEIPT,
                total - given,
                day,
                source=Source.PURCHASE,
                note="令和3年度 事業予算" if donation else "物品購入",
            )
            if given and donation:
                receipts.add(
                    receipts.entry(),
                    item,
                    None,
                    Kind.RECEIPT,
                    given,
                    donation,
                    source=Source.DONATION,
                    note="市内企業からの寄付",
                )
    return receipts.rows + book.rows


@transaction.atomic
def seed(users: dict[str, User]) -> str | None:
    """Add the demo sites, placements and ledger once (kokona.demo); None if sites exist."""
    if Site.objects.exists():
        return None
    manager, counselor = users["kyoten"], users["soudan"]
    vocab: dict[str, dict[str, Any]] = {
        "category": {c.code: c for c in SiteCategory.objects.all()},
        "level": {lv.code: lv for lv in SchoolLevel.objects.all()},
        "area": {a.code: a for a in Area.objects.all()},
    }
    sites = _sites(vocab, manager)
    _placements(vocab, sites, manager)
    Movement.objects.bulk_create(_ledger(sites, manager, counselor), batch_size=2000)
    return _("Added the 74 product sites of 令和3年度, the outreach cards and a year of stock.")
