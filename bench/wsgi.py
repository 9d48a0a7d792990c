"""kokona's WSGI application, wrapped to say how many SQL statements each request ran, in an
`X-Bench-Queries` response header. Only the benchmark's gunicorn loads this module; production
serves `kokona.wsgi` and never counts. A sync worker serves one request at a time on one thread,
so the count is that request's alone: the session, the user, the page and the session's save."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from kokona.wsgi import application as kokona_application

HEADER = "X-Bench-Queries"


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    count = 0

    def counter(execute: Callable[..., Any], *args: Any) -> Any:
        nonlocal count
        count += 1
        return execute(*args)

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return start_response(status, [*headers, (HEADER, str(count))], exc_info)

    with connection.execute_wrapper(counter):
        return kokona_application(environ, start)
