"""Writing the stock ledger: receipts, deliveries, hand-outs, stock-takes, disposals, restocks and
reversals. Every write goes through `_write`, which locks the (item, location) pairs it touches,
reads their stock, refuses anything that would take one below zero, and appends the rows with
their audit events, all in one transaction.

The lock is a PostgreSQL advisory lock per (item, location) (`lock_key`), taken in key order so
two writers cannot deadlock. Under READ COMMITTED the stock read after the lock sees whatever the
previous holder committed, so two people delivering the last packs at the same moment cannot
both succeed: the second waits, reads the lower stock, and is refused. The database trigger
`stock_never_negative` takes the same lock and checks again after the insert, for any writer
that does not come through here.
"""

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _

from kokona import audit
from kokona.models import User
from supplies.models import STORE_LABEL, Item, Site, StockBalance, StockMovement, lock_key
from supplies.models.ledger import Kind, Location, Source


class NotEnoughStock(Exception):
    """A movement would take the stock of an item somewhere below zero. Nothing was written."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class CannotReverse(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Leg:
    """One row to append: the change of one item at one location."""

    item: Item
    site: Site | None
    kind: Kind
    quantity: int
    source: str = ""
    note: str = ""
    reverses: StockMovement | None = None

    @property
    def location(self) -> Location:
        return (self.item.pk, self.site.pk if self.site else None)


def _location_name(site: Site | None) -> str:
    return str(site) if site is not None else str(STORE_LABEL)


def lock(locations: set[Location]) -> dict[Location, int]:
    """Lock these (item, location) pairs for the transaction, in key order, and return their
    stock as it is once the locks are held."""
    keys = sorted(lock_key(item_id, site_id) for item_id, site_id in locations)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key ORDER BY key",
            [keys],
        )
    found = StockBalance.objects.of(locations)
    return {location: found.get(location, 0) for location in locations}


def _write(
    locations: set[Location],
    build: Callable[[dict[Location, int]], list[Leg]],
    *,
    on: dt.date,
    by: User,
) -> list[StockMovement]:
    """Lock `locations`, let `build` make the legs from their stock, check and append them."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock is written inside a transaction")
    stock = lock(locations)
    legs = build(stock)
    change: dict[Location, int] = {}
    for leg in legs:
        if leg.location not in stock:
            raise RuntimeError("a leg touches a location that was not locked")
        change[leg.location] = change.get(leg.location, 0) + leg.quantity
    for leg in legs:
        after = stock[leg.location] + change[leg.location]
        if after < 0:
            raise NotEnoughStock(
                _(
                    "「%(place)s」 has only %(stock)d %(unit)s of %(item)s: %(wanted)d cannot be"
                    " taken out. Check the count, or record a receipt or delivery first."
                )
                % {
                    "place": _location_name(leg.site),
                    "stock": stock[leg.location],
                    "unit": leg.item.get_unit_display(),
                    "item": leg.item,
                    "wanted": -change[leg.location],
                }
            )
    entry = uuid.uuid4()
    rows = StockMovement.objects.bulk_create(
        StockMovement(
            item=leg.item,
            site=leg.site,
            kind=leg.kind,
            source=leg.source,
            quantity=leg.quantity,
            moved_on=leg.reverses.moved_on if leg.reverses else on,
            note=leg.note,
            entry=entry,
            reverses=leg.reverses,
            created_by=by,
        )
        for leg in legs
    )
    audit.record_many(
        audit.Action.CREATE,
        [(row, {"kind": row.kind, "quantity": row.quantity, "entry": str(entry)}) for row in rows],
        by=by,
    )
    return rows


def _positive(quantity: int) -> int:
    if quantity <= 0:
        raise ValueError("a quantity to record is positive")
    return quantity


@transaction.atomic
def receive(
    *, item: Item, quantity: int, source: Source, on: dt.date, note: str = "", by: User
) -> list[StockMovement]:
    """受入: packs bought from the budget or donated arrive at the NPO's store."""
    leg = Leg(item, None, Kind.RECEIPT, _positive(quantity), source=source, note=note)
    return _write({leg.location}, lambda stock: [leg], on=on, by=by)


def _delivery_legs(site: Site, lines: Mapping[Item, int], note: str = "") -> list[Leg]:
    legs = []
    for item, quantity in lines.items():
        if quantity:
            legs.append(Leg(item, None, Kind.DELIVERY, -_positive(quantity), note=note))
            legs.append(Leg(item, site, Kind.DELIVERY, quantity, note=note))
    return legs


@transaction.atomic
def deliver(
    *, site: Site, lines: Mapping[Item, int], on: dt.date, note: str = "", by: User
) -> list[StockMovement]:
    """配送: from the store to a site, every item in one entry."""
    legs = _delivery_legs(site, lines, note)
    return _write({leg.location for leg in legs}, lambda stock: legs, on=on, by=by)


@transaction.atomic
def hand_out(
    *, item: Item, quantity: int, site: Site | None, on: dt.date, by: User
) -> list[StockMovement]:
    """提供: packs a site (or the NPO's office, from the store) handed out. Nothing about whom."""
    leg = Leg(item, site, Kind.HANDOUT, -_positive(quantity))
    return _write({leg.location}, lambda stock: [leg], on=on, by=by)


@transaction.atomic
def dispose(
    *, item: Item, quantity: int, site: Site | None, reason: str, on: dt.date, by: User
) -> list[StockMovement]:
    """廃棄: damaged or out-of-date packs taken out of stock, with why."""
    leg = Leg(item, site, Kind.DISPOSAL, -_positive(quantity), note=reason)
    return _write({leg.location}, lambda stock: [leg], on=on, by=by)


@transaction.atomic
def take_stock(
    *, site: Site | None, counts: Mapping[Item, int], reason: str, on: dt.date, by: User
) -> list[StockMovement]:
    """棚卸: the counted quantity of each item becomes an adjustment of (counted − stock), with
    who and why. A count that matched is kept too, as an adjustment of 0."""
    if any(count < 0 for count in counts.values()):
        raise ValueError("a count is never negative")
    locations = {(item.pk, site.pk if site else None) for item in counts}

    def build(stock: dict[Location, int]) -> list[Leg]:
        return [
            Leg(
                item,
                site,
                Kind.ADJUSTMENT,
                count - stock[(item.pk, site.pk if site else None)],
                note=reason,
            )
            for item, count in counts.items()
        ]

    return _write(locations, build, on=on, by=by)


@dataclass(frozen=True)
class RestockLine:
    item: Item
    remaining: int | None  # counted before the delivery; None: not counted
    delivered: int


@transaction.atomic
def restock(
    *, site: Site, lines: list[RestockLine], on: dt.date, note: str = "", by: User
) -> list[StockMovement]:
    """補充を記録: what was left at the site, then what was delivered, in one entry.

    Most sites do not report each pack they hand out; the count at the next visit tells. So a
    count below the books records the difference as handed out, and a count above it as a
    stock-take adjustment. Then the delivery leaves the store and arrives at the site.
    """
    delivered = {line.item: line.delivered for line in lines if line.delivered}
    legs_out = _delivery_legs(site, delivered, note)
    locations = {leg.location for leg in legs_out} | {(line.item.pk, site.pk) for line in lines}

    def build(stock: dict[Location, int]) -> list[Leg]:
        legs = []
        for line in lines:
            if line.remaining is None:
                continue
            if line.remaining < 0:
                raise ValueError("a count is never negative")
            difference = line.remaining - stock[(line.item.pk, site.pk)]
            if difference < 0:
                legs.append(
                    Leg(line.item, site, Kind.HANDOUT, difference, note=_("From the count"))
                )
            else:
                legs.append(
                    Leg(line.item, site, Kind.ADJUSTMENT, difference, note=_("Counted at restock"))
                )
        return legs + legs_out

    return _write(locations, build, on=on, by=by)


@transaction.atomic
def reverse_entry(*, entry: uuid.UUID, reason: str, by: User) -> list[StockMovement]:
    """A mistake corrected: every row of an entry, run the other way, on the same date.

    The rows stay; the reversal points at each of them. An entry is reversed once, a reversal
    never (record the right movement again instead).
    """
    originals = list(
        StockMovement.objects.filter(entry=entry)
        .select_related("item", "site", "reversal")
        .order_by("pk")
    )
    if not originals:
        raise CannotReverse(_("There is no such record."))
    if any(row.reverses_id for row in originals):
        raise CannotReverse(
            _("A correction cannot be corrected again: record the right movement instead.")
        )
    if any(hasattr(row, "reversal") for row in originals):
        raise CannotReverse(_("This record has already been corrected."))
    legs = [
        Leg(
            row.item,
            row.site,
            Kind(row.kind),
            -row.quantity,
            source=row.source,
            note=reason,
            reverses=row,
        )
        for row in originals
        if row.quantity
    ]
    if not legs:
        raise CannotReverse(_("A count that matched changed nothing: there is nothing to correct."))
    locations = {leg.location for leg in legs}
    return _write(locations, lambda stock: legs, on=originals[0].moved_on, by=by)
