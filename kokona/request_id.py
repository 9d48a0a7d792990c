"""The id of the request being served, for log lines and audit events."""

import contextvars

current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
