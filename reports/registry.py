"""The indicator registry: each app registers the KPIs it can count, by fiscal year.

An app registers in its `indicators.py`, which its AppConfig imports in `ready()`:

    @register("consultations_total", _("Total consultations"), unit=_("cases"), order=30)
    def consultations_total(fiscal_year: int) -> int: ...

`kpi_rows(year)` puts each indicator beside its target for that year.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise

Value = int | Decimal | None
Compute = Callable[[int], Value]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise
    unit: str | Promise
    compute: Compute
    order: int = 1000


_indicators: dict[str, Indicator] = {}


def register(
    code: str, name: str | Promise, *, unit: str | Promise, order: int = 1000
) -> Callable[[Compute], Compute]:
    def decorator(compute: Compute) -> Compute:
        if code in _indicators and _indicators[code].compute is not compute:
            raise ValueError(f"indicator {code!r} is registered twice")
        _indicators[code] = Indicator(code, name, unit, compute, order)
        return compute

    return decorator


def indicators() -> list[Indicator]:
    return sorted(_indicators.values(), key=lambda i: (i.order, i.code))


def indicator_choices() -> list[tuple[str, str]]:
    return [(i.code, f"{i.code}: {i.name}") for i in indicators()]


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


def kpi_rows(fiscal_year: int) -> list[KpiRow]:
    from reports.models import Target

    targets = dict(Target.objects.filter(fiscal_year=fiscal_year).values_list("indicator", "value"))
    rows = []
    for indicator in indicators():
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
