"""The breakdowns (内訳) of a fiscal year: the tables the apps register (kokona.indicators), kept
as plain values in a lock's snapshot, then shaped for a reader with small counts hidden for the
city and drawn as a bar per row beside the table."""

from dataclasses import dataclass
from typing import Any

from kokona.indicators import breakdowns
from reports import charts, suppression
from reports.suppression import Cell


def tables(year: int) -> list[dict[str, Any]]:
    """Every registered breakdown of the year as plain JSON values."""
    found = []
    for breakdown in breakdowns():
        table = breakdown.compute(year)
        found.append(
            {
                "code": breakdown.code,
                "of": breakdown.of,
                "title": str(breakdown.title),
                "unit": str(breakdown.unit),
                "columns": table.columns,
                "rows": [[label, [int(v or 0) for v in values]] for label, values in table.rows],
                "column_total": table.column_total,
                "row_total": table.row_total,
            }
        )
    return found


@dataclass
class BreakdownTable:
    code: str
    title: str
    unit: str
    columns: list[str]
    rows: list[tuple[str, list[Cell], Cell | None]]
    column_totals: list[Cell] | None
    grand: Cell | None
    chart: charts.Bars
    row_total: bool = False


def shape(plain: dict[str, Any], *, city: bool) -> BreakdownTable:
    labels = [label for label, _values in plain["rows"]]
    cells, row_totals, column_totals, grand = suppression.suppress_table(
        [values for _label, values in plain["rows"]],
        column_total=plain["column_total"],
        row_total=plain["row_total"],
        city=city,
    )
    rows = [
        (label, row, row_totals[i] if row_totals is not None else None)
        for i, (label, row) in enumerate(zip(labels, cells, strict=True))
    ]
    return BreakdownTable(
        code=plain["code"],
        title=plain["title"],
        unit=plain["unit"],
        columns=plain["columns"],
        rows=rows,
        column_totals=column_totals,
        grand=grand,
        chart=charts.bars(rows, code=plain["code"], title=plain["title"]),
        row_total=plain["row_total"],
    )
