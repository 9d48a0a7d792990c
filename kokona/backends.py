"""Signing in: Django's own backend, with the signed-in user's roles read with her."""

from django.contrib.auth.backends import ModelBackend

from kokona.models import User


class RolesBackend(ModelBackend):
    """Every signed-in request reads its user again, and nearly every page asks her roles: they
    come in the same query (`User.objects.signed_in()`), not in a query of their own. Read on
    every request as before, so a role taken away applies at her next click."""

    def get_user(self, user_id: int) -> User | None:  # type: ignore[override]
        user = User.objects.signed_in().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
