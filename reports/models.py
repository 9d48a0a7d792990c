from django.db import models
from django.utils.translation import gettext_lazy as _

from kokona.indicators import indicator_choices


class Target(models.Model):
    """The city's target for one indicator in one fiscal year (e.g. 相談実人数 66 in FY2021)."""

    indicator = models.CharField(_("indicator"), max_length=50, choices=indicator_choices)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    value = models.DecimalField(_("target"), max_digits=10, decimal_places=1)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-fiscal_year", "indicator"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"], name="one_target_per_indicator_and_year"
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="target_not_negative"),
            models.CheckConstraint(
                condition=models.Q(fiscal_year__gte=2000, fiscal_year__lte=2100),
                name="target_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.indicator} {self.value}"
