"""Importing past sessions from CSV (`manage.py import_sessions` and the upload page).

Columns: date, start, end, program (label or code), venue (blank: the programme's), participants
(the head count: old sheets never named anyone), children_in_childcare, notes. Each row is one
session that took place. All or nothing; importing the same file twice adds nothing.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ibasho.models import Program, Session
from kokona import audit, importers
from kokona.crypto import keyed_hash
from kokona.csvio import (
    CellError,
    CellInvalid,
    Column,
    ImportRefused,
    normalise,
    parse_date,
    parse_time,
    read,
)
from kokona.fiscal import JST
from kokona.models import User
from kokona.vocabularies import lookup

COLUMNS = [
    Column("date", gettext_lazy("Date"), ("日付", "開催日")),
    Column("start", gettext_lazy("Starts"), ("開始", "開始時刻")),
    Column("end", gettext_lazy("Ends"), ("終了", "終了時刻")),
    Column("program", gettext_lazy("Programme"), ("プログラム", "事業", "内容")),
    Column("venue", gettext_lazy("Venue"), ("会場", "場所"), required=False, max_length=100),
    Column(
        "participants",
        gettext_lazy("Participants"),
        ("参加者数", "参加人数", "参加者"),
        required=False,
    ),
    Column(
        "children_in_childcare",
        gettext_lazy("Children in childcare"),
        ("託児人数", "託児"),
        required=False,
    ),
    Column("notes", gettext_lazy("Notes"), ("備考", "メモ"), required=False),
]
_NAMES = {column.key: column for column in COLUMNS}
EARLIEST = dt.date(2000, 1, 1)
MAX_HEADS = 500


@dataclass
class Row:
    line: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    program: Program
    venue: str
    participants: int
    children: int
    notes: str
    import_key: str


@dataclass
class Plan(importers.Plan):
    rows: list[Row] = field(default_factory=list)
    repeated_in_file: int = 0

    @property
    def participants(self) -> int:
        return sum(row.participants for row in self.rows)

    @property
    def children(self) -> int:
        return sum(row.children for row in self.rows)


def _count(text: str) -> int:
    value = normalise(text).removesuffix("人").removesuffix("名")
    if not value:
        return 0
    if not value.isdigit() or int(value) > MAX_HEADS:
        raise CellInvalid(_("Write a whole number from 0 to %d.") % MAX_HEADS)
    return int(value)


def _key(starts_at: dt.datetime, ends_at: dt.datetime, program: Program, venue: str) -> str:
    """The same session (when, what, where) imported again is recognised by this keyed hash."""
    parts = [starts_at.isoformat(), ends_at.isoformat(), program.code, venue]
    return keyed_hash("\x1f".join(parts), kind="text")


def plan(data: bytes, *, by: User) -> Plan:
    """Read and check the whole file; raise ImportRefused naming every bad cell. Writes nothing."""
    rows = read(data, COLUMNS).rows
    programs: dict[str, Program] = Program.objects.by_label_and_code()
    today = timezone.localdate()
    errors: list[CellError] = []
    result = Plan()
    seen: set[str] = set()
    for line, row in rows:

        def bad(key: str, message: str, line: int = line) -> None:
            errors.append(CellError(line, _NAMES[key].name, message))

        values: dict[str, object] = {}
        for key, parse in (("date", parse_date), ("start", parse_time), ("end", parse_time)):
            try:
                values[key] = parse(row[key])
            except CellInvalid as error:
                bad(key, str(error))
        for key in ("participants", "children_in_childcare"):
            try:
                values[key] = _count(row.get(key, ""))
            except CellInvalid as error:
                bad(key, str(error))
        program = lookup(programs, row["program"])
        if program is None:
            bad("program", _("Unknown programme 「%s」.") % row["program"])
        day = values.get("date")
        if isinstance(day, dt.date) and not EARLIEST <= day <= today:
            bad(
                "date",
                _("The date is in the future or before 2000: import sessions that took place."),
            )
            continue
        start, end = values.get("start"), values.get("end")
        if isinstance(start, dt.time) and isinstance(end, dt.time) and end <= start:
            bad("end", _("The session must end after it starts."))
            continue
        if not (
            isinstance(day, dt.date)
            and isinstance(start, dt.time)
            and isinstance(end, dt.time)
            and len(values) == 5
            and program is not None
        ):
            continue
        starts_at = dt.datetime.combine(day, start, tzinfo=JST)
        ends_at = dt.datetime.combine(day, end, tzinfo=JST)
        venue = normalise(row.get("venue", "")) or program.venue
        key = _key(starts_at, ends_at, program, venue)
        if key in seen:
            result.repeated_in_file += 1
            continue
        seen.add(key)
        result.rows.append(
            Row(
                line=line,
                starts_at=starts_at,
                ends_at=ends_at,
                program=program,
                venue=venue,
                participants=int(values["participants"]),  # type: ignore[call-overload]
                children=int(values["children_in_childcare"]),  # type: ignore[call-overload]
                notes=row.get("notes", ""),
                import_key=key,
            )
        )
    if errors:
        raise ImportRefused(errors)
    done = set(
        Session.objects.filter(import_key__in=[r.import_key for r in result.rows]).values_list(
            "import_key", flat=True
        )
    )
    result.already_imported = len(done)
    result.rows = [row for row in result.rows if row.import_key not in done]
    return result


@transaction.atomic
def apply(plan: Plan, *, by: User, progress: importers.Progress | None = None) -> int:
    """Write the planned sessions in one transaction; return how many were added."""
    sessions = Session.objects.bulk_create(
        Session(
            program=row.program,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            venue=row.venue,
            anonymous_count=row.participants,
            anonymous_children=row.children,
            # Old sheets knew no childcare places: as many as the children who came.
            childcare_places=row.children,
            notes=row.notes,
            import_key=row.import_key,
            created_by=by,
        )
        for row in sorted(plan.rows, key=lambda r: (r.starts_at, r.line))
    )
    audit.record_many(audit.Action.CREATE, ((s, {"import": True}) for s in sessions), by=by)
    if progress is not None:
        progress(len(sessions))
    return len(sessions)
