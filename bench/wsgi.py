"""kokona's WSGI application, wrapped to say how many SQL statements each request ran and how
much CPU time the worker spent on it, in `X-Bench-Queries` and `X-Bench-CPU` (milliseconds)
response headers. Only the benchmark's gunicorn loads this module; production serves
`kokona.wsgi` and never counts. A sync worker serves one request at a time on one thread, so both
are that request's alone: the session, the user, the page and the session's save. The CPU time
leaves out the waits (the database, the network) that the milliseconds of the client include,
and so wanders less with a shared machine's load."""

import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from kokona.wsgi import application as kokona_application

HEADER = "X-Bench-Queries"
CPU_HEADER = "X-Bench-CPU"


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    count = 0
    started = time.process_time()

    def counter(execute: Callable[..., Any], *args: Any) -> Any:
        nonlocal count
        count += 1
        return execute(*args)

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        # Django has drawn the whole page by the time it starts the response.
        cpu = f"{(time.process_time() - started) * 1000:.2f}"
        return start_response(status, [*headers, (HEADER, str(count)), (CPU_HEADER, cpu)], exc_info)

    with connection.execute_wrapper(counter):
        return kokona_application(environ, start)
