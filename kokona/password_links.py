"""Invitation and reset links: the owner of an account sets her own password.

Nobody chooses a password for someone else. A supervisor who creates an account, or whose
colleague has forgotten her password, issues a link instead: shown once to the supervisor (to
hand over in person) and mailed when the account has an email address. The link works once
(it is bound to the password it replaces, like Django's reset links) and expires; the second
factor is still asked afterwards.
"""

from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from kokona import audit
from kokona.models import User


class ExpiringTokenGenerator(PasswordResetTokenGenerator):
    """Django's one-time password token, with a salt and a lifetime of its own."""

    def __init__(self, key_salt: str, max_age: timedelta) -> None:
        super().__init__()
        self.key_salt = key_salt
        self.max_age = max_age

    def check_token(self, user: User | None, token: str | None) -> bool:  # type: ignore[override]
        if not super().check_token(user, token) or token is None:
            return False
        issued = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - issued <= self.max_age.total_seconds()


invitation_tokens = ExpiringTokenGenerator("kokona.password_links.invitation", timedelta(days=3))
# A reset she asked for herself, by email: short-lived, since the mailbox may be shared.
reset_tokens = ExpiringTokenGenerator("kokona.password_links.reset", timedelta(hours=1))


def invitation_url(request: HttpRequest, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    return request.build_absolute_uri(reverse("invitation", args=[uid, token]))


def invite(request: HttpRequest, user: User, *, force_reset: bool = False) -> str:
    """Issue a link with which `user` sets her own password; mail it if she has an address.

    With `force_reset` her present password stops working first (and with it every session).
    Returns the link, to be shown once to the supervisor who asked for it and never stored.
    """
    if force_reset:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    url = invitation_url(request, user)
    detail = {"invitation": True, "force_reset": force_reset}
    audit.record(audit.Action.CREATE, user, by=request.user, detail=detail)
    if user.email:
        transaction.on_commit(lambda: _mail(user, url))
    return url


def _mail(user: User, url: str) -> None:
    days = invitation_tokens.max_age.days
    send_mail(
        _("kokona: set your password"),
        _(
            "Open this link to set your password for kokona (username: %(username)s). It works"
            " once and for %(days)d days. If you did not expect it, tell your supervisor.\n\n"
            "%(url)s"
        )
        % {"username": user.get_username(), "days": days, "url": url},
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


class AuditedPasswordResetForm(PasswordResetForm):
    """Django's reset request: the same answer whether or not the address is known; each link
    mailed to an account is audited against it."""

    def get_users(self, email: str) -> Iterator[User]:  # type: ignore[override]
        for user in super().get_users(email):
            audit.record(audit.Action.UPDATE, user, by=None, detail={"reset_requested": True})
            yield user
