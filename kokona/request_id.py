"""The id of the request being served, for log lines. Kept free of Django imports: logging is
configured before the apps are loaded."""

import contextvars
import logging

current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current.get()
        return True
