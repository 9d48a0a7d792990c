"""Logging pieces. Kept free of Django imports: logging is configured before the apps load.

Log lines carry the request id and never a person's data. PostgreSQL puts the failing row into
its error messages ("DETAIL:  Failing row contains (…)"); the formatter drops those lines.
"""

import logging
import re

from kokona.request_context import request_id

_ROW_DETAIL = re.compile(r"^\s*DETAIL:.*$", re.MULTILINE)


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class ScrubbingFormatter(logging.Formatter):
    """A formatter whose output holds no row values from database errors."""

    def format(self, record: logging.LogRecord) -> str:
        return _ROW_DETAIL.sub("DETAIL: (removed: may hold personal data)", super().format(record))
