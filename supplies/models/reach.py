"""Short addresses for the cards, and how often they are scanned.

Every outreach placement and every site gets one short code, printed as a QR code on its cards
and posters; the public landing page (consultations.public) is reached through it. A scan is a
number per code per day: never a person, an address or a device.
"""

import datetime as dt
import secrets

from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplies.models.sites import OutreachPlacement, Site

# No 0/O, 1/I/L: the code may be typed from a poster by someone in a hurry.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


class CardLinkQuerySet(models.QuerySet["CardLink"]):
    def for_placement(self, placement: OutreachPlacement) -> "CardLink":
        link, _ = self.get_or_create(placement=placement, defaults={"code": new_code()})
        return link

    def for_site(self, site: Site) -> "CardLink":
        link, _ = self.get_or_create(site=site, defaults={"code": new_code()})
        return link


class CardLink(models.Model):
    """The short address of one placement's or one site's cards: /r/<code>/."""

    code = models.CharField(_("short code"), max_length=12, unique=True)
    placement = models.OneToOneField(
        OutreachPlacement,
        verbose_name=_("outreach placement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="card_link",
    )
    site = models.OneToOneField(
        Site,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="card_link",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CardLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("card address")
        verbose_name_plural = _("card addresses")
        constraints = [
            models.CheckConstraint(
                condition=Q(placement__isnull=False, site__isnull=True)
                | Q(placement__isnull=True, site__isnull=False),
                name="card_link_has_one_target",
            ),
        ]

    def __str__(self) -> str:
        return str(self.placement or self.site)

    @property
    def target(self) -> OutreachPlacement | Site:
        target = self.placement or self.site
        if target is None:  # the check constraint forbids it
            raise ValueError("A card address without a placement or a site.")
        return target

    @property
    def kind_label(self) -> str:
        """What the women came through, for the counselors and the report."""
        if self.placement is not None:
            return str(self.placement.get_kind_display())
        return self.site.kind_label if self.site is not None else ""


class ScanDay(models.Model):
    """How many times one card address was opened on one day (Japan time). A number only."""

    link = models.ForeignKey(
        CardLink, verbose_name=_("card address"), on_delete=models.CASCADE, related_name="scans"
    )
    day = models.DateField(_("day"))
    scans = models.PositiveIntegerField(_("scans"), default=0)

    class Meta:
        verbose_name = _("scans of a day")
        verbose_name_plural = _("scans of a day")
        constraints = [models.UniqueConstraint(fields=["link", "day"], name="one_scan_row_a_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.scans}"

    @classmethod
    def count(cls, link: CardLink, day: dt.date | None = None) -> None:
        """One more scan that day. Two scans at the same moment both count: the row is added
        once (the unique constraint), and each adds one in the database, not in Python."""
        day = day or timezone.localdate()
        rows = cls.objects.filter(link=link, day=day)
        if rows.update(scans=F("scans") + 1):
            return
        try:
            with transaction.atomic():
                cls.objects.create(link=link, day=day, scans=1)
        except IntegrityError:  # another scan added the row first
            rows.update(scans=F("scans") + 1)
