"""The figures of one fiscal year as the dashboard, the exports and the year-end report show them.

`figures(year)` gathers them live: every registered indicator beside its target, and the months
of those that spread over months, in a fixed number of queries whatever the amount of data (one
or two per indicator). For a year a supervisor has locked, the city reads the snapshot instead.
`build(...)` then shapes them for a reader: cards, trend, quarters, with the small counts hidden
for city staff.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kokona.fiscal import current_fiscal_year
from kokona.indicators import Value, indicators
from reports import breakdowns, suppression
from reports.breakdowns import BreakdownTable
from reports.kpis import achievement_rate, kpi_rows
from reports.models import Target, YearLock
from reports.suppression import Cell

# What a site manager sees: the supplies figures only.
SUPPLIES = ("distribution_sites", "supplies_delivered", "supplies_handed_out")
MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
QUARTERS = [(0, 3), (3, 6), (6, 9), (9, 12)]


def _plain(value: Value) -> int | float | None:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def figures(year: int, *, with_breakdowns: bool = True) -> dict[str, Any]:
    """The year's figures, live, as plain JSON values (what a lock keeps)."""
    rows = []
    by_code = {i.code: i for i in indicators()}
    for row in kpi_rows(year):
        indicator = by_code[row.code]
        rows.append(
            {
                **row.as_dict(),
                "additive": indicator.additive,
                "monthly": [_plain(v) for v in indicator.monthly(year)]
                if indicator.monthly
                else None,
            }
        )
    found: dict[str, Any] = {"year": year, "rows": rows}
    if with_breakdowns:
        found["breakdowns"] = breakdowns.tables(year)
    return found


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
class Chart:
    """Twelve pairs of bars (this year and the one before), in SVG units."""

    width: int = 640
    height: int = 200
    bars: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)
    top: str = ""


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
    chart: Chart


@dataclass
class Dashboard:
    year: int
    cards: list[Card]
    trends: list[Trend]
    lock: YearLock | None
    changed_since_lock: list[str]
    as_of: dt.date
    breakdowns: list[BreakdownTable] = field(default_factory=list)


def _cell(value: Value, *, city: bool) -> Cell:
    if city and suppression.is_small(value):
        return Cell(value, True, suppression.small())
    return Cell(value)


def _chart(this: list[Cell], last: list[Cell]) -> Chart:
    chart = Chart()
    shown = [float(c.value) for c in this + last if c.value is not None and not c.hidden]
    top = max(shown, default=0) or 1
    step = (chart.width - 52) / 12
    for i, (now, before) in enumerate(zip(this, last, strict=True)):
        x = 52 + i * step
        for offset, cell, kind in ((2.0, before, "previous"), (step / 2, now, "current")):
            if cell.value is None or cell.hidden:
                continue
            h = round(float(cell.value) / top * (chart.height - 30), 1)
            chart.bars.append(
                {
                    "x": round(x + offset, 1),
                    "y": round(chart.height - 20 - h, 1),
                    "w": round(step / 2 - 3, 1),
                    "h": h,
                    "kind": kind,
                }
            )
        chart.labels.append({"x": round(x + step / 2, 1), "text": f"{MONTHS[i]}月"})
    chart.top = f"{top:g}"
    return chart


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


def build(year: int, *, city: bool, codes: tuple[str, ...] | None = None) -> Dashboard:
    """The dashboard of `year` for a reader; `city`: small counts hidden, the locked snapshot read."""
    lock = YearLock.objects.filter(fiscal_year__in=[year]).first()
    live = figures(year)
    current = lock.figures if lock is not None and city else live
    changed = []
    if lock is not None and not city:
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
    previous_lock = YearLock.objects.filter(fiscal_year=year - 1).first()
    previous = (
        previous_lock.figures
        if previous_lock is not None and city
        else figures(year - 1, with_breakdowns=False)
    )
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
        if row["monthly"] is None:
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
                chart=_chart(this_cells, last_cells),
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
        for table in current.get("breakdowns", live["breakdowns"])
        if codes is None or table["of"] in codes
    ]
    return Dashboard(year, cards, trends, lock, changed, as_of, tables)


def status_text(card: Card) -> str:
    if not card.registered:
        return _("Not counted yet")
    if card.met is None:
        return ""
    return _("Met") if card.met else _("Not met")
