"""Writing the CSV and Excel files kokona hands out, so that opening one never runs a formula.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and a tab or
a carriage return at the start can smuggle one past a first look (CSV injection, ASVS 1.2.10).
Text we export can come from anyone who typed into kokona or into a file imported into it, so
every cell of every export goes through `safe_cell`: such text gets a leading single quote and is
shown as text. Numbers, dates and empty cells are written as they are, so sums still work.

This is the writing side only; `kokona.csvio` reads the files people bring. Both kinds of file are
built here from the same rows: a header and rows of plain values.

- CSV: UTF-8 with a byte-order mark, because Excel in Japan reads a CSV without one as Shift_JIS
  and garbles every Japanese cell; CRLF line ends (RFC 4180, what Excel writes).
- Excel: .xlsx through openpyxl. Aware datetimes are written in Japan time (Excel has no time
  zones), and the control characters the format cannot hold are dropped before escaping, so
  dropping them can never expose a formula.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import TextIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kokona.fiscal import JST

__all__ = [
    "FORMULA_START",
    "csv_bytes",
    "safe_cell",
    "write_csv",
    "xlsx_bytes",
    "xlsx_workbook_bytes",
]

# What a spreadsheet may take as the start of a formula; NUL as security.md #23 asks.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\x00")
BOM = "\ufeff"

Row = Sequence[object]


def safe_cell(value: object) -> object:
    """`value` as a spreadsheet cell that is never run as a formula.

    Text starting with one of FORMULA_START is prefixed with a single quote. Anything that is not
    text (numbers, dates, booleans, None) is returned unchanged: it cannot be a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(stream: TextIO, header: Row, rows: Iterable[Row]) -> None:
    """Write a byte-order mark, the header and the rows to `stream`, every cell made safe.

    None becomes an empty cell. Open a file for it with ``newline=""`` and UTF-8.
    """
    stream.write(BOM)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)


def csv_bytes(header: Row, rows: Iterable[Row]) -> bytes:
    """The CSV file as UTF-8 bytes (with its byte-order mark), e.g. for a download."""
    text = io.StringIO(newline="")
    write_csv(text, header, rows)
    return text.getvalue().encode("utf-8")


def _excel_value(value: object) -> object:
    if isinstance(value, str):
        # Drop what the format cannot hold first: escaping after it means "\x01=…" is caught too.
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(JST).replace(tzinfo=None)
    return value


def xlsx_bytes(header: Row, rows: Iterable[Row], *, title: str = "Sheet1") -> bytes:
    """An Excel workbook of one sheet, `title`, holding the header and the rows, every cell
    made safe. Numbers stay numbers."""
    return xlsx_workbook_bytes([(title, header, rows)])


def xlsx_workbook_bytes(sheets: Iterable[tuple[str, Row, Iterable[Row]]]) -> bytes:
    """An Excel workbook of several sheets, each (title, header, rows), every cell made safe."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])  # Excel's limit on a sheet name
        sheet.append([_excel_value(cell) for cell in header])
        for row in rows:
            sheet.append([_excel_value(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
