from django.conf import settings
from django.db import models
from django.utils import timezone
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


class SurveySource(models.TextChoices):
    PAPER = "paper", _("Paper")
    WEB = "web", _("Survey page")
    IMPORT = "import", _("Import")


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
    source = models.CharField(
        _("source"), max_length=10, choices=SurveySource, default=SurveySource.PAPER
    )
    # A keyed hash of an imported row (with its place among identical rows), so that importing the
    # same file again adds nothing; blank for answers entered in kokona.
    import_key = models.CharField(_("import key"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="surveyresponse_satisfaction_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["import_key"],
                condition=~models.Q(import_key=""),
                name="surveyresponse_import_key_once",
            ),
        ]
        indexes = [models.Index(fields=["answered_on"], name="surveyresponse_day")]

    def __str__(self) -> str:
        return f"{self.answered_on} {self.get_satisfaction_display()}"


class TargetChange(models.Model):
    """Why a target was set or changed: the city asks, and the figure alone does not say.

    Append-only in practice: kokona writes one row per change and never edits it."""

    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="changes"
    )
    old_value = models.DecimalField(
        _("previous target"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    new_value = models.DecimalField(_("new target"), max_digits=10, decimal_places=1)
    note = models.TextField(_("why"), max_length=500)
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("target change")
        verbose_name_plural = _("target changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.target} {self.old_value} → {self.new_value}"


class YearLock(models.Model):
    """A fiscal year's figures as reported to the city, frozen by a supervisor.

    `figures` holds the KPI rows and the monthly values as they stood; the city reads these for a
    locked year, so a record corrected later does not change a figure already reported."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    figures = models.JSONField(_("figures"))
    locked_at = models.DateTimeField(_("locked at"), default=timezone.now)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("locked fiscal year")
        verbose_name_plural = _("locked fiscal years")
        ordering = ["-fiscal_year"]

    def __str__(self) -> str:
        return str(self.fiscal_year)
