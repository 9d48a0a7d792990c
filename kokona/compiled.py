"""Reads whose SQL is compiled once per process: the two every signed-in request makes before
anything else, its session (`kokona.sessions`) and its user (`kokona.backends`), and the yes-or-no
questions asked before a read through the door: the counselors' home's before it reads a list
(`consultations.queries`, both asked in one statement: `ask`), the case page's before it reads
her LINE account (`consultations.line_intake`). Django builds and compiles a query afresh each
time it runs, 0.3 ms of Python or more, though their SQL never changes, only the values in it (a
session key and the time, a user's id).

None of them goes through an access door: nothing here is for a read of a woman's records, whose
SQL depends on who reads (`visible_to`). A question answers yes or no, never with a record, and
a yes is followed by the read through the door."""

from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet

# A marker for a record's id: no record has it.
AN_ID = -(2**62)


class Compiled:
    """The SQL of a query built with `markers` where its values go, run with other values."""

    def __init__(self, rows: QuerySet[Any], *markers: object) -> None:
        self.model = rows.model
        self.sql, params = rows.query.sql_with_params()
        # Where each marker stands among the parameters; any other value would be run as it was
        # when compiled, so a query holding one is refused.
        places = [[i for i, marker in enumerate(markers) if _same(marker, p)] for p in params]
        if any(len(found) != 1 for found in places):
            raise ValueError(f"values other than the markers in {self.sql!r}: {params!r}")
        self.order = [found[0] for found in places]
        # Asked as a plain SELECT: a union's SQL opens with a parenthesis, which pghistory takes
        # for a write and prefixes with its context, a second statement on every ask.
        self._any = f"SELECT EXISTS({self.sql})"

    def params(self, values: Sequence[Any]) -> list[Any]:
        return [values[i] for i in self.order]

    def first_row(self, *values: Any) -> tuple[Any, ...] | None:
        return self._run(self.sql, values)

    def any(self, *values: Any) -> bool:
        """Whether the query finds a row."""
        row = self._run(self._any, values)
        return bool(row and row[0])

    def _run(self, sql: str, values: Sequence[Any]) -> tuple[Any, ...] | None:
        with connections[router.db_for_read(self.model)].cursor() as cursor:
            cursor.execute(sql, self.params(values))
            return cursor.fetchone()  # type: ignore[no-any-return]


def _same(marker: object, param: object) -> bool:
    return type(marker) is type(param) and marker == param


def ask(*questions: tuple[Compiled, Sequence[Any]]) -> tuple[bool, ...]:
    """Whether each query finds a row, given its values, all asked in one statement: one round
    trip to the database, where each asked apart is one more (about 0.4 ms on the home)."""
    sql = "SELECT " + ", ".join(f"EXISTS({question.sql})" for question, _ in questions)
    params = [p for question, values in questions for p in question.params(values)]
    with connections[router.db_for_read(questions[0][0].model)].cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(bool(answer) for answer in cursor.fetchone())
