"""Each registered indicator beside the city's target for a fiscal year: the KPI table of the
dashboard, `kpi_report` and the exports."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kokona.indicators import Value, indicators
from reports.models import Target


@dataclass(frozen=True)
class KpiRow:
    code: str
    name: str
    unit: str
    target: Decimal | None
    actual: Value
    achievement_rate: Decimal | None

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "unit": self.unit,
            "target": _number(self.target),
            "actual": _number(self.actual),
            "achievement_rate": None
            if self.achievement_rate is None
            else float(self.achievement_rate),
        }


def achievement_rate(actual: Value, target: Decimal | None) -> Decimal | None:
    """actual ÷ target × 100, one decimal; None when either is missing or the target is zero."""
    if actual is None or not target:
        return None
    return (Decimal(actual) * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def kpi_rows(fiscal_year: int, *, actuals: dict[str, Value] | None = None) -> list[KpiRow]:
    """Every registered indicator with its target; `actuals` holds those counted already (the
    dashboard adds up the months of an additive indicator rather than counting it twice)."""
    targets = dict(Target.objects.filter(fiscal_year=fiscal_year).values_list("indicator", "value"))
    rows = []
    for indicator in indicators():
        if actuals is not None and indicator.code in actuals:
            actual = actuals[indicator.code]
        else:
            actual = indicator.compute(fiscal_year)
        target = targets.get(indicator.code)
        rows.append(
            KpiRow(
                code=indicator.code,
                name=str(indicator.name),
                unit=str(indicator.unit),
                target=target,
                actual=actual,
                achievement_rate=achievement_rate(actual, target),
            )
        )
    return rows


def _number(value: Value) -> int | float | None:
    """JSON numbers: whole values as integers, others as they read (80.0 → 80, 83.7 → 83.7)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
