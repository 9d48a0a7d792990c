"""The stock ledger: every pack that came in, went out to a site, was handed out, counted or
thrown away, as one row that is never changed or deleted.

Stock anywhere is the sum of its movements (`StockMovement.objects.stock()` and the other reads
of `StockMovementQuerySet` add them up). A row's `quantity` is the change at its location (`site`,
or the NPO's store when blank): a delivery is two rows, out of the store and into the site,
written together under one `entry`. A mistake is corrected by a reversing entry (`reverses`),
never by an edit.

Two guards live in the database itself, whatever code writes:
- `append_only`: an UPDATE or DELETE is refused, and because the trigger has no condition the app's
  role is granted only SELECT and INSERT on the table (kokona.db_roles).
- `stock_never_negative`: after each insert, under the same advisory lock the services take
  (`lock_key`), the row's quantity is added to its location's `StockBalance`, and a negative
  balance aborts the transaction.

`StockBalance` is that sum kept per (item, location) by the trigger, in the transaction of the row
itself: what the pages read (a site's stock, the restock round), so that ten years of weekly rows
cost what one year's do. The rows cannot change once written, so the two cannot drift apart; a
test compares them after every kind of movement. Nor can the app's database role write a balance
itself: it may only read them, and the trigger's function runs as the tables' owner
(`StockBalance.written_by`, kokona.db_roles).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Self

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplies.models.sites import Site
from supplies.models.vocabularies import Item

# The advisory-lock key of one (item, location): "SU" in the top 16 bits, then 24 bits each.
LOCK_SPACE = 0x5355
_ID_BITS = 24


def lock_key(item_id: int, site_id: int | None) -> int:
    """The one bigint both the services and the trigger lock for an (item, location)."""
    site = site_id or 0
    if item_id >= 1 << _ID_BITS or site >= 1 << _ID_BITS:
        raise ValueError("item or site id too large for the stock lock key")
    return (LOCK_SPACE << 48) | (item_id << _ID_BITS) | site


class Kind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    DELIVERY = "delivery", _("Delivery")
    HANDOUT = "handout", _("Hand-out")
    ADJUSTMENT = "adjustment", _("Stock-take adjustment")
    DISPOSAL = "disposal", _("Disposal")


class Source(models.TextChoices):
    PURCHASE = "purchase", _("Bought from the budget")
    DONATION = "donation", _("Donation")


Location = tuple[int, int | None]  # (item id, site id or None for the store)


class StockMovementQuerySet(models.QuerySet["StockMovement"]):
    def at(self, site: Site | None) -> Self:
        """The movements of one location: a site, or the NPO's store (None)."""
        return self.filter(site=site) if site is not None else self.filter(site__isnull=True)

    def stock(self) -> int:
        """The sum of these movements: the stock, for one item at one location."""
        return int(self.aggregate(total=Coalesce(Sum("quantity"), 0))["total"])

    def balances(self) -> dict[Location, int]:
        """Stock per (item, location) as the sum of the rows, in one query; only locations that
        had a movement. What `StockBalance` keeps, worked out again (the tests compare them)."""
        totals = self.order_by().values_list("item_id", "site_id").annotate(total=Sum("quantity"))
        return {(item_id, site_id): total for item_id, site_id, total in totals}

    def products(self) -> Self:
        return self.filter(item__is_product=True)

    def in_period(self, first: dt.date, last: dt.date) -> Self:
        return self.filter(moved_on__gte=first, moved_on__lte=last)

    def deliveries_to_sites(self) -> Self:
        """Deliveries as the sites received them, reversals netted in."""
        return self.filter(kind=Kind.DELIVERY, site__isnull=False)

    def handouts(self) -> Self:
        return self.filter(kind=Kind.HANDOUT)


class StockMovement(models.Model):
    """One change of stock of one item at one location, written once and kept for good."""

    Kind = Kind
    Source = Source

    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="movements"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        help_text=_("Blank: the NPO's store."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    source = models.CharField(_("source"), max_length=10, choices=Source, blank=True)
    quantity = models.IntegerField(_("quantity"), help_text=_("The change at this location."))
    moved_on = models.DateField(_("date"), default=timezone.localdate, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The rows written together: a delivery's two legs, a restock's count and delivery.
    entry = models.UUIDField(_("entry"), db_index=True, editable=False)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = StockMovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-moved_on", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["item", "site"], name="stock_item_site"),
            models.Index(fields=["site", "kind", "-moved_on"], name="stock_site_kind_day"),
            models.Index(fields=["kind", "moved_on"], name="stock_kind_day"),
            # A site's stock is the sum of its rows: read from the index alone (EXPLAIN on ten
            # years of weekly movements at 100 sites, bench/README.md), not from scattered rows.
            models.Index(fields=["site", "item"], include=["quantity"], name="stock_site_item_sum"),
            # A site's newest delivery (the site list's and the restock round's "last visit").
            models.Index(
                fields=["site", "-moved_on"],
                condition=Q(kind=Kind.DELIVERY, quantity__gt=0),
                name="stock_site_delivery_day",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="stock_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=Kind.RECEIPT, site__isnull=True, source__in=Source.values)
                | (~Q(kind=Kind.RECEIPT) & Q(source="")),
                name="stock_receipts_at_the_store_with_a_source",
            ),
            # Only a stock-take may record no change: it says the count matched.
            models.CheckConstraint(
                condition=Q(kind=Kind.ADJUSTMENT) | ~Q(quantity=0),
                name="stock_change_not_zero",
            ),
            # The direction of each kind; a reversal runs the other way.
            models.CheckConstraint(
                condition=Q(kind=Kind.ADJUSTMENT)
                | (
                    Q(reverses__isnull=True)
                    & (
                        Q(kind=Kind.RECEIPT, quantity__gt=0)
                        | Q(kind=Kind.DELIVERY, site__isnull=True, quantity__lt=0)
                        | Q(kind=Kind.DELIVERY, site__isnull=False, quantity__gt=0)
                        | Q(kind__in=[Kind.HANDOUT, Kind.DISPOSAL], quantity__lt=0)
                    )
                )
                | (
                    Q(reverses__isnull=False)
                    & (
                        Q(kind=Kind.RECEIPT, quantity__lt=0)
                        | Q(kind=Kind.DELIVERY, site__isnull=True, quantity__gt=0)
                        | Q(kind=Kind.DELIVERY, site__isnull=False, quantity__lt=0)
                        | Q(kind__in=[Kind.HANDOUT, Kind.DISPOSAL], quantity__gt=0)
                    )
                ),
                name="stock_direction_of_each_kind",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            pgtrigger.Trigger(
                name="stock_never_negative",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                declare=[("stock", "integer")],
                # lock_key(item, site) spelled out: LOCK_SPACE (0x5355) << 48 | item << _ID_BITS.
                func="""
                    PERFORM pg_advisory_xact_lock(
                        (21333::bigint << 48)
                        | (NEW.item_id::bigint << 24)
                        | COALESCE(NEW.site_id, 0)
                    );
                    INSERT INTO supplies_stockbalance AS balance (item_id, site_id, quantity)
                    VALUES (NEW.item_id, NEW.site_id, NEW.quantity)
                    ON CONFLICT (item_id, site_id) DO UPDATE
                        SET quantity = balance.quantity + EXCLUDED.quantity
                    RETURNING balance.quantity INTO stock;
                    IF stock < 0 THEN
                        RAISE EXCEPTION 'stock of item % at site % would go below zero',
                            NEW.item_id, COALESCE(NEW.site_id::text, 'store')
                            USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.moved_on} {self.get_kind_display()} {self.item} {self.quantity:+d}"

    @property
    def location_label(self) -> str:
        return str(self.site) if self.site_id else str(STORE_LABEL)

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


STORE_LABEL = _("The NPO's store")


class StockBalanceQuerySet(models.QuerySet["StockBalance"]):
    def at(self, site: Site | None) -> Self:
        return self.filter(site=site) if site is not None else self.filter(site__isnull=True)

    def by_item(self) -> dict[int, int]:
        """Stock per item id at these locations (one location's, or several added up)."""
        return dict(self.order_by().values_list("item_id").annotate(total=Sum("quantity")))

    def of(self, locations: Iterable[Location] | None = None) -> dict[Location, int]:
        """Stock per (item, location); only locations that had a movement."""
        rows = self
        if locations is not None:
            wanted = Q(pk__in=[])
            for item_id, site_id in set(locations):
                wanted |= Q(item_id=item_id) & (
                    Q(site_id=site_id) if site_id is not None else Q(site__isnull=True)
                )
            rows = rows.filter(wanted)
        return {
            (item, site): total
            for item, site, total in rows.values_list("item_id", "site_id", "quantity")
        }

    def site_stock(self, outer_site: str = "pk") -> Coalesce:
        """An expression for a Site queryset: its stock of sanitary products (threshold counts)."""
        rows = (
            self.filter(site=models.OuterRef(outer_site), item__is_product=True)
            .order_by()
            .values("site")
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        return Coalesce(models.Subquery(rows), 0)


class StockBalance(models.Model):
    """在庫: the sum of the ledger at one (item, location), written by `stock_never_negative`
    alone (the app's database role may only read it), one row a location with a movement."""

    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="balances",
    )
    quantity = models.IntegerField(_("stock"))

    objects = StockBalanceQuerySet.as_manager()
    # The app's database role may read the balances, never write them (kokona.db_roles).
    written_by = [("supplies.StockMovement", "stock_never_negative")]

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            # One row per location, the store (no site) included.
            models.UniqueConstraint(
                fields=["item", "site"], nulls_distinct=False, name="stock_balance_location"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.site or STORE_LABEL} {self.quantity}"
