"""Querysets of personal records that will not run until they say whose eyes they are for.

A model holding what a woman told us takes a `DoorQuerySet` as its default manager. Building a
query costs nothing; running it (iterating, counting, `exists`, `aggregate`, `update`, `delete`)
raises `UnscopedRead` unless it went through the model's access door, `visible_to(user)`, or says by
name that it looks past the door, `unscoped()` (the door's own refusal log, a notice to the
supervisors, the home's yes-or-no questions before it reads a list through the door, tests).
Related managers (`client.cases`) are built from the same class, so a read through a relation
needs the door too: a restricted case cannot leak through `client.cases.all()`.

Django's own row-level work (saving, refreshing, deleting, following a foreign key forward) goes
through `_base_manager`, a plain manager, and is untouched; so is `create()`, which reads nothing.
"""

from collections.abc import Hashable
from typing import Any, Self

from django.db import models

from kokona.models import User


class UnscopedRead(Exception):
    """A query of personal records ran without the access door. A programming error: fail loudly."""


class DoorQuerySet[M: models.Model](models.QuerySet[M]):
    _scope: str | None = None

    def visible_to(self, user: User) -> Self:
        """The rows `user` may see. Each model's QuerySet says what that means."""
        raise NotImplementedError

    def door_of(self, user: User) -> Hashable:
        """What of `user` decides the SQL of `visible_to(user)`, beyond her id: `visible_to` takes
        its way on this alone. A read compiled once (`kokona.compiled.Read`) is kept for each
        value of it and run for every user it names, with her own id."""
        raise NotImplementedError

    def through_door(self, user: User) -> Self:
        """For `visible_to` implementations: these rows were narrowed for `user`."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone._scope = f"visible to user {user.pk}"
        return clone

    def unscoped(self) -> Self:
        """Every row, past the door, on purpose: the caller says so by calling this."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone._scope = "unscoped"
        return clone

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._scope = self._scope
        return clone

    def _check(self) -> None:
        if self._scope is None:
            raise UnscopedRead(
                f"{self.model.__name__} rows were read without the access door: use"
                f" {self.model.__name__}.objects.visible_to(user), or .unscoped() where looking"
                " past the door is the point."
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check()
        super()._fetch_all()

    def iterator(self, chunk_size: int | None = None) -> Any:
        self._check()
        return super().iterator(chunk_size)

    def count(self) -> int:
        if self._result_cache is None:
            self._check()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._check()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check()
        return super().delete()
