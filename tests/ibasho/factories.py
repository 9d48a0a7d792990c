"""Plain factories for 居場所 records: fixed values, nothing random."""

import datetime as dt

from ibasho.models import Attendance, Program, Session
from kokona.fiscal import JST


def program(code: str = "salon") -> Program:
    return Program.objects.get(code=code)


def make_session(
    code: str = "salon",
    *,
    day: dt.date = dt.date(2026, 11, 12),
    start: tuple[int, int] = (10, 0),
    hours: int = 2,
    **fields: object,
) -> Session:
    starts_at = dt.datetime.combine(day, dt.time(*start), tzinfo=JST)
    fields.setdefault("venue", "ふらっと")
    return Session.objects.create(
        program=program(code),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        **fields,
    )


def attend(session: Session, client, **fields: object) -> Attendance:
    """An attendance row written directly (the services are tested on their own)."""
    return Attendance.objects.create(session=session, client=client, **fields)
