"""What is known of the request being served, for log lines and audit events: its id and the
client's address. Set by `RequestIdMiddleware` (and by the background worker for a task), read by
`kokona.audit` and the log filter, so services take the person who acts, never the request."""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "client_address", default=None
)


@contextmanager
def bound(*, id: str, address: str | None = None) -> Iterator[None]:
    """Within this block, log lines and audit events carry `id` and `address`."""
    id_token = request_id.set(id)
    address_token = client_address.set(address)
    try:
        yield
    finally:
        request_id.reset(id_token)
        client_address.reset(address_token)
