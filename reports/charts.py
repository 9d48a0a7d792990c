"""The dashboard's charts, drawn as SVG by the templates (reports/_chart.html, _bars.html) from
the coordinates worked out here. A hidden cell draws no bar."""

from dataclasses import dataclass, field
from typing import Any

from reports.suppression import Cell

MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]


@dataclass
class Chart:
    """Twelve pairs of bars (this year and the one before), in SVG units."""

    width: int = 640
    height: int = 200
    bars: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)
    top: str = ""


@dataclass
class Bars:
    """A horizontal bar per row, in SVG units; a hidden row has its reason instead of a bar."""

    width: int = 640
    row_height: int = 26
    label_width: int = 190
    bars: list[dict[str, Any]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return self.row_height * len(self.bars) + 6


def svg_number(value: float) -> str:
    """A coordinate as SVG reads it, one decimal at most: written here, a chart's hundreds of
    numbers skip the template's localisation of each."""
    return f"{round(value, 1):g}"


def months(this: list[Cell], last: list[Cell]) -> Chart:
    """Twelve pairs of bars, April first: this year's beside the year before's."""
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
                    "x": svg_number(x + offset),
                    "y": svg_number(chart.height - 20 - h),
                    "w": svg_number(step / 2 - 3),
                    "h": svg_number(h),
                    "kind": kind,
                }
            )
        chart.labels.append({"x": svg_number(x + step / 2), "text": f"{MONTHS[i]}月"})
    chart.top = f"{top:g}"
    return chart


def bars(rows: list[tuple[str, list[Cell], Cell | None]]) -> Bars:
    """A bar per row of a breakdown: its total, or its only (first) column."""
    chart = Bars()
    measure = [total if total is not None else cells[0] for _label, cells, total in rows]
    top = max((int(c.value or 0) for c in measure if not c.hidden), default=0) or 1
    room = chart.width - chart.label_width - 70
    for i, ((label, _cells, _total), cell) in enumerate(zip(rows, measure, strict=True)):
        y = 3 + i * chart.row_height
        length = 0.0 if cell.hidden else round(int(cell.value or 0) / top * room, 1)
        chart.bars.append(
            {
                "label": label,
                "y": str(y),
                "bar_y": str(y + 4),
                "text_y": str(y + chart.row_height - 9),
                "w": svg_number(length) if length else "",
                "value_x": svg_number(chart.label_width + length + 6),
                "text": cell.reason if cell.hidden else f"{cell.value}",
            }
        )
    return chart
