"""Signing in: Django's own backend, with the signed-in user's roles read with her."""

import functools

from django.contrib.auth.backends import ModelBackend

from kokona.compiled import AN_ID, Compiled
from kokona.models import User


@functools.cache
def _signed_in() -> Compiled:
    return Compiled(User.objects.signed_in().filter(pk=AN_ID)[:1], AN_ID)


class RolesBackend(ModelBackend):
    """Every signed-in request reads its user again, and nearly every page asks her roles: they
    come in the same query (`User.objects.signed_in()`), not in a query of their own. Read on
    every request as before, so a role taken away applies at her next click. The query's SQL is
    compiled once per process (`kokona.compiled`)."""

    def get_user(self, user_id: int) -> User | None:  # type: ignore[override]
        read = _signed_in()
        user = next(iter(User.objects.raw(read.sql, read.params([int(user_id)]))), None)
        return user if user is not None and self.user_can_authenticate(user) else None
