"""The survey KPIs, exactly as design.md defines them.

`satisfaction_rate`: (大変満足 + 満足) ÷ answers in the fiscal year × 100, one decimal, and None
(not 0) when nobody answered. `survey_responses`: the answers in the year, shown beside the rate
so that 100% of 3 answers reads for what it is. Answers are dated (`answered_on`), so a fiscal
year is a plain date range.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from kokona.fiscal import fiscal_year_dates
from kokona.indicators import Value, register, register_monthly, twelve_months
from reports.models import Satisfaction, SurveyResponse

SATISFIED = Q(satisfaction__gte=Satisfaction.SATISFIED)


def rate(satisfied: int, answers: int) -> Decimal | None:
    """Satisfied ÷ answers × 100 with one decimal, half up (83.65 → 83.7); None without answers."""
    if not answers:
        return None
    return (Decimal(satisfied) * 100 / answers).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _in_year(fiscal_year: int):  # type: ignore[no-untyped-def]
    first, last = fiscal_year_dates(fiscal_year)
    return SurveyResponse.objects.filter(answered_on__gte=first, answered_on__lte=last)


@register("satisfaction_rate", _("Satisfaction"), unit="%", order=40, additive=False)
def satisfaction_rate(fiscal_year: int) -> Value:
    counts = _in_year(fiscal_year).aggregate(
        answers=Count("pk"), satisfied=Count("pk", filter=SATISFIED)
    )
    return rate(counts["satisfied"], counts["answers"])


@register("survey_responses", _("Number of survey answers"), unit=_("answers"), order=41)
def survey_responses(fiscal_year: int) -> Value:
    return _in_year(fiscal_year).count()


def _monthly(fiscal_year: int):  # type: ignore[no-untyped-def]
    return (
        _in_year(fiscal_year)
        .annotate(month=TruncMonth("answered_on"))
        .values("month")
        .order_by("month")
        .annotate(answers=Count("pk"), satisfied=Count("pk", filter=SATISFIED))
    )


@register_monthly("satisfaction_rate")
def satisfaction_rate_by_month(fiscal_year: int) -> list[Value]:
    """Each month's own rate; None for a month nobody answered."""
    months: list[Value] = [None] * 12
    for row in _monthly(fiscal_year):
        months[(row["month"].month - 4) % 12] = rate(row["satisfied"], row["answers"])
    return months


@register_monthly("survey_responses")
def survey_responses_by_month(fiscal_year: int) -> list[Value]:
    return twelve_months(fiscal_year, ((r["month"], r["answers"]) for r in _monthly(fiscal_year)))
