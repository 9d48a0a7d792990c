"""The figures of one fiscal year as the dashboard, the exports and the year-end report show them.

`figures(year)` gathers them live: every registered indicator beside its target, and the months
of those that spread over months, in a fixed number of queries whatever the amount of data (one
or two per indicator). For a year a supervisor has locked, the city reads the snapshot instead.
A page reads them through `_kept`: counted at most REPORTS_FIGURES_SECONDS ago (a minute), and
says when, so that a dashboard opened again and again counts years of records once a minute
rather than on every view. A lock always counts afresh.
`build(...)` then shapes them for a reader: cards, trend, quarters, with the small counts hidden
for city staff.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kokona.fiscal import current_fiscal_year
from kokona.indicators import Indicator, Value, indicators
from reports import breakdowns, charts, suppression
from reports.breakdowns import BreakdownTable
from reports.kpis import achievement_rate, kpi_rows
from reports.models import Target, YearLock
from reports.suppression import Cell

# What a site manager sees: the supplies figures only.
SUPPLIES = ("distribution_sites", "supplies_delivered", "supplies_handed_out")
MONTHS = charts.MONTHS
QUARTERS = [(0, 3), (3, 6), (6, 9), (9, 12)]


def _plain(value: Value) -> int | float | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _months(indicator: Indicator, year: int) -> list[int | float | None] | None:
    return [_plain(v) for v in indicator.monthly(year)] if indicator.monthly else None


def _added(months: list[int | float | None]) -> int:
    """An additive indicator's year: its months added up."""
    return sum(int(v or 0) for v in months)


def figures(year: int, *, with_breakdowns: bool = True) -> dict[str, Any]:
    """The year's figures, live, as plain JSON values (what a lock keeps). An additive
    indicator's actual is the sum of its months: one query, not two."""
    by_code = {i.code: i for i in indicators()}
    monthly = {code: _months(indicator, year) for code, indicator in by_code.items()}
    actuals: dict[str, Value] = {
        code: _added(months)
        for code, months in monthly.items()
        if months is not None and by_code[code].additive
    }
    rows = [
        {**row.as_dict(), "additive": by_code[row.code].additive, "monthly": monthly[row.code]}
        for row in kpi_rows(year, actuals=actuals)
    ]
    found: dict[str, Any] = {"year": year, "rows": rows}
    if with_breakdowns:
        found["breakdowns"] = breakdowns.tables(year)
    return found


def _kept(key: str, count: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """What `count` gives, counted at most REPORTS_FIGURES_SECONDS ago, with `counted_at`."""
    key = f"reports:{key}:{get_language()}"
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        found = count() | {"counted_at": timezone.now()}
        cache.set(key, found, settings.REPORTS_FIGURES_SECONDS)
    return found


def trend_figures(year: int) -> dict[str, Any]:
    """What the year before gives the trend: the months of each indicator that has them, and
    the actual of those whose months do not add up (a distinct count, a rate)."""
    rows = []
    for indicator in indicators():
        if indicator.monthly is None:
            continue
        months = _months(indicator, year) or []
        actual = _added(months) if indicator.additive else _plain(indicator.compute(year))
        rows.append({"code": indicator.code, "actual": actual, "monthly": months})
    return {"year": year, "rows": rows}


@dataclass
class Card:
    code: str
    name: str
    unit: str
    target: Value
    actual: Cell
    achievement_rate: Decimal | None
    met: bool | None
    registered: bool = True
    answers: Cell | None = None

    @property
    def status(self) -> str:
        """達成 / 未達 in words, or why there is none."""
        return status_text(self)


@dataclass
class Trend:
    code: str
    name: str
    unit: str
    additive: bool
    months: list[tuple[int, Cell, Cell]]
    total: Cell
    previous_total: Cell
    quarters: list[tuple[Cell, Cell, bool]]
    chart: charts.Chart


@dataclass
class Dashboard:
    year: int
    cards: list[Card]
    trends: list[Trend]
    lock: YearLock | None
    changed_since_lock: list[str]
    as_of: dt.date
    counted_at: dt.datetime
    breakdowns: list[BreakdownTable] = field(default_factory=list)
    # The locked snapshot is what this reader sees (the city, for a locked year).
    from_lock: bool = False


def _cell(value: Value, *, city: bool) -> Cell:
    if city and suppression.is_small(value):
        return Cell(value, True, suppression.small())
    return Cell(value)


def _row_cells(values: list[Value], *, city: bool, additive: bool) -> list[Cell]:
    """A row of months; beside a total that sums them, a lone hidden cell takes another along."""
    if city:
        return suppression.suppress(values, with_total=additive)
    return suppression.plain(values)


def _quarter_cells(values: list[Value], cells: list[Cell]) -> list[Cell]:
    """Each quarter's sum; a quarter holding a hidden month is not shown, for its sum less the
    months shown would give the hidden one away. What is left to work out (the year less the
    quarters shown) is the sum of every hidden month, which the month row gives already."""
    quarters = []
    for a, b in QUARTERS:
        if any(cell.hidden for cell in cells[a:b]):
            quarters.append(Cell(None, True, suppression.secondary()))
        else:
            quarters.append(Cell(sum(int(v or 0) for v in values[a:b])))
    return quarters


def _quarters(
    this: tuple[list[Value], list[Cell]],
    last: tuple[list[Value], list[Cell]],
    *,
    year: int,
    today: dt.date,
) -> list[tuple[Cell, Cell, bool]]:
    now, before = _quarter_cells(*this), _quarter_cells(*last)
    current = current_fiscal_year() == year
    in_progress = (today.month - 4) % 12 // 3 if current else -1
    return [
        (now[q], before[q], q == in_progress) for q in range(4) if not current or q <= in_progress
    ]


def build(
    year: int, *, city: bool, codes: tuple[str, ...] | None = None, with_trends: bool = True
) -> Dashboard:
    """The dashboard of `year` for a reader; `city`: small counts hidden, the locked snapshot read.
    Without trends (the KPI table alone): the cards, and no months, year before or breakdowns."""
    locks = {
        lock.fiscal_year: lock for lock in YearLock.objects.filter(fiscal_year__in=[year, year - 1])
    }
    lock, previous_lock = locks.get(year), locks.get(year - 1)
    live: dict[str, Any] | None = None
    if lock is not None and city:
        current, counted_at = lock.figures, lock.locked_at
    else:
        current = live = _kept(
            f"figures:{year}:{with_trends}", lambda: figures(year, with_breakdowns=with_trends)
        )
        counted_at = live["counted_at"]
    changed = []
    if lock is not None and live is not None:
        locked = {row["code"]: row["actual"] for row in lock.figures["rows"]}
        changed = [
            row["name"]
            for row in live["rows"]
            if row["code"] in locked and locked[row["code"]] != row["actual"]
        ]
        # A breakdown can change while its indicator's total stays (a contact's channel put right).
        locked_tables = {t["code"]: t["rows"] for t in lock.figures.get("breakdowns", [])}
        changed += [
            table["title"]
            for table in live["breakdowns"]
            if table["code"] in locked_tables and locked_tables[table["code"]] != table["rows"]
        ]
    if not with_trends:
        previous: dict[str, Any] = {"rows": []}
    elif previous_lock is not None and city:
        previous = previous_lock.figures
    else:
        previous = _kept(f"trend:{year - 1}", lambda: trend_figures(year - 1))
    prev_rows = {row["code"]: row for row in previous["rows"]}
    rows = [r for r in current["rows"] if codes is None or r["code"] in codes]
    registered = {row["code"] for row in rows}
    answers = next((r for r in current["rows"] if r["code"] == "survey_responses"), None)
    today = timezone.localdate()
    cards, trends = [], []
    for row in rows:
        actual = row["actual"]
        target = row["target"]
        cell = _cell(actual, city=city)
        rate = None if cell.hidden else row["achievement_rate"]
        card = Card(
            code=row["code"],
            name=row["name"],
            unit=row["unit"],
            target=target,
            actual=cell,
            achievement_rate=None if rate is None else Decimal(str(rate)),
            met=None if target is None or actual is None or cell.hidden else actual >= target,
        )
        if row["code"] == "satisfaction_rate" and answers is not None:
            card.answers = _cell(answers["actual"], city=city)
        cards.append(card)
        if row["monthly"] is None or not with_trends:
            continue
        last_values = (prev_rows.get(row["code"]) or {}).get("monthly") or [None] * 12
        this_cells = _row_cells(row["monthly"], city=city, additive=row["additive"])
        last_cells = _row_cells(last_values, city=city, additive=row["additive"])
        trends.append(
            Trend(
                code=row["code"],
                name=row["name"],
                unit=row["unit"],
                additive=row["additive"],
                months=list(zip(MONTHS, this_cells, last_cells, strict=True)),
                total=suppression.total_cell(row["monthly"], city=city)
                if row["additive"]
                else cell,
                previous_total=suppression.total_cell(last_values, city=city)
                if row["additive"]
                else _cell((prev_rows.get(row["code"]) or {}).get("actual"), city=city),
                quarters=_quarters(
                    (row["monthly"], this_cells), (last_values, last_cells), year=year, today=today
                )
                if row["additive"]
                else [],
                chart=charts.months(this_cells, last_cells, code=row["code"], name=row["name"]),
            )
        )
    # A target set for an indicator no app counts yet: shown as not counted, never as 0.
    if codes is None:
        for target in Target.objects.filter(fiscal_year=year).exclude(indicator__in=registered):
            cards.append(
                Card(
                    code=target.indicator,
                    name=target.indicator,
                    unit="",
                    target=target.value,
                    actual=Cell(None),
                    achievement_rate=achievement_rate(None, target.value),
                    met=None,
                    registered=False,
                )
            )
    as_of = timezone.localdate(lock.locked_at) if lock is not None and city else today
    tables = [
        breakdowns.shape(table, city=city)
        for table in ((current.get("breakdowns") or breakdowns.tables(year)) if with_trends else [])
        if codes is None or table["of"] in codes
    ]
    return Dashboard(
        year, cards, trends, lock, changed, as_of, counted_at, tables, from_lock=live is None
    )


def status_text(card: Card) -> str:
    if not card.registered:
        return _("Not counted yet")
    if card.met is None:
        return ""
    return _("Met") if card.met else _("Not met")
