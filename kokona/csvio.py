"""Reading the CSV files people bring from years of Excel.

Files come in UTF-8, UTF-8 with a BOM, or Shift_JIS (cp932, what Excel in Japan saves). Dates are
written 2021-04-05 or 2021/4/5, datetimes 2021-04-05 10:00 or 2021/4/5 10:00 in Japan time.
An import is all or nothing: every problem is collected with its file line (the header is line 1)
and its column's Japanese name, and nothing is written unless there is none.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kokona.fiscal import JST

MAX_BYTES = 5 * 1024 * 1024
MAX_ERRORS_SHOWN = 50


@dataclass(frozen=True)
class CellError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.line:  # the file as a whole
            return self.message
        if not self.column:
            return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}
        return _("Line %(line)d, column 「%(column)s」: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


class ImportRefused(Exception):
    """The file cannot be imported; `errors` says where and why. Nothing was written."""

    def __init__(self, errors: list[CellError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors[:MAX_ERRORS_SHOWN]))

    @property
    def shown(self) -> list[CellError]:
        return self.errors[:MAX_ERRORS_SHOWN]


@dataclass(frozen=True)
class Column:
    """A column of an import file: its key, Japanese name, and the headings accepted for it."""

    key: str
    label: object  # a lazy translation
    aliases: tuple[str, ...] = ()
    required: bool = True
    # The model field's max_length where the cell is stored as text: a longer cell is refused at
    # the preview, not by the database when the file is applied.
    max_length: int | None = None

    @property
    def name(self) -> str:
        return str(self.label)


def decode(data: bytes) -> str:
    """The file's text, whichever of the three encodings it was saved in."""
    if len(data) > MAX_BYTES:
        raise ImportRefused([CellError(0, "", _("The file is larger than 5 MB."))])
    if b"\x00" in data[:4096]:
        raise ImportRefused([CellError(0, "", _("This is not a CSV text file."))])
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(
        [CellError(0, "", _("The file is neither UTF-8 nor Shift_JIS. Save it as CSV again."))]
    )


def normalise(text: str) -> str:
    """Full-width letters and digits to half-width, spaces trimmed: how people type in Excel."""
    return unicodedata.normalize("NFKC", text).strip()


@dataclass
class Rows:
    """The data rows of a file, each a dict keyed by column key, with its file line."""

    columns: list[Column]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


# Control characters (Unicode category Cc) other than tab, CR and LF: no text a person typed holds
# them, PostgreSQL refuses NUL outright, and the others hide in what a counselor reads later.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _column_label(index: int, names: dict[int, str]) -> str:
    return names.get(index) or _("column %d") % (index + 1)


def _cell_errors(
    line: int, cells: list[str], names: dict[int, str], limits: dict[int, int]
) -> list[CellError]:
    """Every cell of a line with a control character or longer than its column allows.

    The length is checked before and after NFKC folding, since the importers store one or the
    other and folding can lengthen a cell (㍻ becomes 平成).
    """
    errors = []
    for index, cell in enumerate(cells):
        control = _CONTROL.search(cell)
        if control:
            errors.append(
                CellError(
                    line,
                    _column_label(index, names),
                    _(
                        "This cell holds a control character (U+%04X) that text cannot hold."
                        " Remove it and save the file again."
                    )
                    % ord(control.group()),
                )
            )
            continue
        limit = limits.get(index)
        if limit is not None:
            length = max(len(cell.strip()), len(normalise(cell)))
            if length > limit:
                errors.append(
                    CellError(
                        line,
                        names[index],
                        _("Keep this to %(limit)d characters (it has %(length)d).")
                        % {"limit": limit, "length": length},
                    )
                )
    return errors


def read(data: bytes, columns: list[Column]) -> Rows:
    """Decode and split a file; refuse a missing heading, a row with too many cells, a control
    character anywhere, or a cell longer than its column allows."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused([CellError(1, "", _("The file is empty."))]) from None
    heading_errors = _cell_errors(1, header, {}, {})
    if heading_errors:
        raise ImportRefused(heading_errors)
    headings = [normalise(h).lower() for h in header]
    positions: dict[str, int] = {}
    for column in columns:
        names = {column.key, column.name.lower(), *(a.lower() for a in column.aliases)}
        for index, heading in enumerate(headings):
            if heading in names:
                positions[column.key] = index
                break
    missing = [c.name for c in columns if c.required and c.key not in positions]
    if missing:
        raise ImportRefused(
            [
                CellError(1, name, _("This heading is missing from the first line."))
                for name in missing
            ]
        )
    labels = {positions[c.key]: c.name for c in columns if c.key in positions}
    limits = {
        positions[c.key]: c.max_length
        for c in columns
        if c.key in positions and c.max_length is not None
    }
    result = Rows(columns)
    errors: list[CellError] = []
    last_line = reader.line_num
    try:
        for cells in reader:
            line = last_line + 1
            last_line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                errors.append(CellError(line, "", _("This line has more cells than headings.")))
                continue
            cells = cells + [""] * (len(header) - len(cells))
            problems = _cell_errors(line, cells, labels, limits)
            if problems:
                errors.extend(problems)
                continue
            result.rows.append(
                (line, {key: cells[index].strip() for key, index in positions.items()})
            )
    except csv.Error as error:
        errors.append(CellError(last_line + 1, "", _("The CSV is broken here (%s).") % error))
    if errors:
        raise ImportRefused(errors)
    if not result.rows:
        raise ImportRefused([CellError(2, "", _("The file has no data rows."))])
    return result


_DATE = re.compile(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


class CellInvalid(ValueError):
    """A cell that cannot be read; its message is shown to the user as is."""


def parse_date(text: str) -> dt.date:
    match = _DATE.fullmatch(normalise(text))
    if not match:
        raise CellInvalid(_("Write the date as 2021-04-05 or 2021/4/5."))
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellInvalid(_("There is no such date.")) from None


def parse_time(text: str) -> dt.time:
    match = _TIME.fullmatch(normalise(text))
    if not match:
        raise CellInvalid(_("Write the time as 10:00."))
    hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return dt.time(hour, minute, second)
    except ValueError:
        raise CellInvalid(_("There is no such time.")) from None


def parse_datetime(text: str) -> dt.datetime:
    """An aware datetime in Japan time from 2021-04-05 10:00 or 2021/4/5 10:00."""
    parts = normalise(text).replace("T", " ").split()
    if len(parts) != 2:
        raise CellInvalid(_("Write the date and time as 2021-04-05 10:00 or 2021/4/5 10:00."))
    return dt.datetime.combine(parse_date(parts[0]), parse_time(parts[1]), tzinfo=JST)


YES = {"はい", "yes", "y", "true", "1", "○", "有", "あり"}
NO = {"いいえ", "no", "n", "false", "0", "×", "無", "なし", ""}


def parse_bool(text: str) -> bool:
    value = normalise(text).lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise CellInvalid(_("Write はい or いいえ."))


def iter_list(text: str) -> Iterator[str]:
    """The items of a `;`-separated cell (full-width ；、 too), blanks skipped."""
    for item in re.split(r"[;；]", normalise(text)):
        if item.strip():
            yield item.strip()
