"""The shared CSV reading of every import: encodings, dates and times, yes/no, file lines."""

import datetime as dt

import pytest

from kokona.csvio import (
    CellInvalid,
    Column,
    ImportRefused,
    decode,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_time,
    read,
)
from kokona.fiscal import JST

COLUMNS = [Column("name", "名称"), Column("note", "備考", required=False)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_each_encoding_reads_the_same(encoding):
    assert decode("名称,備考\n釧路,ふらっと\n".encode(encoding)) == "名称,備考\n釧路,ふらっと\n"


@pytest.mark.parametrize(
    "text, day",
    [
        ("2021-04-05", dt.date(2021, 4, 5)),
        ("2021/4/5", dt.date(2021, 4, 5)),
        ("２０２１／４／５", dt.date(2021, 4, 5)),
        ("2021年4月5日", dt.date(2021, 4, 5)),
    ],
)
def test_dates_as_people_write_them(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["2021-02-30", "5/4/2021", "昨日", ""])
def test_dates_that_are_not(text):
    with pytest.raises(CellInvalid):
        parse_date(text)


def test_times_and_datetimes_are_japan_time():
    assert parse_time("9:05") == dt.time(9, 5)
    assert parse_datetime("2022/3/31 23:30") == dt.datetime(2022, 3, 31, 23, 30, tzinfo=JST)
    with pytest.raises(CellInvalid):
        parse_time("25:00")


@pytest.mark.parametrize(
    "text, value", [("はい", True), ("いいえ", False), ("○", True), ("", False)]
)
def test_yes_and_no(text, value):
    assert parse_bool(text) is value


def test_yes_or_no_refuses_anything_else():
    with pytest.raises(CellInvalid):
        parse_bool("たぶん")


def test_lines_are_file_lines_even_after_a_cell_on_two_lines():
    rows = read('名称,備考\nA,"二行の\n備考"\nB,\n'.encode(), COLUMNS).rows

    assert [(line, row["name"]) for line, row in rows] == [(2, "A"), (4, "B")]


def test_japanese_or_english_headings():
    rows = read(b"name,note\nA,x\n", COLUMNS).rows

    assert rows == [(2, {"name": "A", "note": "x"})]


def test_a_missing_heading_is_named_on_line_one():
    with pytest.raises(ImportRefused) as refused:
        read("備考\nx\n".encode(), COLUMNS)

    assert str(refused.value.errors[0]) == "1行目「名称」: 1行目にこの見出しがありません。"


def test_a_row_with_too_many_cells_is_named():
    with pytest.raises(ImportRefused) as refused:
        read("名称,備考\nA,x,extra\n".encode(), COLUMNS)

    assert refused.value.errors[0].line == 2


def test_a_cell_longer_than_its_column_allows_is_named():
    columns = [Column("name", "名称", max_length=5), Column("note", "備考", required=False)]

    with pytest.raises(ImportRefused) as refused:
        read("名称,備考\nふらっと,x\n釧路市役所本庁,y\n".encode(), columns)

    (error,) = refused.value.errors
    assert (error.line, error.column) == (3, "名称")
    assert "5文字" in str(error)


def test_length_is_checked_after_full_width_letters_are_folded():
    # NFKC turns one character into several (㍻ → 平成): the stored text is what must fit.
    columns = [Column("name", "名称", max_length=2)]

    with pytest.raises(ImportRefused):
        read("名称\n㍻㍻\n".encode(), columns)


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x07", "\x7f", "\x85"])
def test_a_control_character_anywhere_is_named_with_its_line_and_column(character):
    filler = "".join(f"A{n},ふつうの備考\n" for n in range(400))  # past the first 4 KB
    text = f"名称,備考\n{filler}B,見えない{character}文字\n"

    with pytest.raises(ImportRefused) as refused:
        read(text.encode(), COLUMNS)

    (error,) = refused.value.errors
    assert (error.line, error.column) == (402, "備考")
    assert "制御文字" in str(error)


def test_a_control_character_in_a_heading_is_refused():
    with pytest.raises(ImportRefused) as refused:
        read("名称,備考\x01\nA,x\n".encode(), COLUMNS)

    assert [(e.line, e.column) for e in refused.value.errors] == [(1, "2列目")]


def test_a_control_character_in_a_column_no_importer_reads_is_refused_too():
    with pytest.raises(ImportRefused) as refused:
        read("名称,備考,メモ\nA,x,y\nB,x,z\x02\n".encode(), COLUMNS)

    assert [(e.line, e.column) for e in refused.value.errors] == [(3, "3列目")]


def test_tabs_and_line_breaks_inside_cells_are_fine():
    rows = read('名称,備考\nA,"一行目\r\n\t二行目"\n'.encode(), COLUMNS).rows

    assert rows[0][1]["note"] == "一行目\r\n\t二行目"
