"""The short lists supervisors edit in the admin: site categories, school levels, areas, items.

Seeded by a data migration (0002); imports accept an entry's Japanese label or its code.
"""

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from kokona.vocabularies import Vocabulary


class SiteCategory(Vocabulary):
    """What kind of place a site is: a city section, a school nurse's room, ふらっと…"""

    # A school's nurse room says which school it is in: elementary school to university.
    needs_school_level = models.BooleanField(_("school level required"), default=False)

    class Meta(Vocabulary.Meta):
        verbose_name = _("site category")
        verbose_name_plural = _("site categories")


class SchoolLevel(Vocabulary):
    """小学校 … 大学: which school a nurse room is in."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("school level")
        verbose_name_plural = _("school levels")


class Area(Vocabulary):
    """A part of Kushiro a round drives through: the restock round is grouped by it."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("area")
        verbose_name_plural = _("areas")


class Unit(models.TextChoices):
    PACK = "pack", _("packs")
    SHEET = "sheet", _("sheets")


class Item(Vocabulary):
    """品目: what the NPO stocks and delivers, a sanitary product or a printed card or flyer.

    A site's restock threshold counts its sanitary products only; cards and flyers are
    delivered alongside them.
    """

    Unit = Unit

    unit = models.CharField(_("unit"), max_length=10, choices=Unit, default=Unit.PACK)
    is_product = models.BooleanField(
        _("sanitary product"),
        default=True,
        help_text=_("Counts toward a site's restock threshold and the hand-out figures."),
    )
    standard_quantity = models.PositiveIntegerField(
        _("standard quantity at a site"),
        default=0,
        help_text=_("What a site normally holds: the restock round suggests at least this much."),
    )

    @cached_property
    def unit_label(self) -> str:
        """As get_unit_display, without building a dictionary of every choice on each call, and
        once an item: a round sheet shows it on every line, for the same few items."""
        return str(Unit(self.unit).label)

    class Meta(Vocabulary.Meta):
        verbose_name = _("item")
        verbose_name_plural = _("items")
