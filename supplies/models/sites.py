"""提供場所 and カード設置: where the products are, and where the cards wait in a toilet.

A site opens on `started_on` and may close on `ended_on`; nobody edits a past year's figure, the
dates alone make every fiscal year's count right (supplies.indicators). Sites are ended, never
deleted: the ledger and the counts keep pointing at them.
"""

import datetime as dt
from typing import Self

import pghistory
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kokona.http import path_of
from kokona.models import Provenance
from supplies.models.vocabularies import Area, SchoolLevel, SiteCategory


def _active_on(day: dt.date, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))


def _active_during(first: dt.date, last: dt.date, start: str, end: str) -> Q:
    """Open on at least one day of [first, last]: started by its end, not ended before it."""
    return Q(**{f"{start}__lte": last}) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": first})
    )


class SiteQuerySet(models.QuerySet["Site"]):
    def active_on(self, day: dt.date | None = None) -> Self:
        return self.filter(_active_on(day or timezone.localdate(), "started_on", "ended_on"))

    def active_during(self, first: dt.date, last: dt.date) -> Self:
        """Sites open at any time in [first, last] (design.md's distribution_sites rule)."""
        return self.filter(_active_during(first, last, "started_on", "ended_on"))

    def ended(self, day: dt.date | None = None) -> Self:
        return self.filter(ended_on__lt=day or timezone.localdate())

    def not_started(self, day: dt.date | None = None) -> Self:
        return self.filter(started_on__gt=day or timezone.localdate())


class SiteStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    NOT_STARTED = "not_started", _("Not started yet")
    ENDED = "ended", _("Ended")


@pghistory.track()
class Site(Provenance):
    """提供場所: a place where women can take sanitary products, with the project's card."""

    Status = SiteStatus

    name = models.CharField(_("name"), max_length=120, unique=True)
    category = models.ForeignKey(
        SiteCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="sites"
    )
    school_level = models.ForeignKey(
        SchoolLevel,
        verbose_name=_("school level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sites",
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sites",
        help_text=_("The restock round is grouped by area."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    has_consultation = models.BooleanField(
        _("has a consultation desk"),
        default=False,
        help_text=_("Women who take products here can also talk to someone."),
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    restock_threshold = models.PositiveIntegerField(
        _("restock threshold"),
        default=5,
        help_text=_("Packs of sanitary products at or below which the site needs a delivery."),
    )
    delivery_notes = models.TextField(
        _("notes for the delivery"),
        blank=True,
        help_text=_("Opening hours, which door, whom to ask. Never anything about a woman."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="site_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return path_of("supplies:site_detail", self.pk)

    def status_on(self, day: dt.date | None = None) -> SiteStatus:
        day = day or timezone.localdate()
        if self.started_on > day:
            return SiteStatus.NOT_STARTED
        if self.ended_on is not None and self.ended_on < day:
            return SiteStatus.ENDED
        return SiteStatus.ACTIVE

    @property
    def status(self) -> SiteStatus:
        return self.status_on()

    @property
    def kind_label(self) -> str:
        """学校保健室（高校）: the category, with the school level when there is one."""
        if self.school_level_id:
            return f"{self.category}（{self.school_level}）"
        return str(self.category)


class PlacementQuerySet(models.QuerySet["OutreachPlacement"]):
    def active_on(self, day: dt.date | None = None) -> Self:
        return self.filter(_active_on(day or timezone.localdate(), "placed_on", "removed_on"))

    def removed(self, day: dt.date | None = None) -> Self:
        return self.filter(removed_on__lt=day or timezone.localdate())


class PlacementKind(models.TextChoices):
    CONVENIENCE_STORE = "convenience_store", _("Convenience store")
    SUPERMARKET = "supermarket", _("Supermarket")
    OTHER = "other", _("Other")


@pghistory.track()
class OutreachPlacement(Provenance):
    """カード設置: the project's cards, posters or flyers set out where young women go, the
    toilets of convenience stores and supermarkets. No products here: a card leads to them."""

    Kind = PlacementKind

    kind = models.CharField(_("kind"), max_length=20, choices=PlacementKind)
    name = models.CharField(_("name"), max_length=120)
    address = models.CharField(_("address"), max_length=200, blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    site = models.ForeignKey(
        Site,
        verbose_name=_("looked after from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
        help_text=_("The site whose rounds check this placement, if any."),
    )
    cards = models.BooleanField(_("cards"), default=True)
    poster = models.BooleanField(_("poster"), default=False)
    flyers = models.BooleanField(_("flyers"), default=False)
    placed_on = models.DateField(_("placed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    last_checked_on = models.DateField(_("last checked on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach placement")
        verbose_name_plural = _("outreach placements")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("placed_on")),
                name="placement_removed_after_placed",
            ),
            models.CheckConstraint(
                condition=Q(cards=True) | Q(poster=True) | Q(flyers=True),
                name="placement_has_materials",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PlacementKind.values), name="placement_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return path_of("supplies:placement_detail", self.pk)

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.placed_on <= today and (self.removed_on is None or self.removed_on >= today)

    @property
    def materials(self) -> list[str]:
        fields = ("cards", "poster", "flyers")
        return [
            str(getattr(self._meta.get_field(f), "verbose_name", f))
            for f in fields
            if getattr(self, f)
        ]
