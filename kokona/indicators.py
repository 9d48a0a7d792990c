"""The indicator registry: each app registers the KPIs it can count, by fiscal year.

An app registers in its `indicators.py`, which its AppConfig imports in `ready()`:

    @register("consultations_total", _("Total consultations"), unit=_("cases"), order=30)
    def consultations_total(fiscal_year: int) -> int: ...

`reports` puts each indicator beside its target for a year (reports.kpis); it reads the other apps
only through this registry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

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
