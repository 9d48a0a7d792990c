"""The dashboard's charts as SVG, drawn here rather than by a template: a year's page holds a few
thousand bars, labels and numbers, which a template loop draws ten times slower. Every number is
formatted here and every text escaped; a hidden cell draws no bar. Each chart has its table beside
it on the page, and its `<title>` names it for a screen reader."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.suppression import Cell

MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
INK = 'fill="#333" font-size="14"'
CURRENT, PREVIOUS = "#0017c1", "#b3b3b3"


def svg_number(value: float) -> str:
    """A coordinate as SVG reads it, one decimal at most."""
    return f"{round(value, 1):g}"


def _svg(width: int, height: int, css: str, title_id: str, title: str, body: list[str]) -> str:
    """The chart's markup: its numbers formatted by this module, its texts (title, labels,
    the reason a count is hidden) escaped where they are written."""
    return (
        f'<svg class="{css}" viewBox="0 0 {width} {height}" role="img"'
        f' aria-labelledby="{title_id}" focusable="false">'
        f'<title id="{title_id}">{escape(title)}</title>{"".join(body)}</svg>'
    )


@dataclass(frozen=True)
class Chart:
    """Twelve pairs of bars, April first: this year's beside the year before's."""

    svg: SafeString


@dataclass(frozen=True)
class Bars:
    """A horizontal bar per row of a breakdown; a hidden row says why instead."""

    svg: SafeString


def months(this: list[Cell], last: list[Cell], *, code: str, name: str) -> Chart:
    width, height = 640, 200
    base = height - 20
    shown = [float(c.value) for c in this + last if c.value is not None and not c.hidden]
    top = max(shown, default=0) or 1
    step = (width - 52) / 12
    body = [
        f'<line x1="50" y1="{base}" x2="{width}" y2="{base}" stroke="#333" stroke-width="1"/>',
        f'<text x="46" y="{base}" {INK} text-anchor="end">0</text>',
    ]
    if any(shown):
        body.append(f'<text x="46" y="14" {INK} text-anchor="end">{top:g}</text>')
    for i, (now, before) in enumerate(zip(this, last, strict=True)):
        x = 52 + i * step
        for offset, cell, colour in ((2.0, before, PREVIOUS), (step / 2, now, CURRENT)):
            if not cell.value or cell.hidden:
                continue  # nothing counted, or hidden: no bar
            h = round(float(cell.value) / top * (height - 30), 1)
            body.append(
                f'<rect x="{svg_number(x + offset)}" y="{svg_number(base - h)}"'
                f' width="{svg_number(step / 2 - 3)}" height="{svg_number(h)}" fill="{colour}"/>'
            )
        body.append(
            f'<text x="{svg_number(x + step / 2)}" y="{height - 4}" {INK}'
            f' text-anchor="middle">{MONTHS[i]}月</text>'
        )
    if not any(c.value and not c.hidden for c in this + last):
        # Nothing to draw: say why rather than show an empty axis (a small year, all 5未満).
        reason = (
            _("No month to draw: counts below 5 are not shown.")
            if any(c.hidden for c in this + last)
            else _("Nothing counted in these two years.")
        )
        body.append(
            f'<text x="{width // 2 + 25}" y="{height // 2}" {INK} text-anchor="middle">'
            f"{escape(reason)}</text>"
        )
    title = _("%(name)s by month, this year and the year before") % {"name": name}
    svg = _svg(width, height, "chart", f"chart-{code}-title", title, body)
    return Chart(mark_safe(svg))  # noqa: S308  # nosec B308 B703


def bars(rows: list[tuple[str, list[Cell], Cell | None]], *, code: str, title: str) -> Bars:
    """A bar per row: its total, or its only (first) column."""
    width, row_height, label_width = 640, 26, 190
    measure = [total if total is not None else cells[0] for _label, cells, total in rows]
    top = max((int(c.value or 0) for c in measure if not c.hidden), default=0) or 1
    room = width - label_width - 70
    body = []
    for i, ((label, _cells, _total), cell) in enumerate(zip(rows, measure, strict=True)):
        y = 3 + i * row_height
        text_y = y + row_height - 9
        length = 0.0 if cell.hidden else round(int(cell.value or 0) / top * room, 1)
        short = label if len(label) <= 14 else f"{label[:13]}…"
        body.append(
            f'<text x="{label_width - 8}" y="{text_y}" {INK} text-anchor="end">{escape(short)}</text>'
        )
        if length:
            body.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{svg_number(length)}"'
                f' height="{row_height - 8}" fill="{CURRENT}"/>'
            )
        value = cell.reason if cell.hidden else f"{cell.value}"
        body.append(
            f'<text x="{svg_number(label_width + length + 6)}" y="{text_y}" {INK}>'
            f"{escape(value)}</text>"
        )
    height = row_height * len(rows) + 6
    body.append(
        f'<line x1="{label_width}" y1="0" x2="{label_width}" y2="{height}"'
        ' stroke="#333" stroke-width="1"/>'
    )
    svg = _svg(width, height, "chart chart--bars", f"bars-{code}-title", title, body)
    return Bars(mark_safe(svg))  # noqa: S308  # nosec B308 B703
