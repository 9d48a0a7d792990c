from django.db import models
from django.utils.translation import gettext_lazy as _

from kokona.crypto import EncryptedTextField
from kokona.indicators import indicator_choices
from kokona.models import Provenance


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


class Satisfaction(models.IntegerChoices):
    """The paper survey's one question, 5 (大変満足) to 1 (大変不満)."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Neither")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


class SurveyResponse(Provenance):
    """One answer to the satisfaction survey (アンケート), mostly tallied from paper after a
    session. Anonymous: nothing links an answer to a woman. The programme and session are named
    by string, so that reports imports no other app."""

    answered_on = models.DateField(_("answered on"))
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), choices=Satisfaction)
    program = models.ForeignKey(
        "ibasho.Program",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    session = models.ForeignKey(
        "ibasho.Session",
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = EncryptedTextField(_("comment"), blank=True, context="reports.surveyresponse.comment")

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="surveyresponse_satisfaction_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.answered_on} {self.get_satisfaction_display()}"
