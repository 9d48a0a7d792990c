"""Small-count suppression for city pages: a count of 1 to 4 could point at a woman.

A cell from 1 to 4 shows 「5未満」. Where a row also shows its total, one hidden cell could be
worked out as the total minus the others, so a second cell is hidden with it (the smallest other
non-zero one): the two can then only be told apart as a sum. A total from 1 to 4 is hidden too.
A quarter holding a hidden month is not shown either (reports.dashboard). Zero stays 0: nobody
is behind it. Only counts are hidden; a rate is not a count of anyone.
"""

from dataclasses import dataclass

from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kokona.indicators import Value

SMALL = range(1, 5)


@dataclass(frozen=True)
class Cell:
    value: Value
    hidden: bool = False
    reason: str = ""

    @property
    def text(self) -> str:
        return self.reason if self.hidden else ""

    def __str__(self) -> str:
        """`{{ cell }}` in a template: the reason it is hidden, — for nothing, or the number (one
        decimal where it has one). A page of figures shows hundreds of cells: each is drawn here
        rather than by an {% include %}, which costs a template render a cell."""
        if self.hidden:
            return format_html('<span class="suppressed">{}</span>', self.reason)
        if self.value is None:
            return "—"
        if isinstance(self.value, int):
            return str(self.value)
        return floatformat(self.value, "-1")

    __html__ = __str__


def small() -> str:
    return _("fewer than 5")


def secondary() -> str:
    return _("not shown")


def is_small(value: Value) -> bool:
    """A count of 1 to 4. Rates (Decimal, or float in a locked snapshot) are not counts."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5


def plain(values: list[Value]) -> list[Cell]:
    return [Cell(value) for value in values]


def suppress(values: list[Value], *, with_total: bool) -> list[Cell]:
    """The cells of one row as a city page may show them."""
    cells = [Cell(v, True, small()) if is_small(v) else Cell(v) for v in values]
    hidden = [i for i, cell in enumerate(cells) if cell.hidden]
    if with_total and len(hidden) == 1:
        others = [(v, i) for i, v in enumerate(values) if i not in hidden and v]
        if others:
            _value, index = min(others, key=lambda pair: (pair[0], pair[1]))
            cells[index] = Cell(values[index], True, secondary())
    return cells


def total_cell(values: list[Value], *, city: bool) -> Cell:
    total = sum(int(v or 0) for v in values)
    if city and is_small(total):
        return Cell(total, True, small())
    return Cell(total)


def suppress_table(
    values: list[list[Value]], *, column_total: bool, row_total: bool, city: bool
) -> tuple[list[list[Cell]], list[Cell] | None, list[Cell] | None, Cell | None]:
    """A breakdown table as a reader may see it: its cells, each row's total, each column's
    total and the grand total (None where the table has no such total).

    For the city every count from 1 to 4 is hidden, a total too. Each row and column shown with
    its total is a line whose members add up; a line holding exactly one hidden member would give
    it away, so its smallest other non-zero member is hidden with it, and again until no line has
    a lone hidden member (the row of column totals and the column of row totals are lines too)."""
    width = len(values[0]) if values else 0
    grid: list[list[int]] = [[int(v or 0) for v in row] for row in values]
    if row_total:
        grid = [row + [sum(row)] for row in grid]
    if column_total:
        grid.append([sum(column) for column in zip(*grid, strict=True)] if grid else [])
    height, span = len(grid), (width + 1 if row_total else width)
    hidden = [[city and is_small(v) for v in row] for row in grid]
    secondary_at: set[tuple[int, int]] = set()
    lines: list[list[tuple[int, int]]] = []
    if row_total:
        lines += [[(r, c) for c in range(span)] for r in range(height)]
    if column_total:
        lines += [[(r, c) for r in range(height)] for c in range(span)]
    changed = city
    while changed:
        changed = False
        for line in lines:
            lone = [at for at in line if hidden[at[0]][at[1]]]
            if len(lone) != 1:
                continue
            others = [(grid[r][c], r, c) for r, c in line if not hidden[r][c] and grid[r][c]]
            if others:
                _v, r, c = min(others)
                hidden[r][c] = True
                secondary_at.add((r, c))
                changed = True

    def cell(r: int, c: int) -> Cell:
        value = grid[r][c]
        if not hidden[r][c]:
            return Cell(value)
        return Cell(value, True, secondary() if (r, c) in secondary_at else small())

    body_rows = height - 1 if column_total else height
    cells = [[cell(r, c) for c in range(width)] for r in range(body_rows)]
    row_totals = [cell(r, width) for r in range(body_rows)] if row_total else None
    column_totals = [cell(height - 1, c) for c in range(width)] if column_total else None
    grand = cell(height - 1, width) if row_total and column_total else None
    return cells, row_totals, column_totals, grand
