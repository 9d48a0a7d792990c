"""SQL written by hand where Django's own building cost more than the query: the pieces each such
expression needs, once. An expression about one column of the enclosing query (`OnColumn`) writes
its SQL in `sql()`; the names in it come from the models' metadata (`column`), its values go as
parameters. Used by the access door's rule on the woman (`consultations.access.WomanSeenBy`) and
a contact's concerns (`consultations.timelines.ConcernLabels`)."""

from collections.abc import Sequence
from typing import Any, cast

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, F
from django.db.models.options import Options
from django.db.models.sql.compiler import SQLCompiler


def column(meta: Options[Any], name: str, connection: BaseDatabaseWrapper) -> str:
    """The quoted column of a model's field, for SQL written by hand."""
    return connection.ops.quote_name(str(cast(models.Field, meta.get_field(name)).column))


class OnColumn(Expression):
    """SQL of its own about one column of the enclosing query, given as `F("...")`: Django
    resolves it as any column (the alias of the table it is in), and `sql()` receives it
    compiled."""

    def __init__(self, of: F) -> None:
        super().__init__()
        self.of: Any = of  # resolved: the enclosing query's column

    def get_source_expressions(self) -> list[Any]:
        return [self.of]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.of,) = exprs

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        of, params = compiler.compile(self.of)
        return self.sql(of, tuple(params), connection)

    def sql(
        self, of: str, params: tuple[Any, ...], connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        """The SQL, given the column's (`of`) and its parameters."""
        raise NotImplementedError
