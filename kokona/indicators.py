"""The indicator registry: each app registers the KPIs it can count, by fiscal year.

An app registers in its `indicators.py`, which its AppConfig imports in `ready()`:

    @register("consultations_total", _("Total consultations"),
              unit=pgettext_lazy("unit", "cases"), order=30)
    def consultations_total(fiscal_year: int) -> int: ...

A unit takes the context "unit": 「件」 is what "cases" means after a number, and the admin calls
the model's "cases" 「ケース」.

`reports` puts each indicator beside its target for a year (reports.kpis); it reads the other apps
only through this registry.

An indicator may also say how it spreads over the months of a year, for the dashboard's trend
(twelve values, April first), in a fixed number of queries whatever the amount of data:

    @register_monthly("consultations_total")
    def consultations_total_by_month(fiscal_year: int) -> list[Value]: ...

A rate is not a sum of its months: `additive=False` keeps quarters from being added up.

An app also registers the breakdowns (内訳) of what it counts: a table of counts for a year, rows
by a vocabulary of the app (channel, age band, site category...) and one or more columns, in one
query or two whatever the amount of data. A breakdown belongs to an indicator (`of`), so a reader
who may not see that indicator does not see its breakdowns either:

    @register_breakdown("contacts_by_channel", _("Consultations by channel"),
                        of="consultations_total", unit=_("cases"), order=10)
    def contacts_by_channel(fiscal_year: int) -> Table: ...

`Table.column_total` and `row_total` say whether the rows and the columns add up (a contact with
several 相談内容 counts in each, so that table has no total): the city's pages hide a second cell
where a total would otherwise give a hidden one away.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.functional import Promise

from kokona.fiscal import JST
from kokona.fiscal import fiscal_year as fiscal_year_of

Value = int | Decimal | None
Compute = Callable[[int], Value]
Monthly = Callable[[int], list[Value]]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise
    unit: str | Promise
    compute: Compute
    order: int = 1000
    additive: bool = True
    monthly: Monthly | None = None


_indicators: dict[str, Indicator] = {}


@dataclass(frozen=True)
class Table:
    """A breakdown's counts: `rows` as (label, one value per column)."""

    columns: list[str]
    rows: list[tuple[str, list[Value]]]
    column_total: bool = True
    row_total: bool = False


@dataclass(frozen=True)
class Breakdown:
    code: str
    title: str | Promise
    of: str
    unit: str | Promise
    compute: Callable[[int], Table]
    order: int = 1000


_breakdowns: dict[str, Breakdown] = {}


def register(
    code: str,
    name: str | Promise,
    *,
    unit: str | Promise,
    order: int = 1000,
    additive: bool = True,
) -> Callable[[Compute], Compute]:
    def decorator(compute: Compute) -> Compute:
        if code in _indicators and _indicators[code].compute is not compute:
            raise ValueError(f"indicator {code!r} is registered twice")
        monthly = _indicators[code].monthly if code in _indicators else None
        _indicators[code] = Indicator(code, name, unit, compute, order, additive, monthly)
        return compute

    return decorator


def register_monthly(code: str) -> Callable[[Monthly], Monthly]:
    """Give an indicator registered already its month-by-month values (April to March)."""

    def decorator(monthly: Monthly) -> Monthly:
        if code not in _indicators:
            raise ValueError(f"indicator {code!r} is not registered")
        _indicators[code] = replace(_indicators[code], monthly=monthly)
        return monthly

    return decorator


def register_breakdown(
    code: str, title: str | Promise, *, of: str, unit: str | Promise = "", order: int = 1000
) -> Callable[[Callable[[int], Table]], Callable[[int], Table]]:
    def decorator(compute: Callable[[int], Table]) -> Callable[[int], Table]:
        if code in _breakdowns and _breakdowns[code].compute is not compute:
            raise ValueError(f"breakdown {code!r} is registered twice")
        _breakdowns[code] = Breakdown(code, title, of, unit, compute, order)
        return compute

    return decorator


def breakdowns() -> list[Breakdown]:
    """In the order of the indicators they belong to, then their own."""

    def order(breakdown: Breakdown) -> tuple[int, int, str]:
        indicator = _indicators.get(breakdown.of)
        return (indicator.order if indicator else 1000, breakdown.order, breakdown.code)

    return sorted(_breakdowns.values(), key=order)


def get(code: str) -> Indicator | None:
    return _indicators.get(code)


def indicators() -> list[Indicator]:
    return sorted(_indicators.values(), key=lambda i: (i.order, i.code))


def indicator_choices() -> list[tuple[str, str]]:
    return [(i.code, f"{i.code}: {i.name}") for i in indicators()]


def twelve_months(
    fiscal_year: int, found: Iterable[tuple[dt.date | dt.datetime, Value]]
) -> list[Value]:
    """Twelve values, April to March, from (month, value) pairs such as a TruncMonth query gives
    (datetimes are read in Japan time); a month with nothing is 0."""
    values: list[Value] = [0] * 12
    for month, value in found:
        if isinstance(month, dt.datetime):
            month = month.astimezone(JST).date()
        index = (month.month - 4) % 12
        if fiscal_year_of(month) == fiscal_year:
            values[index] = value if value is not None else 0
    return values


def vocabulary_rows(
    entries: Iterable[object],
    counts: dict[object, list[Value]],
    *,
    width: int = 1,
    unknown: str | Promise | None = None,
) -> list[tuple[str, list[Value]]]:
    """A breakdown's rows by a vocabulary: each entry in use, or counted this year though retired
    since, in the vocabulary's order; then what had none (`counts[None]`) under `unknown`."""
    rows = []
    for entry in entries:
        found = counts.get(entry.pk)  # type: ignore[attr-defined]
        if found is not None or entry.is_active:  # type: ignore[attr-defined]
            rows.append((str(entry), found or [0] * width))
    if unknown is not None and counts.get(None):
        rows.append((str(unknown), counts[None]))
    return rows
