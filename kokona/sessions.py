"""Django's database sessions, read with SQL compiled once per process (`kokona.compiled`):
every signed-in request reads its session before anything else."""

import datetime as dt
import functools
from typing import Any

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from kokona.compiled import Compiled

_KEY = "\x00session key\x00"
_NOW = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


@functools.cache
def _unexpired() -> Compiled:
    """Django's own read (`db.SessionStore._get_session_from_db`): the session by its key, if it
    has not expired by the app's clock."""
    rows = Session.objects.filter(session_key=_KEY, expire_date__gt=_NOW)
    return Compiled(rows.values_list("session_data"), _KEY, _NOW)


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        row = _unexpired().first_row(self.session_key, timezone.now())
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
