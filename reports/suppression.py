"""Small-count suppression for city pages: a count of 1 to 4 could point at a woman.

A cell from 1 to 4 shows 「5未満」. Where a row also shows its total, one hidden cell could be
worked out as the total minus the others, so a second cell is hidden with it (the smallest other
non-zero one): the two can then only be told apart as a sum. A total from 1 to 4 is hidden too.
A quarter holding a hidden month is not shown either (reports.dashboard). Zero stays 0: nobody
is behind it. Only counts are hidden; a rate is not a count of anyone.
"""

from dataclasses import dataclass

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
