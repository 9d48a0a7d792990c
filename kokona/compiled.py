"""Reads whose SQL is compiled once per process: the two every signed-in request makes before
anything else, its session (`kokona.sessions`) and its user (`kokona.backends`), and the yes-or-no
questions asked before a read through the door: the counselors' home's before it reads a list
(`consultations.queries`, both asked in one statement: `ask`), the case page's before it reads
her LINE account (`consultations.line_intake`). Django builds and compiles a query afresh each
time it runs, 0.3 ms of Python or more, though their SQL never changes, only the values in it (a
session key and the time, a user's id).

None of them goes through an access door. A question answers yes or no, never with a record, and a
yes is followed by the read through the door.

A read through the door (`Read`) is compiled once too, for each way through it: its SQL depends on
who reads, but only on her way through (`DoorQuerySet.door_of`: a supervisor's, a counselor's)
and her id, which it takes as a value. The case page's reads were compiled afresh on every view,
2.4 ms of its Python (bench/README.md)."""

import copy
import datetime as dt
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.sql.compiler import SQLCompiler

from kokona.doors import DoorQuerySet
from kokona.models import User

# A marker for a record's id: no record has it.
AN_ID = -(2**62)
# The id of the stand-in a read through the door is built for (`Read`): no user has it.
A_USER = AN_ID + 1
# How many ways through and shapes a read keeps compiled, at most.
MAX_SHAPES = 64
# Markers for a day and a moment: no record is dated so.
A_DAY = dt.date(1, 1, 1)
A_MOMENT = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


class Compiled:
    """The SQL of a query built with `markers` where its values go, run with other values."""

    def __init__(self, rows: QuerySet[Any], *markers: object) -> None:
        self.model = rows.model
        self.sql, params = rows.query.sql_with_params()
        self.order = _order(self.sql, params, markers)
        # Asked as a plain SELECT: a union's SQL opens with a parenthesis, which pghistory takes
        # for a write and prefixes with its context, a second statement on every ask.
        self._any = f"SELECT EXISTS({self.sql})"

    def params(self, values: Sequence[Any]) -> list[Any]:
        return _fill(self.order, values)

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


class Read[R]:
    """A read through the access door compiled once per process for each way through it, then
    run with the reader's id and the read's values in its SQL, its rows made into records as
    Django makes them.

    `build(user, *markers, **shape)` builds the read of `model` for `user`, through the door. It is
    built once for each way through (`door_of`) and each `shape` (what changes the SQL itself,
    such as how many rows), for a stand-in: a copy of the first reader with `A_USER` for id,
    whom the door cannot tell from her (checked). Her id, like each value, must then stand in the
    SQL as a parameter: a build that holds any other value (another user's id, the time) is
    refused, as `Compiled` refuses one, rather than run for everyone as it was built, unless it
    is one of the `constants` the read names (a status, a number of rows: the code's own).

    The door's own conditions always hold the reader's id, never a constant: whatever a build
    holds, the rows are those the door shows her."""

    def __init__(
        self,
        model: type[Model],
        build: Callable[..., QuerySet[Any, R]],
        *markers: object,
        constants: Sequence[object] = (),
    ) -> None:
        self.model = model
        self.build = build
        self.markers = markers
        self.constants = constants
        self._prepared: dict[Hashable, _Prepared[R] | None] = {}
        self._lock = threading.Lock()

    def __call__(self, user: User, *values: Any, **shape: Hashable) -> list[R]:
        door = self._door(user)
        key = (door, *sorted(shape.items()))
        prepared = self._prepared.get(key, _UNPREPARED)
        if prepared is _UNPREPARED:
            prepared = self._prepare(user, door, shape)
            with self._lock:
                # A list's shapes (its filters, its pages) are many: the oldest makes room.
                if len(self._prepared) >= MAX_SHAPES:
                    del self._prepared[next(iter(self._prepared))]
                self._prepared[key] = prepared
        return [] if prepared is None else prepared.run((user.pk, *values))

    def first(self, user: User, *values: Any, **shape: Hashable) -> R | None:
        found = self(user, *values, **shape)
        return found[0] if found else None

    def _door(self, user: User) -> Hashable:
        return cast(DoorQuerySet[Any], self.model._default_manager.all()).door_of(user)

    def _prepare(
        self, user: User, door: Hashable, shape: dict[str, Hashable]
    ) -> "_Prepared[R] | None":
        stand_in = copy.copy(user)
        stand_in.pk = A_USER
        if self._door(stand_in) != door:
            raise ValueError(f"the door tells {user} from her stand-in")
        rows = self.build(stand_in, *self.markers, **shape)
        if not isinstance(rows, DoorQuerySet) or rows._scope != f"visible to user {A_USER}":
            raise ValueError(f"{rows!r} is not read through the door for the user it was given")
        compiler = rows.query.get_compiler(rows.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # the door shows this reader nothing
            return None
        order = _order(sql, params, (A_USER, *self.markers), self.constants)
        return _Prepared(rows, compiler, sql, order)


_UNPREPARED: Any = object()


@dataclass(frozen=True)
class _Constant:
    value: object


@dataclass(frozen=True)
class _Prepared[R]:
    rows: QuerySet[Any, R]
    compiler: SQLCompiler
    sql: str
    order: list[int | _Constant]

    def run(self, values: Sequence[Any]) -> list[R]:
        """The records, made by Django's own iterable with a copy of the compiler that answers
        with this SQL and these values instead of compiling the query again, on this thread's
        connection (the compiler holds the one of the thread that compiled it)."""
        params = _fill(self.order, values)
        compiler = copy.copy(self.compiler)
        compiler.connection = connections[self.rows.db]
        compiler.as_sql = lambda *args, **kwargs: (self.sql, params)  # type: ignore[method-assign,assignment]
        rows = self.rows._chain()  # type: ignore[attr-defined]
        rows.query.get_compiler = lambda *args, **kwargs: compiler
        return list(rows)


def _order(
    sql: str, params: Sequence[Any], markers: Sequence[object], constants: Sequence[object] = ()
) -> list[int | _Constant]:
    """Each parameter: the place of its marker among the values, or one of the constants as it
    is. Any other value would be run as it was when compiled, so a query holding one is
    refused."""
    order: list[int | _Constant] = []
    for param in params:
        found = [i for i, marker in enumerate(markers) if _same(marker, param)]
        if len(found) == 1:
            order.append(found[0])
        elif not found and any(_is(constant, param) for constant in constants):
            order.append(_Constant(param))
        else:
            raise ValueError(f"values other than the markers in {sql!r}: {params!r}")
    return order


def _fill(order: Sequence[int | _Constant], values: Sequence[Any]) -> list[Any]:
    return [p.value if isinstance(p, _Constant) else values[p] for p in order]


def _same(marker: object, param: object) -> bool:
    return type(marker) is type(param) and marker == param


def _is(constant: object, param: object) -> bool:
    # A number in a query comes out typed (psycopg's Int4 for an int), a choice as its enum.
    return isinstance(param, type(constant)) and param == constant


def ask(*questions: tuple[Compiled, Sequence[Any]]) -> tuple[bool, ...]:
    """Whether each query finds a row, given its values, all asked in one statement: one round
    trip to the database, where each asked apart is one more (about 0.4 ms on the home)."""
    sql = "SELECT " + ", ".join(f"EXISTS({question.sql})" for question, _ in questions)
    params = [p for question, values in questions for p in question.params(values)]
    with connections[router.db_for_read(questions[0][0].model)].cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(bool(answer) for answer in cursor.fetchone())
